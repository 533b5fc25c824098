import * as assert from 'assert';
import { summarizeRecords } from '../../../src/core/analysis/summarize';
import { compareSummaries } from '../../../src/core/compare';
import { comparisonToMarkdown, compareTables, escapeMarkdown, tableToCsv, tableToMarkdown } from '../../../src/core/compare/compareTables';
import { formatDelta, formatNs, formatRatio } from '../../../src/core/compare/format';
import type { Category, ExitRecord } from '../../../src/core/model/exit';
import type { SiteSummary, TraceSummary } from '../../../src/core/model/summary';

// Synthetic records (not a capture): n exits of one reason at one RIP, each lasting `ns`.
function exits(n: number, reasonName: string, category: Category, rip: string, ns: number): ExitRecord[] {
  return Array.from({ length: n }, (_, i) => ({ timeNs: i * 10_000, entryNs: i * 10_000 + ns, vcpu: 0, isa: 'vmx' as const, reasonName, rip, category, line: i + 1 }));
}

function withSite(s: TraceSummary, rip: string, loc: Partial<SiteSummary>): TraceSummary {
  return { ...s, sites: s.sites.map((site) => (site.rip === rip ? { ...site, ...loc } : site)) };
}

// Shadow: 40 #PF (2 µs) at 0x401000, 5 HLT (100 µs) at 0x401030; EPT: 20 EPT violations (3 µs) at
// 0x402000, 5 HLT. Sites get a source line, as symbolisation would (the HLT one only in A).
const XSS = '<img src=x onerror=alert(1)>';
const a = withSite(
  withSite(summarizeRecords({ format: 'perf-script', file: 'fw-shadow.perf.txt', meta: { paging: 'shadow' }, records: [...exits(40, 'EXCEPTION_NMI', 'pagefault', '0x401000', 2000), ...exits(5, 'HLT', 'hlt', '0x401030', 100_000)] }), '0x401000', { file: 'guest.c', line: 12, symbol: 'touch' }),
  '0x401030',
  { symbol: XSS, offset: 4 },
);
const b = withSite(summarizeRecords({ format: 'perf-script', file: 'fw-ept.perf.txt', meta: { paging: 'ept' }, records: [...exits(20, 'EPT_VIOLATION', 'ept', '0x402000', 3000), ...exits(5, 'HLT', 'hlt', '0x401030', 100_000)] }), '0x402000', {
  file: 'guest.c',
  line: 12,
  symbol: 'touch',
});
const c = compareSummaries([{ summary: a }, { summary: b }], { whatIf: false });

describe('comparison tables and their exports', () => {
  it('formats Δ with a real minus sign and ratios with ×, — over a zero baseline', () => {
    assert.strictEqual(formatDelta(-40), '−40');
    assert.strictEqual(formatDelta(7), '+7');
    assert.strictEqual(formatDelta(0), '0');
    assert.strictEqual(formatDelta(-80_000, formatNs), '−80.0 µs');
    assert.strictEqual(formatRatio(0.25), '0.25×');
    assert.strictEqual(formatRatio(null), '—');
    assert.strictEqual(formatRatio(250), '250×');
  });

  it('builds the category table with values, Δ and ratio per trace', () => {
    const t = compareTables(c).find((x) => x.id === 'categories');
    assert.ok(t);
    assert.deepStrictEqual(t.columns.map((col) => col.name), ['Category', 'fw-shadow', 'fw-ept', 'Δ (B − A)', 'ratio (B / A)']);
    assert.deepStrictEqual(t.rows.map((r) => r.cells.map((cell) => cell.text)), [
      ['pagefault', '40', '0', '−40', '0.00×'],
      ['ept', '0', '20', '+20', '—'],
      ['hlt', '5', '5', '0', '1.00×'],
    ]);
  });

  it('matches sites by source line and marks them openable; raw or symbol-only sites are not', () => {
    const t = compareTables(c).find((x) => x.id === 'sites');
    assert.ok(t);
    const rows = t.rows.map((r) => [r.cells[0].text, r.cells.slice(2).map((cell) => cell.text).join(' '), r.site]);
    assert.deepStrictEqual(rows, [
      ['guest.c:12 (touch)', '40 20 −20 0.50×', { file: 'guest.c', line: 12 }],
      // Ties (5 exits each) are ordered by match key: `rip:1:0x401030` before `sym:<img…>+0x4`.
      ['0x401030', '0 5 +5 —', undefined],
      [`${XSS}+0x4`, '5 0 −5 0.00×', undefined],
    ]);
  });

  it('writes CSV with raw numbers, empty ratios over zero, quoted text and formula-looking text defused', () => {
    const t = compareTables(c).find((x) => x.id === 'categoryTime');
    assert.ok(t);
    // Host time in ns: pagefault 40 × 2000, ept 20 × 3000, hlt 5 × 100,000.
    assert.strictEqual(
      tableToCsv(t),
      ['Category,fw-shadow,fw-ept,Δ (B − A),ratio (B / A)', 'pagefault,80000,0,-80000,0', 'ept,0,60000,60000,', 'hlt,500000,500000,0,1', ''].join('\r\n'),
    );
    const injected = tableToCsv({ id: 'sites', title: 't', columns: [{ name: 'Site', numeric: false }], rows: [{ cells: [{ text: '=cmd|x', value: '=cmd|x' }] }, { cells: [{ text: 'a,"b"', value: 'a,"b"' }] }] });
    assert.strictEqual(injected, 'Site\r\n\'=cmd|x\r\n"a,""b"""\r\n');
  });

  it('writes Markdown tables that paste as literal text (no HTML, no emphasis, pipes escaped)', () => {
    assert.strictEqual(escapeMarkdown(XSS), '&lt;img src=x onerror=alert(1)&gt;');
    assert.strictEqual(escapeMarkdown('__do_fault|x*'), '\\_\\_do\\_fault\\|x\\*');
    const t = compareTables(c).find((x) => x.id === 'categories');
    assert.ok(t);
    assert.strictEqual(
      tableToMarkdown(t),
      [
        '#### Exits per category',
        '',
        '| Category | fw-shadow | fw-ept | Δ (B − A) | ratio (B / A) |',
        '| --- | ---: | ---: | ---: | ---: |',
        '| pagefault | 40 | 0 | −40 | 0.00× |',
        '| ept | 0 | 20 | +20 | — |',
        '| hlt | 5 | 5 | 0 | 1.00× |',
        '',
      ].join('\n'),
    );
    const md = comparisonToMarkdown(c);
    assert.match(md, /^### ExitLens comparison: fw-shadow vs fw-ept$/m);
    assert.match(md, /Every trace is compared with the baseline A = fw-shadow: Δ = B − A, ratio = B \/ A \(— when A is 0\)\./);
    assert.ok(md.includes('&lt;img src=x onerror=alert(1)&gt;+0x4'));
    assert.ok(!md.includes('<img'));
  });

  it('has one Δ and one ratio column per non-baseline trace with three or more traces', () => {
    const c3 = compareSummaries([{ summary: a, label: 'A' }, { summary: b, label: 'B' }, { summary: a, label: 'C' }], { whatIf: false });
    const t = compareTables(c3).find((x) => x.id === 'totals');
    assert.deepStrictEqual(t?.columns.map((col) => col.name), ['Total', 'A', 'B', 'C', 'Δ B', 'ratio B', 'Δ C', 'ratio C']);
    assert.deepStrictEqual(t?.rows[0].cells.map((cell) => cell.text), ['exits', '45', '25', '45', '−20', '0.56×', '0', '1.00×']);
  });
});
