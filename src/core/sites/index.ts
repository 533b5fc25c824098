/**
 * The site index (file → line → exits) and its building blocks: what the editor annotations, the
 * hot-sites view, the CLI and the build comparison import.
 */
export { buildSiteIndex, siteIndexFromData, SITE_INDEX_VERSION } from './siteIndex';
export type { FileStats, IndexInput, LineStats, SiteIndex, SiteIndexData, UnresolvedGroup, UnresolvedSite } from './siteIndex';
export { compareToBaseline, delta, ratio } from './compareMath';
export type { BaselineComparison } from './compareMath';
export { lineKey, siteMatchKey, symbolOffsetKey } from './siteKey';
export type { SiteLocation } from './siteKey';
export { applyResolution, symbolizeSites, symbolizeSummary } from './symbolizeSites';
export type { SymbolizedSites } from './symbolizeSites';
