/**
 * `exitlens simulate`: run a bundled or user workload under shadow paging and/or EPT, print the
 * cost breakdown (or `--json`), and optionally write real-format traces plus their symbol files.
 * Exit codes: 0 success, 1 unreadable or invalid workload file / unwritable output, 2 usage error.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { type CliIo, processIo } from './io';
import type { CommandResult } from './summaryCommand';
import { CATEGORIES } from '../core/model/exit';
import type { PagingMode } from '../core/model/trace';
import {
  BUILTIN_NAMES,
  BUILTIN_WORKLOADS,
  CPU_NAMES,
  type CpuName,
  DEFAULT_CPU,
  isCpuName,
  parseWorkload,
  type SimResult,
  simulate,
  SimulationError,
  simulateTrace,
  type SimTraceFormat,
  symbolFileFor,
  type Workload,
  WorkloadError,
} from '../core/sim/index';

const PAGING = ['shadow', 'ept', 'both'] as const;
const PAGES = ['4k', '2m'] as const;
const FORMATS = ['perf-script', 'jsonl'] as const;
const MEMORY = ['fresh', 'warm'] as const;

interface SimulateFlags {
  workload: string;
  paging: string;
  cpu: string;
  pages: string;
  seed: string;
  memory: string;
  scale: string;
  out?: string;
  format?: string;
  json?: boolean;
}

/** `dir/trace.perf.txt` + `shadow` → `dir/trace-shadow.perf.txt` (the mode goes before the first dot). */
export function outputNameFor(out: string, mode: PagingMode): string {
  const dir = path.dirname(out);
  const base = path.basename(out);
  const dot = base.indexOf('.', 1);
  const name = dot < 0 ? `${base}-${mode}` : `${base.slice(0, dot)}-${mode}${base.slice(dot)}`;
  return dir === '.' && !out.startsWith('.') ? name : path.join(dir, name);
}

/** `dir/trace-shadow.perf.txt` → `dir/trace-shadow.syms.json`. */
export function symbolsNameFor(trace: string): string {
  const base = path.basename(trace);
  const dot = base.indexOf('.', 1);
  const stem = dot < 0 ? base : base.slice(0, dot);
  return path.join(path.dirname(trace), `${stem}.syms.json`);
}

/** Format from `--format`, else from the output name (`.jsonl` → jsonl), else perf-script. */
export function formatFor(flag: string | undefined, out: string | undefined): SimTraceFormat {
  if (flag) return flag as SimTraceFormat;
  return out && out.endsWith('.jsonl') ? 'jsonl' : 'perf-script';
}

/** Writes text chunks to an open file descriptor. */
class FileOut {
  constructor(private readonly fd: number) {}
  write(chunk: string): void {
    fs.writeSync(this.fd, chunk);
  }
}

function fmtNum(n: number): string {
  if (Math.abs(n) >= 1e9) return (n / 1e9).toFixed(2) + ' G';
  if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(2) + ' M';
  if (Math.abs(n) >= 1e4) return (n / 1e3).toFixed(1) + ' k';
  return String(Math.round(n * 100) / 100);
}

function fmtTime(ns: number): string {
  if (ns >= 1e9) return (ns / 1e9).toFixed(3) + ' s';
  if (ns >= 1e6) return (ns / 1e6).toFixed(3) + ' ms';
  return (ns / 1e3).toFixed(1) + ' us';
}

function fmtBytes(b: number): string {
  if (b >= 1 << 20) return (b / (1 << 20)).toFixed(2) + ' MB';
  return (b / 1024).toFixed(0) + ' KB';
}

