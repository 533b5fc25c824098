/**
 * The Hot Exit Sites tree below one trace: category → site, most costly first. Sites are source lines
 * when symbolisation found one, else addresses grouped under their containing symbol, else raw RIPs.
 * Pure (no `vscode`), built from the site index, so the tree's content and order are unit-tested.
 */
import { CATEGORIES, type Category } from '../../core/model/exit';
import type { SiteIndex } from '../../core/sites/siteIndex';
import type { AnnotationMetric } from './decorationModel';
import { formatCount } from './format';

/** A source line with exits of the category. */
export interface LineSiteNode {
  readonly kind: 'line';
  readonly file: string;
  readonly line: number;
  readonly symbol?: string;
  /** Exits of this category on the line. */
  readonly exits: number;
  /** Host time apportioned to this category (the line's time × its share of the line's exits), ns. */
  readonly hostNs: number;
  /** All categories of the line, e.g. `pagefault 12, cr3 3`. */
  readonly mix: string;
  readonly rips: readonly string[];
}

/** One address without a source line. */
export interface AddressNode {
  readonly kind: 'address';
  readonly rip: string;
  readonly symbol?: string;
  readonly offset?: number;
  readonly exits: number;
  readonly hostNs: number;
  readonly mix: string;
}

/** Several addresses in one symbol, none with a source line. */
export interface SymbolGroupNode {
  readonly kind: 'symbol';
  readonly symbol: string;
  readonly exits: number;
  readonly hostNs: number;
  readonly children: readonly AddressNode[];
}

export type SiteNode = LineSiteNode | AddressNode | SymbolGroupNode;

/** One category of one trace with its sites. */
export interface CategoryNode {
  readonly kind: 'category';
  readonly category: Category;
  readonly exits: number;
  readonly hostNs: number;
  readonly children: readonly SiteNode[];
  /** Sites left out by `maxSites`. */
  readonly omitted: number;
}

/** What the tree shows and in which order. */
export interface SiteTreeOptions {
  readonly categories: ReadonlySet<Category>;
  /** `exits` sorts by exit count; `hostTime`/`cycles` by (apportioned) host time when the trace has it. */
  readonly metric: AnnotationMetric;
  /** Per category (default 50). */
  readonly maxSites?: number;
}

/** `pagefault 12, cr3 3`: non-zero categories, most exits first (the view's and tooltips' wording). */
export function categoryMix(byCategory: Readonly<Partial<Record<Category, number>>>): string {
  return CATEGORIES.filter((c) => (byCategory[c] ?? 0) > 0)
    .sort((a, b) => (byCategory[b] ?? 0) - (byCategory[a] ?? 0) || (a < b ? -1 : 1))
    .map((c) => `${c} ${formatCount(byCategory[c] ?? 0)}`)
    .join(', ');
}

/** Categories (of the filter) with exits in the index, each with its sites; most costly first. */
export function siteTree(index: SiteIndex, options: SiteTreeOptions): CategoryNode[] {
  const byTime = options.metric !== 'exits' && index.totalNs > 0;
  const cost = (n: { exits: number; hostNs: number }) => (byTime ? n.hostNs : n.exits);
  const order = (a: { exits: number; hostNs: number }, b: { exits: number; hostNs: number }) => cost(b) - cost(a) || b.exits - a.exits || b.hostNs - a.hostNs;
  const max = options.maxSites ?? 50;
  const nodes: CategoryNode[] = [];
  for (const category of CATEGORIES) {
    if (!options.categories.has(category)) continue;
    const sites: SiteNode[] = [];
    for (const file of Object.keys(index.files)) {
      const lines = index.files[file].lines;
      for (const key of Object.keys(lines)) {
        const s = lines[key];
        const n = s.byCategory[category] ?? 0;
        if (n === 0) continue;
        sites.push({
          kind: 'line',
          file,
          line: Number(key),
          ...(s.symbol !== undefined ? { symbol: s.symbol } : {}),
          exits: n,
          hostNs: s.exits > 0 ? (s.totalNs * n) / s.exits : 0,
          mix: categoryMix(s.byCategory),
          rips: s.rips,
        });
      }
    }
    for (const g of index.unresolved) {
      const addresses: AddressNode[] = [];
      for (const u of g.sites) {
        const n = u.byCategory[category] ?? 0;
        if (n === 0) continue;
        const total = Object.values(u.byCategory).reduce((a: number, b) => a + (b ?? 0), 0);
        addresses.push({
          kind: 'address',
          rip: u.rip,
          ...(g.symbol !== undefined ? { symbol: g.symbol } : {}),
          ...(u.offset !== undefined ? { offset: u.offset } : {}),
          exits: n,
          hostNs: total > 0 ? (u.totalNs * n) / total : 0,
          mix: categoryMix(u.byCategory),
        });
      }
      if (addresses.length === 0) continue;
      addresses.sort((a, b) => order(a, b) || (a.rip < b.rip ? -1 : 1));
      if (addresses.length === 1 || g.symbol === undefined) {
        sites.push(...addresses);
      } else {
        sites.push({
          kind: 'symbol',
          symbol: g.symbol,
          exits: addresses.reduce((s, a) => s + a.exits, 0),
          hostNs: addresses.reduce((s, a) => s + a.hostNs, 0),
          children: addresses,
        });
      }
    }
    if (sites.length === 0) continue;
    sites.sort((a, b) => order(a, b) || siteName(a).localeCompare(siteName(b)));
    nodes.push({
      kind: 'category',
      category,
      exits: sites.reduce((s, n) => s + n.exits, 0),
      hostNs: sites.reduce((s, n) => s + n.hostNs, 0),
      children: sites.slice(0, max),
      omitted: Math.max(0, sites.length - max),
    });
  }
  return nodes.sort((a, b) => order(a, b) || CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category));
}

/** A stable name for tie-breaking and tree ids. */
export function siteName(n: SiteNode): string {
  if (n.kind === 'line') return `${n.file}:${n.line}`;
  if (n.kind === 'symbol') return `sym:${n.symbol}`;
  return n.rip;
}
