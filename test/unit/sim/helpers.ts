/**
 * Shared helpers for the simulator tests: a bare machine to drive mechanisms directly, and a sink
 * that records exits. Workloads built here are synthetic test programs, labelled as such.
 */
import type { SimExit, SimTraceSink } from '../../../src/core/sim/exitEvent';
import { SIM_REASONS } from '../../../src/core/sim/exitEvent';
import { type CpuName, type CpuPreset, getCpuPreset } from '../../../src/core/sim/costModel';
import { buildMachine, type Machine } from '../../../src/core/sim/simulator';
import type { Workload } from '../../../src/core/sim/workload';

/** A copy of the fields of one exit (the simulator reuses its event object). */
export interface SeenExit {
  readonly reason: string;
  readonly rip: string;
  readonly info1: number;
  readonly errorCode: number;
  readonly intrInfo: number;
  readonly events: number;
  readonly cycles: number;
  readonly durNs: number;
  readonly timeNs: number;
  readonly category: string;
  readonly pfAddress: number;
}

/** Records every exit it is given. */
export class Recorder implements SimTraceSink {
  readonly exits: SeenExit[] = [];
  exit(e: SimExit): void {
    this.exits.push({
      reason: SIM_REASONS[e.reason][0],
      rip: e.rip,
      info1: e.info1,
      errorCode: e.errorCode,
      intrInfo: e.intrInfo,
      events: e.events,
      cycles: e.cycles,
      durNs: e.durNs,
      timeNs: e.timeNs,
      category: e.category,
      pfAddress: e.pfAddress,
    });
  }
  count(reason: string): number {
    return this.exits.filter((x) => x.reason === reason).length;
  }
  clear(): void {
    this.exits.length = 0;
  }
}

/** Synthetic test workload: an empty program whose lines are in samples/workloads.c. */
export const EMPTY_WORKLOAD: Workload = { name: 'test-empty', source: 'samples/workloads.c', line: 164, program: [] };

/** A machine with one running process and a recorder attached (recording on). */
export function bareMachine(paging: 'shadow' | 'ept', pages: '4k' | '2m' = '4k', cpu: CpuName = 'skylake', kpti = false, preset?: CpuPreset): { m: Machine; rec: Recorder; site: number } {
  const rec = new Recorder();
  // Mechanism tests look at one operation in steady state: free memory already backed by the host.
  const m = buildMachine({ workload: { ...EMPTY_WORKLOAD, kpti }, paging, cpu, pages, seed: 1, sink: rec, preset, memory: 'warm' });
  m.interp.startProcess();
  m.vmm.recording = true;
  return { m, rec, site: m.sites.site('samples/workloads.c', 59, false) };
}

/** The skylake preset without paging-structure caches, nested TLB or EPT PWC: walks show their architectural length. */
export function noWalkCaches(): CpuPreset {
  const p = getCpuPreset('skylake');
  return { ...p, pwc: { pml4: 0, pdpt: 0, pde: 0 }, nestedTlb: 0, eptPwc: { pml4: 0, pdpt: 0, pde: 0 } };
}
