/**
 * The hover Markdown for lines of the SYNTHETIC index in fixture.ts: exact counts and shares worked
 * out by hand, host time, baseline delta, links, and escaping of hostile symbol names.
 */
import { strict as assert } from 'assert';
import { buildSiteIndex } from '../../../src/core/sites/siteIndex';
import { categoryFilter } from '../../../src/extension/annotations/decorationModel';
import { commandUri, escapeMarkdown, hoverMarkdown, type HoverInput, type HoverTrace } from '../../../src/extension/annotations/hoverModel';
import { site, summaryWith } from '../sites/summaryFixture';
import { currentIndex } from './fixture';

const TRACE: HoverTrace = { name: 'sim/cur.perf.txt', exits: 7396, totalNs: 27_500_000, paging: 'shadow', pagingInferred: false };
const input = (file: string, line: number, o: Partial<HoverInput> = {}, withBaseline = false): HoverInput => ({
  file,
  line,
  stats: currentIndex(withBaseline).line(file, line)!,
  options: { metric: 'exits', categories: categoryFilter([]) },
  trace: TRACE,
  ...o,
});

describe('annotations: hover Markdown', () => {
  it('tabulates a mixed line by category and by reason with exact counts and shares of all exits', () => {
    const md = hoverMarkdown(input('src/a.c', 37));
    const lines = md.split('\n');
    assert.equal(lines[0], '**ExitLens** · src/a\\.c:37 in forkwait');
    // 2400 of 7396 exits = 32.449 % → 32.4 %.
    assert.ok(lines.includes('**2,400 exits** · 32.4 % of all 7,396 exits in sim/cur\\.perf\\.txt'), md);
    // invlpg 1600/7396 = 21.63 %, cr3 800/7396 = 10.82 %; then the reasons.
    const table = lines.filter((l) => l.startsWith('|'));
    assert.deepEqual(table, [
      '| Category / reason | Exits | Share of all exits |',
      '|:--|--:|--:|',
      '| **INVLPG** | 1,600 | 21.6 % |',
      '| **CR3 load** | 800 | 10.8 % |',
      '| reason INVLPG | 1,600 | 21.6 % |',
      '| reason CR\\_ACCESS | 800 | 10.8 % |',
    ]);
    // 4 800 000 ns = 17.45 % of 27 500 000 ns; mean 4 800 000 / 2400 = 2000 ns; no per-site p95.
    assert.ok(lines.includes("**Host time** 4.80 ms (17.5 % of all host time) · mean 2.00 µs · p95 n/a (no per-site timing in this summary)"), md);
    assert.ok(lines.includes('vCPUs 0, 2 · RIP 0x401250 · shadow paging (from the trace header)'), md);
  });

  it('picks the advice of the mix: shadow maintenance only → shadow-only, INVLPG churn, CR3 (at most 3)', () => {
    const md = hoverMarkdown(input('src/a.c', 37));
    const bullets = md.split('\n').filter((l) => l.startsWith('- **'));
    assert.deepEqual(bullets.map((b) => /^- \*\*(.+?)\*\*/.exec(b)![1]), ['Shadow-paging overhead only', 'Many INVLPG', 'CR3 loads (shadow paging)']);
  });

  it('shows p95 when the site carries per-site timing, and the estimated cycles for the cycles metric', () => {
    const timed = { ...site('0x401230', 4800, 2_400_000, 'pagefault', 'EXCEPTION_NMI', [0]), timing: { count: 4000, meanNs: 600, minNs: 500, maxNs: 1500, p50Ns: 1152, p95Ns: 1152, histogram: [[1024, 4000]] as [number, number][] } };
    const summary = summaryWith({ exits: 4800, overheadNs: 2_400_000, hltNs: 0, sites: [timed] });
    const index = buildSiteIndex({ summary, resolutions: new Map([['0x401230', { rip: '0x401230', precision: 'line', file: 'src/a.c', line: 35 }]]) });
    const md = hoverMarkdown({
      file: 'src/a.c',
      line: 35,
      stats: index.line('src/a.c', 35)!,
      options: { metric: 'cycles', categories: categoryFilter([]), cpuHz: 2.5e9 },
      trace: { ...TRACE, exits: 4800, totalNs: 2_400_000 },
    });
    // mean = 2 400 000 ns / 4000 timed exits = 600 ns; p95 in the coarse bucket [1024, 1279] → its
    // midpoint 1152 ns; cycles = 2 400 000 × 2.5 = 6 000 000 → 6M.
    assert.ok(md.includes("**Host time** 2.40 ms (100.0 % of all host time) · mean 600 ns · p95 1.15 µs"), md);
    assert.ok(md.includes('**Estimated cycles** 6M (host ns × 2.50 GHz from the trace header)'), md);
    const noClock = hoverMarkdown({ file: 'src/a.c', line: 35, stats: index.line('src/a.c', 35)!, options: { metric: 'cycles', categories: categoryFilter([]) }, trace: TRACE });
    assert.ok(noClock.includes('**Estimated cycles** n/a (the trace does not give its CPU frequency)'), noClock);
  });

  it('states the change against the baseline and offers the compare link', () => {
    const summary = commandUri('exitlens.openTraceSummary', [{ $mid: 1, scheme: 'file', path: '/w/sim/cur (1).perf.txt' }]);
    const compare = commandUri('exitlens.compareBuilds', ['b', ['b', 'c']]);
    const md = hoverMarkdown(input('src/a.c', 35, { baselineName: 'sim/base.perf.txt', links: { summary, compare } }, true));
    // 4801 now, 4000 in the baseline: +801, ratio 1.20025 → ×1.20.
    assert.ok(md.includes('**Against sim/base\\.perf\\.txt:** 4,000 exits there → Δ +801 (1.20×), all categories'), md);
    assert.ok(md.trimEnd().endsWith(`[Open trace summary](${summary}) · [Compare with the baseline](${compare})`), md);
    // Parentheses inside the arguments are percent-encoded so the link target stays balanced.
    assert.ok(!summary.slice('command:'.length).includes('('));
    assert.deepEqual(JSON.parse(decodeURIComponent(summary.split('?')[1])), [{ $mid: 1, scheme: 'file', path: '/w/sim/cur (1).perf.txt' }]);
  });

  it('notes the exits the category filter leaves out of the annotation', () => {
    const md = hoverMarkdown(input('src/a.c', 37, { options: { metric: 'exits', categories: categoryFilter(['cr3']) } }));
    assert.ok(md.includes("*Not in the line's annotation (category filter):* invlpg 1,600 — 1,600 exits"), md);
  });

  it('escapes hostile names from traces and symbol files: no HTML, no links, no table breaks', () => {
    const evil = '<img src=x onerror=alert(1)>';
    assert.equal(escapeMarkdown(evil), '&lt;img src=x onerror=alert\\(1\\)&gt;');
    assert.equal(escapeMarkdown('[x](command:evil) | *b* `c`\nnext'), '\\[x\\]\\(command\\:evil\\) \\| \\*b\\* \\`c\\` next');
    const stats = { ...currentIndex().line('src/a.c', 37)!, symbol: evil, byReason: { 'A|B<script>': 2400 }, rips: ['0x401250'] };
    const md = hoverMarkdown({ ...input('src/a.c', 37), stats, file: 'src/<b>.c', trace: { ...TRACE, name: '[t](http://x)' } });
    assert.ok(!/<(img|script|b)\b/.test(md), md);
    assert.ok(md.includes('in &lt;img src=x onerror=alert\\(1\\)&gt;'), md);
    assert.ok(md.includes('| reason A\\|B&lt;script&gt; | 2,400 | 32.4 % |'), md);
    assert.ok(md.includes('in \\[t\\]\\(http\\://x\\)'), md);
    assert.ok(!md.includes('](http'), md);
  });
});
