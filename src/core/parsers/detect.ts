/**
 * Format detection from the first bytes of a file. Decisive markers first (JSONL header, perf kvm stat
 * and kvm_stat titles/headers), then a vote over the event lines' envelopes:
 *   `sys:event:` (`kvm:kvm_exit:`)                      → perf-script
 *   padded event column (`kvm_exit:   reason`), `cpus=` → trace-cmd
 *   irq-flags column, `# tracer:`, bare `kvm_exit:`     → ftrace
 */
import type { TraceFormat } from '../model/trace';
import { SIMULATED_PREFIX } from './headerMeta';

/** How many bytes of a file detection looks at. */
export const DETECT_HEAD_BYTES = 64 * 1024;

const EVENT = /(?:^|[\s:])(kvm:)?kvm_[a-z0-9_]+:(\s*)/;
const FLAGS_COLUMN = /\]\s+[^\s\]]{4,5}\s+\d+\.\d+:/;

/** A binary trace file ExitLens cannot read directly: the tool that wrote it and how to convert it. */
export interface BinaryTrace {
  /** The text format its conversion gives. */
  readonly format: TraceFormat;
  readonly message: string;
}

/**
 * Recognises binary traces by magic: perf.data starts with `PERFILE2`, trace-cmd's trace.dat with
 * `\x17\x08\x44tracing`. Undefined for anything else.
 */
export function detectBinary(head: Uint8Array): BinaryTrace | undefined {
  const magic = String.fromCharCode(...head.subarray(0, 10));
  if (magic.startsWith('PERFILE2')) {
    return { format: 'perf-script', message: 'a binary perf.data file: convert it with `perf script --ns -i FILE > FILE.txt` and open the text' };
  }
  if (magic.startsWith('\x17\x08\x44tracing')) {
    return { format: 'trace-cmd', message: 'a binary trace-cmd trace.dat file: convert it with `trace-cmd report -i FILE > FILE.txt` and open the text' };
  }
  return undefined;
}

/** Guesses the format from the first bytes of a file; undefined when nothing looks like a trace. */
export function detectFormat(head: Uint8Array): TraceFormat | undefined {
  if (head.length === 0 || detectBinary(head) !== undefined) return undefined;
  const text = new TextDecoder('utf-8').decode(head.subarray(0, DETECT_HEAD_BYTES));
  const lines = text.split('\n');
  // A partial last line (cut by the head limit) says nothing reliable.
  if (head.length >= DETECT_HEAD_BYTES && lines.length > 1) lines.pop();

  const firstContent = lines.find((l) => l.trim() !== '')?.trim();
  if (firstContent?.startsWith('{') && isJsonlStart(firstContent)) return 'exitlens-jsonl';

  let perf = 0;
  let traceCmd = 0;
  let ftrace = 0;
  let simulated = false;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    const content = line.replace(/^[\s>]*/, '');
    if (/^Analyze events for /.test(content) || /^(VM-EXIT|MMIO Access|IO Port Access|MSR Access)\s+Samples\s+Samples%/.test(content)) return 'perf-kvm-stat';
    if (/^kvm statistics - /.test(content) || /^(Event|Guest Name)\s+Total\s+(Current|%Total)/.test(content)) return 'kvm-stat';
    // kvm_stat -1 rows, -l / -l -c banners.
    if (/^kvm_exit(\([\w ]+\))?\s+\d+\s+-?\d+\s*$/.test(content) || /^timestamp,kvm_/.test(content) || /^(kvm_\w+(\([\w ]*\))?\s+){2,}$/.test(content + ' ')) return 'kvm-stat';
    if (content.startsWith(SIMULATED_PREFIX)) simulated = true;
    if (/^# tracer: /.test(content)) ftrace += 10;
    if (/^cpus=\d+\s*$/.test(content)) traceCmd += 10;
    if (content.startsWith('#')) continue;
    const m = EVENT.exec(content);
    if (!m) continue;
    if (m[1]) perf++;
    else if (FLAGS_COLUMN.test(content)) ftrace++;
    else if (m[2].length >= 2) traceCmd++;
    else ftrace++;
  }
  if (perf === 0 && traceCmd === 0 && ftrace === 0) return simulated ? 'perf-script' : undefined;
  if (perf >= traceCmd && perf >= ftrace) return 'perf-script';
  return traceCmd > ftrace ? 'trace-cmd' : 'ftrace';
}

function isJsonlStart(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== 'object' || v === null) return false;
    const o = v as Record<string, unknown>;
    return o.exitlens !== undefined || (o.t !== undefined && (o.reason !== undefined || o.code !== undefined));
  } catch {
    return false;
  }
}
