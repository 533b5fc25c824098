/**
 * Fills in `symbol`, `offset`, `file` and `line` of a summary's sites from a SymbolResolver, for the
 * CLI (`exitlens summary --symbols/--elf`) and for building the site index.
 */
import type { CancellationSignal } from '../io/byteSource';
import type { SiteSummary, TraceSummary } from '../model/summary';
import { canonicalRip } from '../symbols/address';
import type { SymbolMessage, SymbolResolution, SymbolResolver } from '../symbols/symbolModel';

/** Symbolised sites, the resolutions behind them (with inline chains), and the resolver's messages. */
export interface SymbolizedSites {
  /** Same order and counts as the input; location fields set only where the resolver knew them. */
  readonly sites: readonly SiteSummary[];
  readonly resolutions: ReadonlyMap<string, SymbolResolution>;
  readonly messages: readonly SymbolMessage[];
}

/** Asks the resolver about every site's RIP once and copies the answers onto the sites. */
export async function symbolizeSites(
  summary: Pick<TraceSummary, 'sites'>,
  resolver: SymbolResolver,
  signal?: CancellationSignal,
): Promise<SymbolizedSites> {
  const result = await resolver.resolve(
    summary.sites.map((s) => s.rip),
    signal,
  );
  const sites = summary.sites.map((s) => applyResolution(s, result.resolutions.get(canonicalRip(s.rip) ?? s.rip)));
  return { sites, resolutions: result.resolutions, messages: result.messages };
}

/** The summary with symbolised sites, plus the messages (what the CLI prints with `--json`). */
export async function symbolizeSummary(
  summary: TraceSummary,
  resolver: SymbolResolver,
  signal?: CancellationSignal,
): Promise<{ summary: TraceSummary; messages: readonly SymbolMessage[]; resolutions: ReadonlyMap<string, SymbolResolution> }> {
  const s = await symbolizeSites(summary, resolver, signal);
  return { summary: { ...summary, sites: s.sites }, messages: s.messages, resolutions: s.resolutions };
}

/** A copy of `site` with the resolution's location; previous location fields are replaced, not merged. */
export function applyResolution(site: SiteSummary, r: SymbolResolution | undefined): SiteSummary {
  const out: { -readonly [K in keyof SiteSummary]: SiteSummary[K] } = { ...site };
  delete out.symbol;
  delete out.offset;
  delete out.file;
  delete out.line;
  if (r?.symbol !== undefined) out.symbol = r.symbol;
  if (r?.offset !== undefined) out.offset = r.offset;
  if (r?.file !== undefined && r.line !== undefined) {
    out.file = r.file;
    out.line = r.line;
  }
  return out;
}
