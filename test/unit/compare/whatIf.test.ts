import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { summarizeRecords, summarizeSource } from '../../../src/core/analysis/summarize';
import { compareSummaries } from '../../../src/core/compare';
import { measureWalkModel, type WalkModel } from '../../../src/core/compare/walkModel';
import { DEFAULT_MISSES_PER_MS, eptWhatIf } from '../../../src/core/compare/whatIf';
import { memorySource } from '../../../src/core/io/byteSource';
import type { Category, ExitRecord } from '../../../src/core/model/exit';
import type { TraceMeta } from '../../../src/core/model/trace';
import { BUILTIN_WORKLOADS, simulate } from '../../../src/core/sim/index';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

// Synthetic records (not a capture): n exits of one reason, `gap` ns apart from t0, each lasting `ns`
// (undefined: no closing entry, so no measured time).
function exits(n: number, reasonName: string, category: Category, t0: number, gap: number, ns: number | undefined): ExitRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    timeNs: t0 + i * gap,
    ...(ns === undefined ? {} : { entryNs: t0 + i * gap + ns }),
    vcpu: 0,
    isa: 'vmx' as const,
    reasonName,
    rip: '0x401000',
    category,
    line: i + 1,
  }));
}

const meta = (m: TraceMeta = {}): TraceMeta => ({ paging: 'shadow', ...m });

// A fixed walk model, so the expected numbers follow from the formula alone:
// 3 GHz; 1.5 refs/walk shadow, 4 under EPT (2.5 extra); 21 cycles = 7 ns per walk reference;
// round trip 1000 cycles (333.33 ns); EPT-violation handler 875 cycles → 1875 cycles = 625 ns each.
const MODEL: WalkModel = {
  cpu: 'skylake',
  pages: '4k',
  cpuHz: 3e9,
  shadowRefsPerWalk: 1.5,
  eptRefsPerWalk: 4,
  cyclesPerWalkRef: 21,
  walks: 1000,
  exitRoundTripCycles: 1000,
  eptViolationHandlerCycles: 875,
  pattern: 'a fixed test model',
};

