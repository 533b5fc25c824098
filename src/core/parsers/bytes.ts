/**
 * Byte-level helpers for the parsers' hot path: scanning numbers and words straight out of the input
 * bytes, so that a trace line never becomes a string. Results of the number scanners go to the shared
 * `scan` scratch object (the parsers are synchronous; nothing re-enters between a call and its read).
 */

/** Hex digit value of every byte, -1 for non-hex. */
export const HEX_VALUE: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    t[97 + i] = 10 + i;
    t[65 + i] = 10 + i;
  }
  return t;
})();

/** Byte values the scanners compare against. */
export const SPACE = 32;
export const TAB = 9;
export const COLON = 58;
export const NL = 10;
export const CR = 13;

/** Results of the last scanDec / scanHex call. */
export const scan = {
  /** Decimal value (scanDec). */
  num: 0,
  /** Hex value as two 32-bit halves (scanHex): values up to 64 bits, which a double cannot hold. */
  hi: 0,
  lo: 0,
  /** Significant hex digits (0 for a zero value). */
  digits: 0,
  /** Whether any hex digit was upper case (the canonical form is lower case). */
  upper: false,
};

/** True for space and tab. */
export function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** Index of the first non-blank byte at or after p (or end). */
export function skipBlanks(buf: Uint8Array, p: number, end: number): number {
  while (p < end && (buf[p] === SPACE || buf[p] === TAB)) p++;
  return p;
}

/**
 * skipBlanks() that steps over runs of spaces 4 bytes at a time (trace-cmd pads its event column,
 * perf its sys:event column, by a dozen or more). `dv` views the same bytes as buf.
 */
export function skipPadding(buf: Uint8Array, dv: DataView | undefined, p: number, end: number): number {
  if (dv !== undefined) while (p + 4 <= end && dv.getUint32(p, true) === 0x20202020) p += 4;
  while (p < end && (buf[p] === SPACE || buf[p] === TAB)) p++;
  return p;
}

