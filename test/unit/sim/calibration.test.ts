/**
 * The cost data file and the Prescott calibration against Adams & Agesen (ASPLOS 2006): the
 * published per-event cycles are in the file, and simulating those events on the prescott preset
 * under shadow paging reproduces them.
 */
import { strict as assert } from 'assert';
import { calibrationTable, CPU_NAMES, getCpuPreset, references, roundTripTable, sourceOf } from '../../../src/core/sim/costModel';
import { simulate } from '../../../src/core/sim/simulator';
import type { Workload } from '../../../src/core/sim/workload';
import { bareMachine } from './helpers';

describe('sim cost data and calibration', () => {
  it('holds the Adams & Agesen 2006 per-event figures (native → hardware VMM, cycles)', () => {
    const t = calibrationTable();
    assert.equal(t.source, 'AA06');
    assert.deepEqual(t.events, {
      pageFault: { native: 1093, hardwareVmm: 11242 },
      pteModification: { native: 1, hardwareVmm: 12733 },
      in: { native: 3209, hardwareVmm: 15826 },
      divideByZero: { native: 889, hardwareVmm: 1014 },
      callRet: { native: 11, hardwareVmm: 11 },
    });
    assert.match(references().AA06, /Adams.*Agesen.*ASPLOS 2006/);
    assert.match(references().BSSM08, /Bhargava.*ASPLOS 2008.*24/);
    assert.match(references().VMW09, /EPT Hardware Assist/);
  });

  it('holds the exit round trip by generation (Agesen et al. 2010) and the presets use it', () => {
    assert.deepEqual(roundTripTable().cycles, { prescott: 3900, merom: 1600, penryn: 1300, nehalem: 1000, westmere: 760, sandybridge: 800 });
    assert.equal(getCpuPreset('prescott').exitRoundTrip, 3900);
    assert.equal(getCpuPreset('nehalem').exitRoundTrip, 1000);
    assert.equal(getCpuPreset('sandybridge').exitRoundTrip, 800);
  });

  it('gives a source for every figure of every preset', () => {
    for (const name of CPU_NAMES) {
      const p = getCpuPreset(name);
      const groups: Record<string, object> = { guest: p.guest, vmm: p.vmm };
      for (const [group, values] of Object.entries(groups)) {
        for (const field of Object.keys(values)) assert.ok(sourceOf(p, group, field), `${name}: no source for ${group}.${field}`);
      }
      for (const top of ['cpuHz', 'features', 'exitRoundTrip', 'tlb', 'pwc', 'nestedTlb', 'eptPwc', 'memory']) {
        assert.ok(sourceOf(p, top), `${name}: no source for ${top}`);
      }
    }
  });

  it('prescott: a PTE modification under shadow paging costs 3,900 round trip + 8,833 handling = 12,733 cycles', () => {
    const { m, rec, site } = bareMachine('shadow', '4k', 'prescott');
    const r = m.kernel.mapRegion(m.kernel.current, 'buf', 2, 'anon', true);
    m.kernel.access(r.startVpn * 4096, true, site, true);
    m.kernel.flushMm(); // resync: the leaf table is write-protected again
    rec.clear();
    m.kernel.protect(m.kernel.current, r, 0, 1, false);
    const pte = rec.exits.filter((e) => e.reason === 'EXCEPTION_NMI' && e.errorCode === 3);
    assert.equal(pte.length, 1);
    assert.equal(pte[0].cycles, 12733);
  });

  it('prescott: an IN/OUT costs 3,900 + 11,926 = 15,826 cycles', () => {
    const { m, rec, site } = bareMachine('shadow', '4k', 'prescott');
    m.kernel.pio(0x3f8, 1, false, 0, site);
    assert.equal(rec.exits[0].cycles, 15826);
  });

  it('prescott: a guest page fault under shadow paging costs ≈ 11,242 cycles in all (within 2%)', () => {
    // Synthetic microbenchmark: touch 511 fresh pages of a region whose page-table path exists.
    const w: Workload = {
      name: 'pgfault-micro (synthetic)',
      source: 'samples/workloads.c',
      line: 164,
      setup: [{ op: 'alloc', region: 'buf', bytes: 2048 * 4096, line: 57 }, { op: 'touch', region: 'buf', line: 59, pages: 1 }, { op: 'touch', region: 'stack', line: 59 }],
      program: [{ op: 'touch', region: 'buf', line: 59, first: 1, pages: 511, write: true }],
    };
    // Adams & Agesen's micro-benchmarks loop over memory they touched before: warm.
    const shadow = simulate({ workload: w, paging: 'shadow', cpu: 'prescott', pages: '4k', seed: 1, memory: 'warm' });
    const perFault = shadow.cycles.total / 511;
    assert.ok(Math.abs(perFault - 11242) / 11242 < 0.02, `simulated page fault: ${perFault.toFixed(0)} cycles`);
    // Two exits per fault (true + hidden) plus one unsync trap for the whole leaf table.
    assert.equal(shadow.exits, 2 * 511 + 1);
    // The guest's own share stays the native cost (1,093 cycles), within the same 5%.
    assert.ok(Math.abs(shadow.cycles.guest / 511 - 1093) / 1093 < 0.05, `guest share ${(shadow.cycles.guest / 511).toFixed(0)}`);
  });

});
