/**
 * Public API of the simulator (issue 4). Callers — the CLI, the extension's "Simulate Workload"
 * command, tests, benchmarks — use only what is exported here:
 * - `simulate(options)` → SimResult, or `simulateTrace(options, format, out)` to also write a trace;
 * - workloads: `BUILTIN_WORKLOADS` / `BUILTIN_NAMES`, `parseWorkload(text, file)` for user files;
 * - `symbolFileFor(workload)` → the `.syms.json` text to write beside a trace;
 * - CPU presets: `CPU_NAMES`, `getCpuPreset`, `calibrationTable`.
 */
import { JsonlWriter } from '../writers/jsonlWriter';
import { PerfScriptWriter } from '../writers/perfScriptWriter';
import { buildSymbolFile, symbolFileText } from '../writers/symbolFileWriter';
import type { TextOut } from '../writers/traceHeader';
import { getCpuPreset } from './costModel';
import type { SimResult } from './result';
import { simulate, type SimulateOptions, workloadSites } from './simulator';
import type { Workload } from './workload';

export { simulate, workloadSites, TIME_BASE_NS, GUEST_MEMORY_STATES, type GuestMemoryState, type SimulateOptions } from './simulator';
/** Result types (see result.ts). */
export type { SimResult, SimSite, SimCycles } from './result';
export { BUILTIN_NAMES, BUILTIN_WORKLOADS, WORKLOADS_SOURCE, WORKLOAD_FUNCTIONS } from './builtinWorkloads';
export { parseWorkload, validateWorkload, scaleWorkload, WorkloadError, OP_NAMES, type Workload, type Op } from './workload';
export { SimulationError } from './guestKernel';
export { CPU_NAMES, DEFAULT_CPU, isCpuName, getCpuPreset, calibrationTable, roundTripTable, references, type CpuName, type CpuPreset } from './costModel';
export { KERNEL_SOURCE, ripOfLine } from './sourceMap';

/** Trace formats the simulator writes. */
export type SimTraceFormat = 'perf-script' | 'jsonl';

/** Runs `options` and writes the trace to `out` in `format`; `symbols` names the symbol file in the header. */
export function simulateTrace(options: Omit<SimulateOptions, 'sink'>, format: SimTraceFormat, out: TextOut, symbols?: string): SimResult {
  // The header goes out before the run, so cpuHz is read from the preset rather than the result.
  const header = { workload: options.workload.name, paging: options.paging, cpu: options.cpu, pages: options.pages, seed: options.seed, cpuHz: getCpuPreset(options.cpu).cpuHz, symbols };
  const writer = format === 'jsonl' ? new JsonlWriter(out, header) : new PerfScriptWriter(out, header);
  const result = simulate({ ...options, sink: writer });
  writer.end();
  return result;
}

/** The `.syms.json` text for a workload's traces: maps every RIP it can produce to `file:line`. */
export function symbolFileFor(workload: Workload): string {
  return symbolFileText(buildSymbolFile(workloadSites(workload), workload.source, workload.name, workload.functions));
}
