/**
 * The acceptance physics with the defaults (skylake, 4 KB pages, seed 1): which workloads EPT
 * speeds up, which cost the same under both, what large pages do to GUPS, and how long walks are.
 * Thresholds state the claim ("much faster" = at least 1.5×, "the same" = within 3%).
 */
import { strict as assert } from 'assert';
import { BUILTIN_WORKLOADS } from '../../../src/core/sim/builtinWorkloads';
import type { SimResult } from '../../../src/core/sim/result';
import { simulate } from '../../../src/core/sim/simulator';

const cache = new Map<string, SimResult>();
function run(workload: string, paging: 'shadow' | 'ept', pages: '4k' | '2m' = '4k'): SimResult {
  const key = `${workload}/${paging}/${pages}`;
  let r = cache.get(key);
  if (!r) {
    r = simulate({ workload: BUILTIN_WORKLOADS[workload], paging, cpu: 'skylake', pages, seed: 1 });
    cache.set(key, r);
  }
  return r;
}
const ratio = (w: string, pages: '4k' | '2m' = '4k'): number => run(w, 'shadow', pages).cycles.total / run(w, 'ept', pages).cycles.total;

describe('sim physics (defaults)', function () {
  this.timeout(120000);

  for (const w of ['forkwait', 'ptemod', 'pgfault', 'syscall-kpti']) {
    it(`${w} runs much faster under EPT (shadow/EPT ≥ 1.5)`, () => {
      assert.ok(ratio(w) >= 1.5, `${w}: shadow/EPT = ${ratio(w).toFixed(3)}`);
      // The difference is exits: EPT removes the shadow-paging exit kinds.
      const ept = run(w, 'ept');
      assert.equal(ept.byCategory.pagefault + ept.byCategory.cr3 + ept.byCategory.invlpg, 0);
      assert.ok(run(w, 'shadow').byCategory.pagefault + run(w, 'shadow').byCategory.cr3 + run(w, 'shadow').byCategory.invlpg > 0);
    });
  }

  for (const w of ['compute', 'syscall', 'mmio', 'pio']) {
    it(`${w} costs the same under both (within 3%)`, () => {
      assert.ok(Math.abs(ratio(w) - 1) < 0.03, `${w}: shadow/EPT = ${ratio(w).toFixed(4)}`);
    });
  }

  it('mmio and pio exit under both modes, as many times', () => {
    assert.equal(run('mmio', 'shadow').byCategory.mmio, run('mmio', 'ept').byCategory.mmio);
    assert.ok(run('mmio', 'ept').byCategory.mmio >= 1000);
    assert.equal(run('pio', 'shadow').byCategory.io, run('pio', 'ept').byCategory.io);
  });

  it('gups with 4 KB pages is slower under EPT; 2 MB pages remove most of that penalty', () => {
    const penalty4k = 1 / ratio('gups', '4k') - 1; // EPT/shadow - 1
    const penalty2m = 1 / ratio('gups', '2m') - 1;
    assert.ok(penalty4k > 0.05, `4k EPT penalty ${(penalty4k * 100).toFixed(1)}%`);
    assert.ok(penalty2m < penalty4k / 3, `2m EPT penalty ${(penalty2m * 100).toFixed(1)}% vs 4k ${(penalty4k * 100).toFixed(1)}%`);
    // The penalty is page walks: same exits, longer walks.
    assert.ok(run('gups', 'ept').cycles.pageWalk > 1.5 * run('gups', 'shadow').cycles.pageWalk);
  });

  it('references per TLB miss: a few under shadow, several under EPT, never above 24', () => {
    const s = run('gups', 'shadow').walks;
    const e = run('gups', 'ept').walks;
    assert.ok(s.meanRefs >= 1 && s.meanRefs <= 4, `shadow mean ${s.meanRefs}`);
    assert.ok(e.meanRefs >= 2 * s.meanRefs && e.meanRefs <= 24, `EPT mean ${e.meanRefs} vs shadow ${s.meanRefs}`);
    for (const r of cache.values()) {
      assert.ok(r.walks.maxRefs <= (r.paging === 'shadow' ? 4 : 24), `${r.workload}/${r.paging}: max ${r.walks.maxRefs}`);
    }
  });

  it('cycle buckets add up to the total, and time is total / clock', () => {
    for (const r of cache.values()) {
      const c = r.cycles;
      assert.equal(c.total, c.guest + c.exitRoundTrip + c.exitHandling + c.pageWalk + c.idle);
      assert.equal(r.timeNs, Math.round(c.total / 3));
      const perCategory = Object.values(r.byCategory).reduce((a, b) => a + b, 0);
      assert.equal(perCategory, r.exits);
      assert.equal(r.sites.reduce((a, s) => a + s.exits, 0), r.exits);
    }
  });

  it('each default run takes under 2 s of CPU here', () => {
    // CPU time, not wall time: the test machine is shared, and waiting for a core is not the simulator's cost.
    for (const w of Object.keys(BUILTIN_WORKLOADS)) {
      for (const paging of ['shadow', 'ept'] as const) {
        const c0 = process.cpuUsage();
        simulate({ workload: BUILTIN_WORKLOADS[w], paging, cpu: 'skylake', pages: '4k', seed: 1 });
        const c = process.cpuUsage(c0);
        const ms = (c.user + c.system) / 1000;
        assert.ok(ms < 2000, `${w}/${paging}: ${ms.toFixed(0)} ms of CPU`);
      }
    }
  });
});
