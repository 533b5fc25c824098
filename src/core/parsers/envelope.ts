/**
 * The "envelope" of a trace line: everything the tool prints before the event name. Read backwards
 * from the event name, because the front is ambiguous (comms contain spaces, `CPU 0/KVM`) while the
 * back is fixed: `… [cpu] [flags] sec.frac: [sys:]event:`. Handles
 *   ftrace / trace_pipe   `<comm>-<pid> [( tgid)] [cpu] [irq-flags(4|5)] sec.usec: event:`
 *   ftrace 2.6.3x         `<comm>-<pid> [cpu] sec.usec: event:`           (no irq flags)
 *   trace-cmd report      `<comm>-<pid> [cpu] sec.usec: event:   payload` (padded event column)
 *   perf script           `<comm> <tid> [cpu] sec.usec|sec.nsec: sys:event: payload`, also `pid/tid`
 *   perf-prof             `<date> <time> <comm> <tid> <flags> [cpu] sec.usec: sys:event: payload`
 *   perf script -F …      the same without `[cpu]` (`<comm> <tid> sec.usec: …`)
 *   perf trace            `<msec> <comm>/<tid> sys:event:payload` (a time in milliseconds, no colon)
 *   trimmed lines         `[cpu] sec.usec: …` and `sec.usec: …`
 * and the bare `event: payload` of mails (no envelope at all), after mail quotes and indentation.
 */
import { COLON, SPACE, TAB } from './bytes';

/** Result of parseEnvelope (a reused scratch object). */
export interface Envelope {
  /** Event time, integer ns; meaningful only when timed. */
  timeNs: number;
  timed: boolean;
  /** Where the timestamp starts; meaningful only when timed. */
  tsStart: number;
  /** Host thread id, -1 when the line does not show it. */
  tid: number;
  /** Host CPU, -1 when unknown. */
  cpu: number;
  /** Comm byte range, commStart < 0 when absent. */
  commStart: number;
  commEnd: number;
}

/** A fresh scratch Envelope (parsers keep one and reuse it for every line). */
export function newEnvelope(): Envelope {
  return { timeNs: 0, timed: false, tsStart: 0, tid: -1, cpu: -1, commStart: -1, commEnd: -1 };
}

/** Index of the first byte after leading blanks and mail quote markers (`>`). */
export function contentStart(buf: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end) {
    const c = buf[p];
    if (c !== SPACE && c !== TAB && c !== 62 /* > */) break;
    p++;
  }
  return p;
}

/** POW10[i] = 10^(9-i): the ns multiplier of a fraction with i digits. */
const POW10 = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1];
const FOUR_SPACES = 0x20202020;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/**
 * Parses the envelope in [start, evStart) where evStart is where `sys:event` or `event` begins and
 * start is the line's content start. Returns false when the prefix is not an envelope (damaged or
 * prose). A bare line (nothing before the event) is valid and untimed.
 */
