/**
 * SYNTHETIC traces for the annotation tests (not captures): a summary with hand-picked sites and the
 * symbol resolutions that place them, indexed by the real `buildSiteIndex`. The numbers the tests
 * expect are derived by hand from these inputs in each test's comments.
 */
import type { SiteSummary } from '../../../src/core/model/summary';
import { buildSiteIndex, type SiteIndex } from '../../../src/core/sites/siteIndex';
import type { SymbolResolution } from '../../../src/core/symbols/symbolModel';
import { site, summaryWith } from '../sites/summaryFixture';

const lineAt = (rip: string, file: string, line: number, symbol: string, offset: number): SymbolResolution => ({ rip, precision: 'line', file, line, symbol, offset });
const symAt = (rip: string, symbol: string, offset: number): SymbolResolution => ({ rip, precision: 'symbol', symbol, offset });
const byRip = (...rs: SymbolResolution[]) => new Map(rs.map((r) => [r.rip, r]));

/**
 * Current trace, 7396 exits (4800 + 1 + 2400 + 10 + 100 + 50 + 30 + 5):
 * - a.c:35 ← 0x401230 (4800 #PF, 2 400 000 ns, vCPU 0) + 0x401234 (1 #PF, 500 ns, vCPU 1)
 * - a.c:37 ← 0x401250: 800 cr3 (CR_ACCESS) + 1600 invlpg (INVLPG), 4 800 000 ns, vCPUs 0 and 2
 * - a.c:40 ← 0x401300: 10 HLT, 10 000 000 ns
 * - b.c:7  ← 0x401400: 100 mmio (EPT_MISCONFIG), 300 000 ns
 * - clear_page+0x10 (0xffffffff81000110): 50 #PF; clear_page+0x30 (0xffffffff81000130): 30 invlpg
 * - 0xdead: 5 other, no symbol
 * Host time: 17 500 000 ns overhead + 10 000 000 ns HLT = 27 500 000 ns.
 */
export const CURRENT_SITES: SiteSummary[] = [
  site('0x401230', 4800, 2_400_000, 'pagefault', 'EXCEPTION_NMI', [0]),
  site('0x401234', 1, 500, 'pagefault', 'EXCEPTION_NMI', [1]),
  { rip: '0x401250', exits: 2400, totalNs: 4_800_000, byCategory: { cr3: 800, invlpg: 1600 }, byReason: { CR_ACCESS: 800, INVLPG: 1600 }, vcpus: [0, 2] },
  site('0x401300', 10, 10_000_000, 'hlt', 'HLT', [0]),
  site('0x401400', 100, 300_000, 'mmio', 'EPT_MISCONFIG', [1]),
  site('0xffffffff81000110', 50, 25_000, 'pagefault', 'EXCEPTION_NMI', [0]),
  site('0xffffffff81000130', 30, 15_000, 'invlpg', 'INVLPG', [0]),
  site('0xdead', 5, 1_000, 'other', 'XSETBV', [0]),
];

export const CURRENT_RESOLUTIONS = byRip(
  lineAt('0x401230', 'src/a.c', 35, 'forkwait', 0x30),
  lineAt('0x401234', 'src/a.c', 35, 'forkwait', 0x34),
  lineAt('0x401250', 'src/a.c', 37, 'forkwait', 0x50),
  lineAt('0x401300', 'src/a.c', 40, 'idle_loop', 0),
  lineAt('0x401400', 'src/b.c', 7, 'mmio_poke', 0),
  symAt('0xffffffff81000110', 'clear_page', 0x10),
  symAt('0xffffffff81000130', 'clear_page', 0x30),
  { rip: '0xdead', precision: 'none' },
);

export const CURRENT = summaryWith({ file: 'sim/cur.perf.txt', exits: 7396, overheadNs: 17_500_000, hltNs: 10_000_000, sites: CURRENT_SITES });

/** Baseline, 4020 exits: a.c:35 4000 #PF; a.c:99 20 cr3 (a line the current trace no longer has). */
export const BASELINE = summaryWith({
  file: 'sim/base.perf.txt',
  exits: 4020,
  overheadNs: 1_000_000,
  hltNs: 0,
  sites: [site('0x501230', 4000, 900_000, 'pagefault', 'EXCEPTION_NMI', [0]), site('0x501990', 20, 100_000, 'cr3', 'CR_ACCESS', [0])],
});

export const BASELINE_RESOLUTIONS = byRip(lineAt('0x501230', 'src/a.c', 35, 'forkwait', 0x30), lineAt('0x501990', 'src/a.c', 99, 'other_fn', 0));

/** The current trace's index, alone or against the baseline. */
export function currentIndex(withBaseline = false): SiteIndex {
  return buildSiteIndex(
    { summary: CURRENT, resolutions: CURRENT_RESOLUTIONS },
    withBaseline ? { summary: BASELINE, resolutions: BASELINE_RESOLUTIONS } : undefined,
  );
}