/** The human-readable report of one or two runs. */
export function renderTable(results: readonly SimResult[]): string {
  const r0 = results[0];
  const head = `ExitLens simulation — ${r0.workload} on ${r0.cpu} (${r0.pages} pages, ${r0.memory} memory, seed ${r0.seed}${r0.scale !== 1 ? `, scale ${r0.scale}` : ''}) — simulated, not measured\n`;
  const rows: [string, ...string[]][] = [];
  const col = (label: string, f: (r: SimResult) => string): void => {
    rows.push([label, ...results.map(f)]);
  };
  col('', (r) => r.paging);
  col('total cycles', (r) => fmtNum(r.cycles.total));
  col('  guest', (r) => fmtNum(r.cycles.guest));
  col('  exit round trips', (r) => fmtNum(r.cycles.exitRoundTrip));
  col('  exit handling', (r) => fmtNum(r.cycles.exitHandling));
  col('  page walks', (r) => fmtNum(r.cycles.pageWalk));
  col('  idle (HLT)', (r) => fmtNum(r.cycles.idle));
  col('simulated time', (r) => fmtTime(r.timeNs));
  col('exits', (r) => String(r.exits));
  for (const c of CATEGORIES) if (results.some((r) => r.byCategory[c] > 0)) col(`  ${c}`, (r) => String(r.byCategory[c]));
  col('walks', (r) => String(r.walks.count));
  col('  refs per walk (mean)', (r) => r.walks.meanRefs.toFixed(2));
  col('  refs per walk (max)', (r) => String(r.walks.maxRefs));
  col('TLB misses / accesses', (r) => `${r.tlb.misses} / ${r.tlb.accesses}`);
  col('shadow page tables', (r) => (r.paging === 'shadow' ? fmtBytes(r.shadowTableBytes) : '-'));
  col('EPT tables', (r) => (r.paging === 'ept' ? fmtBytes(r.eptTableBytes) : '-'));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  let out = head;
  for (const r of rows) out += r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i] + 2))).join('') + '\n';
  if (results.length === 2) {
    const [a, b] = results;
    out += `\n${a.paging}/${b.paging} total cycles: ${(a.cycles.total / b.cycles.total).toFixed(2)}x\n`;
  }
  const top = results.map((r) => r.sites.slice(0, 3).map((s) => `${s.file}:${s.line} ${s.exits}`).join(', '));
  results.forEach((r, i) => {
    if (r.sites.length > 0) out += `top exit sites (${r.paging}): ${top[i]}\n`;
  });
  for (const r of results) for (const n of r.notes) out += `note (${r.paging}): ${n}\n`;
  return out;
}