/** Index after the last non-blank byte before end (or start). */
export function trimEnd(buf: Uint8Array, start: number, end: number): number {
  while (end > start && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
  return end;
}

/** Index of the first blank byte at or after p (or end). */
export function tokenEnd(buf: Uint8Array, p: number, end: number): number {
  while (p < end && buf[p] !== SPACE && buf[p] !== TAB) p++;
  return p;
}

/**
 * Unsigned decimal at p into scan.num; returns the index after it, or -1 if there is no digit or more
 * than 15 (beyond exact doubles).
 */
export function scanDec(buf: Uint8Array, p: number, end: number): number {
  const start = p;
  let v = 0;
  while (p < end) {
    const d = buf[p] - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    p++;
  }
  if (p === start || p - start > 15) return -1;
  scan.num = v;
  return p;
}

/**
 * Hex value at p, with or without `0x`, into scan.hi/lo/digits; returns the index after it, or -1 if
 * there is no digit or more than 16 significant digits.
 */
export function scanHex(buf: Uint8Array, p: number, end: number): number {
  if (p + 1 < end && buf[p] === 48 && (buf[p + 1] === 120 || buf[p + 1] === 88)) p += 2;
  const start = p;
  while (p < end && buf[p] === 48) p++;
  let hi = 0;
  let lo = 0;
  let n = 0;
  let upper = false;
  while (p < end) {
    const c = buf[p];
    const d = HEX_VALUE[c];
    if (d < 0) break;
    if (c >= 65 && c <= 70) upper = true;
    hi = (hi << 4) | (lo >>> 28);
    lo = ((lo << 4) | d) >>> 0;
    n++;
    p++;
  }
  if (p === start || n > 16) return -1;
  scan.hi = hi >>> 0;
  scan.lo = lo;
  scan.digits = n;
  scan.upper = upper;
  return p;
}

/** True when buf[p..] starts with the given ASCII bytes. */
export function startsWith(buf: Uint8Array, p: number, end: number, word: Uint8Array): boolean {
  const n = word.length;
  if (p + n > end) return false;
  for (let i = 0; i < n; i++) if (buf[p + i] !== word[i]) return false;
  return true;
}

/** True when buf[start..end) equals the given ASCII bytes exactly. */
export function equalsBytes(buf: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  return end - start === word.length && startsWith(buf, start, end, word);
}

/**
 * A copy of bytes [start, end). Never `buf.slice()`: on a Node Buffer that is a view, and sources
 * reuse their chunk buffers.
 */
export function copyBytes(buf: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(buf.subarray(start, end));
  return out;
}

/** ASCII string → bytes (for constant keywords). */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Searchable view type: Node's Buffer adds sub-sequence indexOf; a plain Uint8Array only searches single bytes. */
interface SeqSearchable extends Uint8Array {
  indexOf(value: number | Uint8Array, byteOffset?: number): number;
}

type BufferCtor = { from(buf: ArrayBufferLike, byteOffset: number, length: number): Uint8Array; isBuffer(v: unknown): boolean };
// Node's Buffer searches with memchr/SIMD, ~6x faster than TypedArray.prototype.indexOf. It is a
// global, not an import, so the core stays runnable where it does not exist (the plain path is used).
const NodeBuffer: BufferCtor | undefined = (globalThis as { Buffer?: BufferCtor }).Buffer;

/** A zero-copy view of the chunk whose indexOf is as fast as the runtime allows. */
export function searchableView(chunk: Uint8Array): Uint8Array {
  if (NodeBuffer && !NodeBuffer.isBuffer(chunk)) return NodeBuffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return chunk;
}

/** Whether searchableView() returns views with a native sub-sequence search. */
export const HAS_SEQ_SEARCH = NodeBuffer !== undefined;

/** First index of `needle` at or after `from`, or -1 (searches to the end of buf). */
export function indexOfSeq(buf: Uint8Array, needle: Uint8Array, from: number): number {
  if (HAS_SEQ_SEARCH && NodeBuffer!.isBuffer(buf)) return (buf as SeqSearchable).indexOf(needle, from);
  const first = needle[0];
  const n = needle.length;
  const last = buf.length - n;
  let i = from;
  while (i <= last) {
    i = buf.indexOf(first, i);
    if (i < 0 || i > last) return -1;
    let j = 1;
    while (j < n && buf[i + j] === needle[j]) j++;
    if (j === n) return i;
    i++;
  }
  return -1;
}

const utf8Decoder = new TextDecoder('utf-8');

/** Decodes bytes as UTF-8 (invalid sequences become U+FFFD; never throws). Allocates: keep off the hot path. */
export function utf8(buf: Uint8Array, start: number, end: number): string {
  return utf8Decoder.decode(buf.subarray(start, end));
}

/** Decodes ASCII-only bytes quickly (bytes ≥ 0x80 fall back to UTF-8). */
export function asciiString(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c >= 0x80) return utf8(buf, start, end);
    s += String.fromCharCode(c);
  }
  return s;
}

/**
 * The decimal value of the n ASCII digits at p, or -1 if any byte is not a digit. Four digits at a
 * time: a word is all digits when every byte's high nibble is 3 and stays 3 after adding 6; then two
 * multiply-adds fold "1234" into 1234. Exact for n ≤ 15, like the digit-by-digit loop.
 */
export function digitsAt(buf: Uint8Array, dv: DataView, p: number, n: number): number {
  let v = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const w = dv.getInt32(p + i, true);
    if ((w & 0xf0f0f0f0) !== 0x30303030 || ((w + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) return -1;
    const d = w - 0x30303030;
    const x = (d * 10 + (d >>> 8)) & 0x00ff00ff;
    v = v * 10000 + (x & 0xff) * 100 + (x >>> 16);
  }
  for (; i < n; i++) {
    const d = buf[p + i] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Index of the first `\n` in [p, end), or -1: four bytes at a time (a word holds a `\n` when
 * w ^ 0x0a0a0a0a has a zero byte), then byte by byte.
 */
export function newlineAt(buf: Uint8Array, dv: DataView, p: number, end: number): number {
  for (; p + 4 <= end; p += 4) {
    const x = dv.getInt32(p, true) ^ 0x0a0a0a0a;
    if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
  }
  for (; p < end; p++) if (buf[p] === 10) return p;
  return -1;
}