export function parseEnvelope(buf: Uint8Array, start: number, evStart: number, env: Envelope, dv?: DataView): boolean {
  env.timed = false;
  env.tid = -1;
  env.cpu = -1;
  env.commStart = -1;
  let p = evStart - 1;
  // perf pads the event column with ~20 blanks: skip them 4 at a time when a DataView is at hand.
  if (dv !== undefined) while (p - 3 >= start && dv.getUint32(p - 3, true) === FOUR_SPACES) p -= 4;
  while (p >= start && isBlank(buf[p])) p--;
  if (p < start) return true;
  if (buf[p] >= 48 && buf[p] <= 57) {
    // `perf script -F +period` prints the sample period between the time and the event.
    const digitsEnd = p;
    while (p >= start && buf[p] >= 48 && buf[p] <= 57) p--;
    if (p >= start && buf[p] === 47 /* / */) return parsePerfTraceEnvelope(buf, start, digitsEnd, env);
    if (p < start || !isBlank(buf[p]) || digitsEnd - p > 20) return false;
    while (p >= start && isBlank(buf[p])) p--;
    if (p < start) return false;
  }
  if (buf[p] !== COLON) return parsePerfTraceEnvelope(buf, start, p, env);
  // Timestamp `sec[.frac]` read backwards in one pass; integer arithmetic keeps ns exact:
  // 2323301.150469 → 2323301150469000.
  const tsEnd = p;
  p--;
  let v = 0;
  let mul = 1;
  let frac = -1;
  let fracDigits = 0;
  while (p >= start) {
    const c = buf[p];
    if (c >= 48 && c <= 57) {
      v += (c - 48) * mul;
      mul *= 10;
      p--;
    } else if (c === 46 && frac < 0) {
      fracDigits = tsEnd - p - 1;
      if (fracDigits === 0 || fracDigits > 15) return false;
      frac = v;
      v = 0;
      mul = 1;
      p--;
    } else break;
  }
  const tsStart = p + 1;
  const intDigits = frac < 0 ? tsEnd - tsStart : tsEnd - tsStart - fracDigits - 1;
  if (intDigits <= 0 || intDigits > 15) return false;
  let ns: number;
  if (frac >= 0) {
    // Beyond ns precision (more than 9 fraction digits) the extra digits are dropped.
    if (fracDigits > 9) frac = Math.floor(frac / 10 ** (fracDigits - 9));
    ns = v * 1e9 + frac * POW10[Math.min(fracDigits, 9)];
  } else {
    // trace_clock=counter/x86-tsc prints a bare integer: kept as is (its unit is not ns).
    ns = v;
  }
  if (p >= start && !isBlank(buf[p])) return false;
  env.timeNs = ns;
  env.timed = true;
  env.tsStart = tsStart;
  while (p >= start && isBlank(buf[p])) p--;
  if (p < start) return true;
  if (!(buf[p] >= 48 && buf[p] <= 57)) {
    p = cpuColumn(buf, start, p, env);
    if (p === FAIL) return false;
    if (p < start) return true;
  }
  // Else `perf script -F comm,tid,time,…` without the cpu column: the tid comes right before the time.
  if (buf[p] === 41 /* ) */) {
    // ftrace record-tgid column `(  123)` / `(-----)`.
    while (p >= start && buf[p] !== 40 /* ( */) p--;
    if (p < start) return false;
    p--;
    while (p >= start && isBlank(buf[p])) p--;
    if (p < start) return false;
  }
  // tid, or pid/tid
  let tid = 0;
  mul = 1;
  const tidEnd = p;
  while (p >= start && buf[p] >= 48 && buf[p] <= 57) {
    tid += (buf[p] - 48) * mul;
    mul *= 10;
    p--;
  }
  if (p === tidEnd || tidEnd - p > 10) return false;
  if (p >= start && buf[p] === 47 /* / */) {
    p--;
    while (p >= start && buf[p] >= 48 && buf[p] <= 57) p--;
  }
  env.tid = tid;
  if (p < start) return true;
  const sep = buf[p];
  if (sep !== 45 /* - */ && !isBlank(sep)) return false;
  // ftrace joins comm-pid with '-'; perf separates them with blanks. Either way the comm is the rest.
  let commEnd = p;
  while (commEnd > start && isBlank(buf[commEnd - 1])) commEnd--;
  const commStart = afterDateTime(buf, start, commEnd);
  if (commEnd > commStart) {
    env.commStart = commStart;
    env.commEnd = commEnd;
  }
  return true;
}

/** What cpuColumn() returns for a prefix that is not an envelope (never a position: those are ≥ -1). */
const FAIL = -2;

/**
 * Reads back from p over `[flags] [cpu] [flags]` (ftrace puts the irq flags after the cpu, perf-prof
 * before it) into env.cpu; returns where the text before them ends (< start: nothing is left), or FAIL.
 */