function close(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-6 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

describe('EPT what-if', () => {
  // Shadow run (synthetic): 40 #PF exits of 2 µs from t=0 every 10 µs; 30 CR3 loads of 1 µs from
  // 400 µs; 10 INVLPG of 1.5 µs from 700 µs; 5 HLT of 100 µs from 800 µs every 200 µs (the last
  // entry at 1,700 µs). Duration 1,700,000 ns; host time 80,000 + 30,000 + 15,000 + 500,000 = 625,000 ns;
  // guest time 1,075,000 ns = 1.075 ms.
  const shadow = summarizeRecords({
    format: 'perf-script',
    file: 'run-shadow.perf.txt',
    meta: meta(),
    records: [
      ...exits(40, 'EXCEPTION_NMI', 'pagefault', 0, 10_000, 2000),
      ...exits(30, 'CR_ACCESS', 'cr3', 400_000, 10_000, 1000),
      ...exits(10, 'INVLPG', 'invlpg', 700_000, 10_000, 1500),
      ...exits(5, 'HLT', 'hlt', 800_000, 200_000, 100_000),
    ],
  });

  it('removes the measured pagefault, cr3 and invlpg exits and their host time', () => {
    assert.strictEqual(shadow.durationNs, 1_700_000);
    const w = eptWhatIf(shadow, MODEL, false);
    assert.strictEqual(w.removed.exits, 80);
    assert.strictEqual(w.removed.hostNs, 125_000);
    assert.deepStrictEqual(w.removed.byCategory, {
      pagefault: { exits: 40, measuredNs: 80_000, untimedExits: 0 },
      cr3: { exits: 30, measuredNs: 30_000, untimedExits: 0 },
      invlpg: { exits: 10, measuredNs: 15_000, untimedExits: 0 },
    });
  });

  it('adds misses × extra references × ns per reference over the guest run time', () => {
    const w = eptWhatIf(shadow, MODEL, false);
    assert.strictEqual(w.inputs.guestNs, 1_075_000);
    assert.deepStrictEqual(w.inputs.missesPerMs, DEFAULT_MISSES_PER_MS);
    close(w.inputs.extraRefsPerWalk, 2.5, 'extra refs');
    close(w.inputs.nsPerWalkRef, 7, 'ns per ref');
    // 1.075 ms × 1,000 / 5,000 / 10,000 misses per ms = 1,075 / 5,375 / 10,750 misses.
    close(w.added.tlbMisses?.low, 1075, 'misses low');
    close(w.added.tlbMisses?.mid, 5375, 'misses mid');
    close(w.added.tlbMisses?.high, 10_750, 'misses high');
    // × 2.5 refs × 7 ns = 17.5 ns per miss: 18,812.5 / 94,062.5 / 188,125 ns.
    close(w.added.walkNs?.low, 18_812.5, 'walk low');
    close(w.added.walkNs?.mid, 94_062.5, 'walk mid');
    close(w.added.walkNs?.high, 188_125, 'walk high');
  });

  it('counts 0 … pagefault ÷ 2 first-touch EPT violations at round trip + handler each, and nets it all out', () => {
    const w = eptWhatIf(shadow, MODEL, false);
    // ⌊40 / 2⌋ = 20 violations × 625 ns = 12,500 ns.
    assert.strictEqual(w.added.eptViolations.low, 0);
    assert.strictEqual(w.added.eptViolations.high, 20);
    close(w.added.eptViolations.nsEach, 625, 'ns per violation');
    close(w.added.eptViolations.highNs, 12_500, 'violations ns');
    // low = 125,000 − 188,125 − 12,500; mid = 125,000 − 94,062.5 − 6,250; high = 125,000 − 18,812.5 − 0.
    close(w.net.hostNs?.low, -75_625, 'net low');
    close(w.net.hostNs?.mid, 24_687.5, 'net mid');
    close(w.net.hostNs?.high, 106_187.5, 'net high');
    assert.deepStrictEqual(w.net.exits, { low: 60, high: 80 });
    assert.match(w.verdict, /^Depends on the TLB miss rate/);
  });

  it('states every input in its assumptions', () => {
    const w = eptWhatIf(shadow, MODEL, true);
    const text = w.assumptions.join('\n');
    assert.match(text, /80 pagefault, cr3 and invlpg exits and their measured host time \(125 µs\)\./);
    assert.match(text, /guest run time 1\.07 ms .* × 1,000 \/ 5,000 \/ 10,000 second-level TLB misses per ms/);
    assert.match(text, /× 2\.50 extra memory references per walk \(4\.00 under EPT vs 1\.50 under shadow paging\) × 7\.00 ns per walk reference \(21\.0 cycles at 3\.00 GHz\)/);
    assert.match(text, /the skylake CPU preset \(the trace names no CPU; the simulator's default\)/);
    assert.match(text, /up to 20 \(pagefault exits ÷ 2/);
  });

  it('charges exits without a measured time one exit round trip each', () => {
    // Synthetic: 6 #PF exits of 2 µs plus 4 with no closing entry; 3 CR3 loads without entries.
    const s = summarizeRecords({
      format: 'perf-script',
      meta: meta(),
      records: [...exits(6, 'EXCEPTION_NMI', 'pagefault', 0, 10_000, 2000), ...exits(4, 'EXCEPTION_NMI', 'pagefault', 60_000, 10_000, undefined), ...exits(3, 'CR_ACCESS', 'cr3', 100_000, 10_000, undefined)],
    });
    const w = eptWhatIf(s, MODEL, false);
    assert.strictEqual(w.removed.exits, 13);
    assert.deepStrictEqual(w.removed.byCategory.pagefault, { exits: 10, measuredNs: 12_000, untimedExits: 4 });
    assert.deepStrictEqual(w.removed.byCategory.cr3, { exits: 3, measuredNs: 0, untimedExits: 3 });
    // 12,000 ns measured + 7 × 1000 cycles / 3 GHz.
    close(w.removed.hostNs, 12_000 + (7 * 1000) / 3, 'removed with round trips');
    assert.strictEqual(w.added.eptViolations.high, 5);
  });

  it('has no walk estimate for an aggregated report without a time range, and says so', async () => {
    const s = await summarizeSource(memorySource('x', fs.readFileSync(path.join(FIXTURES, 'perf-kvm-stat-report-vmexit.blog-2020-09-28.txt'))));
    assert.strictEqual(s.durationNs, null);
    const w = eptWhatIf(s, MODEL, true);
    assert.strictEqual(w.added.walkNs, null);
    assert.strictEqual(w.net.hostNs, null);
    assert.match(w.assumptions.join('\n'), /not estimated — the trace has no time range/);
    assert.match(w.verdict, /cannot be estimated without a trace duration/);
  });

  it('is attached by compareSummaries to shadow-paging traces only, with the CPU the header names', () => {
    const ept = summarizeRecords({ format: 'perf-script', file: 'run-ept.perf.txt', meta: { paging: 'ept' }, records: exits(3, 'EPT_VIOLATION', 'ept', 0, 10_000, 3000) });
    const nehalem = { ...shadow, meta: { ...shadow.meta, cpu: 'nehalem' } };
    const asked: string[] = [];
    const c = compareSummaries([{ summary: ept }, { summary: nehalem }], { whatIf: { walkModel: (cpu, pages) => (asked.push(`${cpu}/${pages}`), MODEL) } });
    assert.deepStrictEqual(asked, ['nehalem/4k']);
    assert.strictEqual(c.whatIf?.length, 1);
    assert.strictEqual(c.whatIf[0].trace, 1);
    assert.strictEqual(c.whatIf[0].inputs.cpuAssumed, false);
    assert.strictEqual(c.whatIf[0].removed.exits, 80);
    assert.strictEqual(compareSummaries([{ summary: ept }, { summary: shadow }], { whatIf: false }).whatIf, undefined);
    assert.strictEqual(compareSummaries([{ summary: ept }, { summary: ept }]).whatIf, undefined);
  });
});

describe('walk model from the simulator', function () {
  this.timeout(60_000);

  it('takes refs per walk and cycles per walk reference from the gups pattern on the preset', () => {
    const m = measureWalkModel('skylake', '4k');
    const run = (paging: 'shadow' | 'ept') => simulate({ workload: BUILTIN_WORKLOADS.gups, paging, cpu: 'skylake', pages: '4k', seed: 1, scale: 0.1, memory: 'warm' });
    const shadow = run('shadow');
    const ept = run('ept');
    assert.strictEqual(m.shadowRefsPerWalk, shadow.walks.meanRefs);
    assert.strictEqual(m.eptRefsPerWalk, ept.walks.meanRefs);
    assert.strictEqual(m.cyclesPerWalkRef, ept.cycles.pageWalk / ept.walks.refs);
    assert.ok(m.eptRefsPerWalk > m.shadowRefsPerWalk, 'a 2D walk takes more references');
    assert.ok(m.eptRefsPerWalk <= 24 && m.shadowRefsPerWalk <= 4);
    assert.strictEqual(m.exitRoundTripCycles, 1000);
    assert.strictEqual(measureWalkModel('skylake', '4k'), m, 'memoised');
  });

  it('keeps the default miss rates where the simulator puts the workloads the assumption text names', () => {
    // misses per ms of guest time = STLB misses / ((total − round trips − handling − idle) cycles / Hz).
    const rate = (name: string, paging: 'shadow' | 'ept') => {
      const r = simulate({ workload: BUILTIN_WORKLOADS[name], paging, cpu: 'skylake', pages: '4k', seed: 1 });
      const guestMs = ((r.cycles.total - r.cycles.exitRoundTrip - r.cycles.exitHandling - r.cycles.idle) / r.cpuHz) * 1e3;
      return r.tlb.misses / guestMs;
    };
    const within = (name: string, lo: number, hi: number) => {
      for (const paging of ['shadow', 'ept'] as const) {
        const r = rate(name, paging);
        assert.ok(r >= lo && r <= hi, `${name} ${paging}: ${r.toFixed(0)} misses/ms outside the stated ${lo}–${hi}`);
      }
    };
    within('forkwait', 1250, 2550);
    within('kbuild', 5250, 5750);
    within('gups', 8850, 10450);
    assert.ok(DEFAULT_MISSES_PER_MS.low <= 1300 && DEFAULT_MISSES_PER_MS.mid >= 5000 && DEFAULT_MISSES_PER_MS.mid <= 5750 && DEFAULT_MISSES_PER_MS.high >= 8900);
  });
});
