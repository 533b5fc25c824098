/**
 * What a simulated trace says about itself (docs/trace-format.md): the header line of ExitLens
 * JSONL and the `# exitlens-simulated: k=v …` comment of perf-script text. Parsers read it back
 * into TraceMeta, so every field here has a TraceMeta counterpart.
 */
import type { PagingMode } from '../model/trace';

/** Header of a simulated trace. */
export interface SimTraceHeader {
  readonly workload: string;
  readonly paging: PagingMode;
  readonly cpu: string;
  readonly pages: '4k' | '2m';
  readonly seed: number;
  readonly cpuHz: number;
  /** Symbol file beside the trace, relative to it. */
  readonly symbols?: string;
}

/** Where writers put text; the CLI implements it over a file, tests over memory. */
export interface TextOut {
  write(chunk: string): void;
}

/** Collects output in memory (tests, small traces). */
export class StringOut implements TextOut {
  private readonly parts: string[] = [];
  write(chunk: string): void {
    this.parts.push(chunk);
  }
  toString(): string {
    return this.parts.join('');
  }
}

/** Buffers small writes into large chunks (~64 KB) before handing them on. */
export class BufferedOut implements TextOut {
  private readonly out: TextOut;
  private parts: string[] = [];
  private size = 0;
  constructor(out: TextOut) {
    this.out = out;
  }
  write(chunk: string): void {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= 65536) this.flush();
  }
  /** Hands on what is buffered; call at the end. */
  flush(): void {
    if (this.parts.length === 0) return;
    this.out.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

/** The `# exitlens-simulated:` line (no newline). Values never contain spaces. */
export function simulatedCommentLine(h: SimTraceHeader): string {
  const kv = [`workload=${h.workload}`, `paging=${h.paging}`, `cpu=${h.cpu}`, `pages=${h.pages}`, `seed=${h.seed}`, `cpuHz=${h.cpuHz}`];
  if (h.symbols) kv.push(`symbols=${h.symbols}`);
  return `# exitlens-simulated: ${kv.join(' ')}`;
}

/** Host-side identity of the simulated vCPU threads: QEMU's process, one thread per vCPU. */
export const HOST_COMM = 'qemu-system-x86';
/** Host thread id of vCPU 0 (vCPU n is HOST_TID_BASE + n). */
export const HOST_TID_BASE = 4321;
/** Host CPU vCPU 0 runs on (vCPU n on HOST_CPU_BASE + n). */
export const HOST_CPU_BASE = 2;

const P16 = '0000000000000000';

/** A 48-bit guest address as the kernel prints a u64: kernel-half addresses are sign-extended. */
export function hex64(v: number): string {
  if (v >= 0x800000000000) return 'ffff' + v.toString(16).padStart(12, '0');
  const h = v.toString(16);
  return h.length >= 16 ? h : P16.slice(h.length) + h;
}

/** Canonical `0x…` form of a 48-bit guest address (sign-extended for the kernel half). */
export function canonicalAddress(v: number): string {
  return v >= 0x800000000000 ? '0xffff' + v.toString(16).padStart(12, '0') : '0x' + v.toString(16);
}
