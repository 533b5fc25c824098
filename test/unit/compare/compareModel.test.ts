import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { summarizeRecords, summarizeSource } from '../../../src/core/analysis/summarize';
import { compareSummaries, series } from '../../../src/core/compare';
import { memorySource } from '../../../src/core/io/byteSource';
import type { Category, ExitRecord } from '../../../src/core/model/exit';
import type { SiteSummary, TraceSummary } from '../../../src/core/model/summary';
import type { TraceMeta } from '../../../src/core/model/trace';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

// Synthetic records (not a capture): n exits of one reason at one RIP, each lasting `ns`.
function exits(n: number, reasonName: string, category: Category, rip: string, ns: number, t0 = 0): ExitRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    timeNs: t0 + i * 10_000,
    entryNs: t0 + i * 10_000 + ns,
    vcpu: 0,
    isa: 'vmx' as const,
    reasonName,
    rip,
    category,
    line: i + 1,
  }));
}

function summary(file: string, records: ExitRecord[], meta: TraceMeta = {}): TraceSummary {
  return summarizeRecords({ format: 'perf-script', records, file, meta });
}

/** Gives sites a source line, as symbolisation would. */
function withLines(s: TraceSummary, lines: Record<string, [string, number]>): TraceSummary {
  const sites: SiteSummary[] = s.sites.map((site) => (lines[site.rip] ? { ...site, file: lines[site.rip][0], line: lines[site.rip][1] } : site));
  return { ...s, sites };
}

describe('compareSummaries', () => {
  // Shadow run: 40 #PF intercepts (2 µs), 30 CR3 writes (1 µs), 10 INVLPG (1.5 µs), 5 HLT (100 µs).
  // EPT run: 20 EPT violations (3 µs), 5 HLT (100 µs).
  const shadow = summary('forkwait-shadow.perf.txt', [
    ...exits(40, 'EXCEPTION_NMI', 'pagefault', '0x401000', 2000),
    ...exits(30, 'CR_ACCESS', 'cr3', '0x401010', 1000),
    ...exits(10, 'INVLPG', 'invlpg', '0x401020', 1500),
    ...exits(5, 'HLT', 'hlt', '0x401030', 100_000),
  ], { simulated: true, workload: 'forkwait', paging: 'shadow' });
  const ept = summary('forkwait-ept.perf.txt', [
    ...exits(20, 'EPT_VIOLATION', 'ept', '0x401000', 3000),
    ...exits(5, 'HLT', 'hlt', '0x401030', 100_000),
  ], { simulated: true, workload: 'forkwait', paging: 'ept' });

  it('compares categories: values per trace, delta B − A and ratio B / A against the first trace', () => {
    const c = compareSummaries([{ summary: shadow }, { summary: ept }]);
    assert.deepStrictEqual(c.categories.pagefault.values, [40, 0]);
    assert.deepStrictEqual(c.categories.pagefault.delta, [0, -40]);
    assert.deepStrictEqual(c.categories.pagefault.ratio, [1, 0]);
    assert.deepStrictEqual(c.categories.cr3.values, [30, 0]);
    assert.deepStrictEqual(c.categories.invlpg.values, [10, 0]);
    assert.deepStrictEqual(c.categories.ept.values, [0, 20]);
    assert.deepStrictEqual(c.categories.ept.delta, [0, 20]);
    assert.deepStrictEqual(c.categories.ept.ratio, [null, null], 'a zero baseline has no ratio');
    assert.deepStrictEqual(c.categories.hlt.values, [5, 5]);
    assert.deepStrictEqual(c.categories.hlt.ratio, [1, 1]);
    // Host time: 40×2000 = 80000 ns of #PF; 20×3000 = 60000 ns of EPT violations.
    assert.deepStrictEqual(c.categories.pagefault.timeNs.values, [80_000, 0]);
    assert.deepStrictEqual(c.categories.ept.timeNs.values, [0, 60_000]);
  });

  it('totals keep HLT apart from the overhead', () => {
    const c = compareSummaries([{ summary: shadow }, { summary: ept }]);
    assert.deepStrictEqual(c.totals.exits.values, [85, 25]);
    assert.deepStrictEqual(c.totals.overheadExits.values, [80, 20]);
    assert.deepStrictEqual(c.totals.overheadExits.ratio, [1, 0.25]);
    // Overhead time: 80000 + 30000 + 15000 = 125000 ns vs 60000 ns.
    assert.deepStrictEqual(c.totals.overheadTimeNs.values, [125_000, 60_000]);
    assert.deepStrictEqual(c.totals.hostTimeNs.values, [625_000, 560_000]);
  });

  it('lists every reason of every trace, zero where absent, with its category', () => {
    const c = compareSummaries([{ summary: shadow }, { summary: ept }]);
    assert.deepStrictEqual(Object.keys(c.reasons), ['EXCEPTION_NMI', 'CR_ACCESS', 'EPT_VIOLATION', 'HLT', 'INVLPG'], 'largest first, ties by name');
    assert.deepStrictEqual(c.reasons.CR_ACCESS.values, [30, 0]);
    assert.strictEqual(c.reasons.CR_ACCESS.category, 'cr3');
    assert.deepStrictEqual(c.reasons.EPT_VIOLATION.values, [0, 20]);
    assert.strictEqual(c.reasons.EPT_VIOLATION.category, 'ept');
  });

  it('labels simulated traces from their header and keeps the paging mode', () => {
    const c = compareSummaries([{ summary: shadow }, { summary: ept }]);
    assert.deepStrictEqual(c.traces.map((t) => [t.label, t.paging, t.simulated]), [
      ['forkwait · shadow', 'shadow', true],
      ['forkwait · ept', 'ept', true],
    ]);
  });

  it('matches sites by file:line, never by raw address', () => {
    // The rebuilt guest moved the faulting line to another RIP; the same RIP now holds other code.
    const a = withLines(shadow, { '0x401000': ['guest.c', 12], '0x401010': ['guest.c', 20] });
    const bRaw = summary('b.perf.txt', [
      ...exits(7, 'EXCEPTION_NMI', 'pagefault', '0x402000', 2000),
      ...exits(3, 'EXCEPTION_NMI', 'pagefault', '0x401000', 2000),
    ]);
    const b = withLines(bRaw, { '0x402000': ['guest.c', 12], '0x401000': ['guest.c', 99] });
    const c = compareSummaries([{ summary: a }, { summary: b }]);
    const line12 = c.sites.find((s) => s.key === 'line:guest.c:12');
    assert.ok(line12);
    assert.deepStrictEqual(line12.values, [40, 7]);
    assert.deepStrictEqual(line12.delta, [0, -33]);
    assert.deepStrictEqual(line12.ratio, [1, 7 / 40]);
    const line99 = c.sites.find((s) => s.key === 'line:guest.c:99');
    assert.deepStrictEqual(line99?.values, [0, 3]);
    // Unresolved RIPs appear once per trace and are not merged.
    const raw = c.sites.filter((s) => s.rip === '0x401020');
    assert.strictEqual(raw.length, 1);
    assert.deepStrictEqual(raw[0].values, [10, 0]);
  });

  it('builds the build × paging matrix when four traces form one', () => {
    const mk = (file: string, paging: 'shadow' | 'ept', n: number) =>
      summary(file, exits(n, paging === 'shadow' ? 'CR_ACCESS' : 'EPT_VIOLATION', paging === 'shadow' ? 'cr3' : 'ept', '0x1', 1000));
    const c = compareSummaries([
      { summary: mk('buildA-shadow.perf.txt', 'shadow', 100) },
      { summary: mk('buildA-ept.perf.txt', 'ept', 10) },
      { summary: mk('buildB-shadow.perf.txt', 'shadow', 50) },
      { summary: mk('buildB-ept.perf.txt', 'ept', 20) },
    ]);
    assert.ok(c.matrix);
    assert.deepStrictEqual(c.matrix.builds, ['buildA', 'buildB']);
    assert.deepStrictEqual(c.matrix.cells.map((row) => row.map((cell) => cell.trace)), [[0, 1], [2, 3]]);
    assert.deepStrictEqual(c.matrix.eptEffect.map((e) => e.exitsRatio), [0.1, 0.4]);
    assert.deepStrictEqual(c.matrix.buildEffect.map((e) => e.exitsRatio), [0.5, 2]);
  });

  it('has no matrix for two traces or for four that do not cover both modes', () => {
    assert.strictEqual(compareSummaries([{ summary: shadow }, { summary: ept }]).matrix, undefined);
    const c = compareSummaries([{ summary: shadow }, { summary: shadow }, { summary: shadow }, { summary: ept }]);
    assert.strictEqual(c.matrix, undefined);
    assert.deepStrictEqual(c.traces.map((t) => t.label), ['forkwait · shadow', 'forkwait · shadow #2', 'forkwait · shadow #3', 'forkwait · ept']);
  });

  it('refuses fewer than two or more than eight traces', () => {
    assert.throws(() => compareSummaries([{ summary: shadow }]), /2 to 8 traces, got 1/);
    assert.throws(() => compareSummaries(Array.from({ length: 9 }, () => ({ summary: shadow }))), /got 9/);
  });

  it('series() is the one definition of delta and ratio', () => {
    assert.deepStrictEqual(series([4, 6, 0]), { values: [4, 6, 0], delta: [0, 2, -4], ratio: [1, 1.5, 0] });
  });
});