function loadWorkload(spec: string, cmd: Command): Workload {
  if (Object.prototype.hasOwnProperty.call(BUILTIN_WORKLOADS, spec)) return BUILTIN_WORKLOADS[spec];
  const looksLikeFile = spec.includes('/') || spec.includes('\\') || spec.endsWith('.json');
  if (!looksLikeFile && !fs.existsSync(spec)) {
    cmd.error(`exitlens simulate: unknown workload "${spec}" (built-in: ${BUILTIN_NAMES.join(', ')}; or a path to a workload .json file)`, { exitCode: 2, code: 'exitlens.usage' });
  }
  let text: string;
  try {
    text = fs.readFileSync(spec, 'utf8');
  } catch (e) {
    throw new WorkloadError(`cannot read workload file ${spec}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseWorkload(text, spec);
}

function usage(cmd: Command, message: string): never {
  return cmd.error(`exitlens simulate: ${message}`, { exitCode: 2, code: 'exitlens.usage' });
}

function oneOf(cmd: Command, flag: string, value: string, valid: readonly string[]): void {
  if (!valid.includes(value)) usage(cmd, `unknown ${flag} "${value}" (valid: ${valid.join(', ')})`);
}

function run(flags: SimulateFlags, cmd: Command, io: CliIo): void {
  oneOf(cmd, '--paging', flags.paging, PAGING);
  oneOf(cmd, '--cpu', flags.cpu, CPU_NAMES);
  oneOf(cmd, '--pages', flags.pages, PAGES);
  oneOf(cmd, '--memory', flags.memory, MEMORY);
  if (flags.format !== undefined) oneOf(cmd, '--format', flags.format, FORMATS);
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) usage(cmd, `--seed must be an integer in [0, 4294967295], not "${flags.seed}"`);
  const scale = Number(flags.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1000) usage(cmd, `--scale must be a number in (0, 1000], not "${flags.scale}"`);
  if (!isCpuName(flags.cpu)) usage(cmd, `unknown --cpu "${flags.cpu}"`);
  const cpu: CpuName = flags.cpu;
  const workload = loadWorkload(flags.workload, cmd);
  const modes: PagingMode[] = flags.paging === 'both' ? ['shadow', 'ept'] : [flags.paging as PagingMode];
  const format = formatFor(flags.format, flags.out);
  const results: SimResult[] = [];
  const written: string[] = [];
  for (const paging of modes) {
    const options = { workload, paging, cpu, pages: flags.pages as '4k' | '2m', seed, scale, memory: flags.memory as 'fresh' | 'warm' };
    if (!flags.out) {
      results.push(simulate(options));
      continue;
    }
    const tracePath = modes.length > 1 ? outputNameFor(flags.out, paging) : flags.out;
    const symsPath = symbolsNameFor(tracePath);
    const fd = fs.openSync(tracePath, 'w');
    try {
      results.push(simulateTrace(options, format, new FileOut(fd), path.basename(symsPath)));
    } finally {
      fs.closeSync(fd);
    }
    fs.writeFileSync(symsPath, symbolFileFor(workload));
    written.push(`${tracePath} (+ ${symsPath})`);
  }
  if (flags.json) {
    const body = results.length === 2 ? { shadow: results[0], ept: results[1] } : results[0];
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
  } else {
    io.stdout.write(renderTable(results));
  }
  for (const w of written) io.stderr.write(`wrote ${w}\n`);
}

/**
 * `exitlens simulate` — registered by src/cli/main.ts. Output goes to `io`; failures set
 * `result.exitCode` (or process.exitCode when no result holder is given).
 */
export function registerSimulate(program: Command, io: CliIo = processIo(), result?: CommandResult): void {
  const fail = (message: string): void => {
    io.stderr.write(`exitlens: ${message}\n`);
    if (result) result.exitCode = 1;
    else process.exitCode = 1;
  };
  program
    .command('simulate')
    .description('Simulate a workload under shadow paging and/or EPT: cost breakdown, exits by reason and site, optional real-format traces')
    .requiredOption('-w, --workload <name|file>', `built-in workload (${BUILTIN_NAMES.join(', ')}) or a workload .json file`)
    .option('-p, --paging <mode>', `shadow | ept | both`, 'both')
    .option('--cpu <generation>', `CPU preset: ${CPU_NAMES.join(' | ')}`, DEFAULT_CPU)
    .option('--pages <size>', 'page size of anonymous memory, guest and host: 4k | 2m', '4k')
    .option('--seed <n>', 'seed of the simulation (same seed, same trace)', '1')
    .option('--memory <state>', "guest free memory at the start: fresh (VM just booted: first touches under EPT exit as EPT_VIOLATION) | warm (already backed)", 'fresh')
    .option('--scale <n>', "multiply the workload's traced work by n", '1')
    .option('-o, --out <file>', 'write the trace here (with --paging both: FILE-shadow… and FILE-ept…), plus a .syms.json beside it')
    .option('-f, --format <format>', 'trace format: perf-script | jsonl (default: from --out, .jsonl → jsonl)')
    .option('--json', 'print the result as JSON ({shadow, ept} with --paging both)')
    .addHelpText(
      'after',
      `
Examples:
  exitlens simulate -w forkwait                       compare shadow paging and EPT on skylake
  exitlens simulate -w gups --pages 2m --cpu nehalem  large pages on the first EPT generation
  exitlens simulate -w kbuild -o build.perf.txt       writes build-shadow.perf.txt, build-ept.perf.txt
                                                      and build-shadow.syms.json, build-ept.syms.json
  exitlens simulate -w my-workload.json -p ept --json --out my.exitlens.jsonl

Simulated traces say so in their header; see docs/simulator.md for the model and its sources.`,
    )
    .action((flags: SimulateFlags, cmd: Command) => {
      try {
        run(flags, cmd, io);
      } catch (e) {
        if (e instanceof WorkloadError || e instanceof SimulationError) return fail(e.message);
        // fs errors (unwritable --out...): one line naming the path, no stack trace.
        if (e instanceof Error && (e as NodeJS.ErrnoException).syscall) return fail(e.message);
        throw e;
      }
    });
}