function cpuColumn(buf: Uint8Array, start: number, p: number, env: Envelope): number {
  if (buf[p] !== 93 /* ] */) {
    // irq-flags / preempt column (`d...`, `.....`, `dNh1.`): one short token before the timestamp.
    const flagsEnd = p;
    while (p >= start && !isBlank(buf[p])) p--;
    if (flagsEnd - p > 8) return FAIL;
    while (p >= start && isBlank(buf[p])) p--;
    if (p < start || buf[p] !== 93) return FAIL;
  }
  p--;
  let cpu = 0;
  let mul = 1;
  const cpuEnd = p;
  while (p >= start && buf[p] >= 48 && buf[p] <= 57) {
    cpu += (buf[p] - 48) * mul;
    mul *= 10;
    p--;
  }
  if (p === cpuEnd || p < start || buf[p] !== 91 /* [ */ || cpuEnd - p > 7) return FAIL;
  env.cpu = cpu;
  p--;
  while (p >= start && isBlank(buf[p])) p--;
  if (p < start) return p;
  if (buf[p] !== 41 /* ) */ && !(buf[p] >= 48 && buf[p] <= 57)) {
    // perf-prof prints the irq-flags column before the [cpu], not after it.
    const flagsEnd = p;
    while (p >= start && !isBlank(buf[p])) p--;
    if (flagsEnd - p > 8 || p < start) return FAIL;
    while (p >= start && isBlank(buf[p])) p--;
    if (p < start) return FAIL;
  }
  return p;
}

/** Whether [p, p + pattern.length) matches `pattern`, where `9` stands for any digit. */
function matchesDigits(buf: Uint8Array, p: number, pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = buf[p + i];
    const want = pattern.charCodeAt(i);
    if (want === 57 /* 9 */ ? !(c >= 48 && c <= 57) : c !== want) return false;
  }
  return true;
}

/**
 * After a leading wall-clock stamp `YYYY-mm-dd HH:MM:SS[.frac] ` (perf-prof), the index of what
 * follows it; `start` when there is none.
 */
function afterDateTime(buf: Uint8Array, start: number, end: number): number {
  const stamp = '9999-99-99 99:99:99';
  if (end - start <= stamp.length || !matchesDigits(buf, start, stamp)) return start;
  let p = start + stamp.length;
  if (buf[p] === 46 /* . */) {
    p++;
    while (p < end && buf[p] >= 48 && buf[p] <= 57) p++;
  }
  if (p >= end || !isBlank(buf[p])) return start;
  while (p < end && isBlank(buf[p])) p++;
  return p;
}

/**
 * `perf trace`'s envelope in [start, last]: `<msec> <comm>/<tid>`, the time in milliseconds since the
 * start of the session (up to 6 decimals), the comm possibly with blanks and slashes (`CPU 0/KVM`).
 */
function parsePerfTraceEnvelope(buf: Uint8Array, start: number, last: number, env: Envelope): boolean {
  let p = last;
  let tid = 0;
  let mul = 1;
  while (p >= start && buf[p] >= 48 && buf[p] <= 57) {
    tid += (buf[p] - 48) * mul;
    mul *= 10;
    p--;
  }
  if (p === last || last - p > 10 || p < start || buf[p] !== 47 /* / */) return false;
  const commEnd = p;
  let q = start;
  let ms = 0;
  while (q < commEnd && buf[q] >= 48 && buf[q] <= 57) ms = ms * 10 + (buf[q++] - 48);
  const intDigits = q - start;
  if (intDigits === 0 || intDigits > 12) return false;
  let ns = ms * 1e6;
  if (buf[q] === 46 /* . */) {
    const fracStart = ++q;
    let frac = 0;
    while (q < commEnd && buf[q] >= 48 && buf[q] <= 57) frac = frac * 10 + (buf[q++] - 48);
    const fracDigits = q - fracStart;
    if (fracDigits === 0 || fracDigits > 6) return false;
    ns += frac * 10 ** (6 - fracDigits);
  }
  if (q >= commEnd || !isBlank(buf[q])) return false;
  while (q < commEnd && isBlank(buf[q])) q++;
  if (q >= commEnd) return false;
  env.timeNs = ns;
  env.timed = true;
  env.tsStart = start;
  env.tid = tid;
  env.commStart = q;
  env.commEnd = commEnd;
  return true;
}
