/**
 * How a site is recognised in another trace: by `file:line` when both were resolved to a line, else by
 * `symbol+offset`. Never by raw address — a rebuilt or relocated guest moves every RIP, and matching
 * raw addresses would silently compare unrelated code.
 */

/** The location fields matching looks at (a SymbolResolution or a symbolised SiteSummary). */
export interface SiteLocation {
  readonly file?: string;
  readonly line?: number;
  readonly symbol?: string;
  readonly offset?: number;
}

/** Key of a source line (`line:` prefix keeps it apart from symbol keys whatever the names hold). */
export function lineKey(file: string, line: number): string {
  return `line:${file}:${line}`;
}

/** Key of a code position without line information. */
export function symbolOffsetKey(symbol: string, offset: number): string {
  return `sym:${symbol}+0x${offset.toString(16)}`;
}

/** The matching key of a site, or undefined when only a raw address is known (never matched). */
export function siteMatchKey(loc: SiteLocation): string | undefined {
  if (loc.file !== undefined && loc.line !== undefined) return lineKey(loc.file, loc.line);
  if (loc.symbol !== undefined && loc.offset !== undefined) return symbolOffsetKey(loc.symbol, loc.offset);
  return undefined;
}