describe('compareSummaries on real fixtures', () => {
  async function load(name: string): Promise<TraceSummary> {
    return summarizeSource(memorySource(name, fs.readFileSync(path.join(FIXTURES, name))));
  }

  it('compares two captures with no exit reason in common, by category', async () => {
    // 2.6.3x ftrace: one apic_access exit (+kvm_mmio) and one io_instruction exit.
    // trace-cmd dirty-ring: seven EPT_VIOLATION exits.
    const a = await load('ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt');
    const b = await load('trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt');
    const c = compareSummaries([{ summary: a }, { summary: b }]);
    assert.deepStrictEqual(c.categories.mmio.values, [1, 0]);
    assert.deepStrictEqual(c.categories.io.values, [1, 0]);
    assert.deepStrictEqual(c.categories.ept.values, [0, 7]);
    assert.deepStrictEqual(c.totals.exits.values, [2, 7]);
    assert.ok(c.notes.some((n) => /no exit reason in common/.test(n)));
  });

  it('compares an aggregated perf kvm stat report with a per-exit trace and says what is missing', async () => {
    const a = await load('perf-kvm-stat-report-vmexit.blog-2020-09-28.txt');
    const b = await load('ftrace-kvm-kvmmmu-cr-access.lkml-2023-03-30-cr0wp.txt');
    const c = compareSummaries([{ summary: a }, { summary: b }]);
    assert.deepStrictEqual(c.totals.exits.values, [25898, 13]);
    assert.deepStrictEqual(c.reasons.MSR_WRITE.values, [9167, 2]);
    assert.ok(c.notes.some((n) => /aggregated perf-kvm-stat report/.test(n)));
  });
});
