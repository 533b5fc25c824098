/**
 * Chunks → lines, without decoding. A line split across chunks (even inside a UTF-8 sequence) is
 * copied into a small carry buffer and handed over whole; every other line is handed over as a range
 * of the chunk itself. Line length is capped so that a 10 MB line (or a binary file without newlines)
 * costs a warning, not memory. `\r` before `\n` is left to the handler (it sees the raw range).
 */
import { NL, searchableView } from './bytes';

/** Receives one line: bytes [start, end) of buf, without the `\n`; `line` is 1-based. Must not keep buf. */
export type LineHandler = (buf: Uint8Array, start: number, end: number, line: number) => void;

/**
 * Optionally tried first at each line start inside a chunk: handles the line that starts at `start`
 * without being told its end, and returns the index of the `\n` that ends it (which must lie before
 * `limit`, so the line is within the cap), or -1 to have the line split and handed to the LineHandler
 * as usual. A parser that recognises its common lines byte by byte finds their end on the way, and so
 * spares a second pass over them.
 */
export type FastLineHandler = (buf: Uint8Array, start: number, limit: number, line: number) => number;

/** Called once for a line longer than the cap; the line is skipped. */
export type LongLineHandler = (line: number, maxBytes: number) => void;

/** Lines longer than this many bytes are skipped with a warning. Trace lines are a few hundred bytes. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/** Splits a byte stream into lines for a LineHandler; see the module comment for the guarantees. */
export class LineSplitter {
  private carry: Uint8Array = new Uint8Array(256);
  private carryLen = 0;
  /** Inside an over-long line that was already reported: drop bytes until its newline. */
  private skipping = false;
  private lineNo = 0;

  constructor(
    private readonly onLine: LineHandler,
    private readonly onTooLong: LongLineHandler,
    readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
    private readonly fastLine?: FastLineHandler,
  ) {}

  /** Lines completed so far (including skipped ones). */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Uint8Array): void {
    const buf = searchableView(chunk);
    const n = buf.length;
    let p = 0;
    if (this.carryLen > 0 || this.skipping) {
      const q = buf.indexOf(NL, 0);
      if (q < 0) {
        this.accumulate(buf, 0, n);
        return;
      }
      this.accumulate(buf, 0, q);
      this.finishCarry();
      p = q + 1;
    }
    p = this.splitFrom(buf, p);
    if (p < n) this.accumulate(buf, p, n);
  }

  /**
   * Hands over the complete lines of buf from p on; returns where the unfinished last line starts.
   * A function of its own that leaves only through the `return` in its loop: V8 optimises a long loop
   * on the stack (OSR) before the code after it ever ran, and code after the loop, lacking type
   * feedback, then deoptimised at the end of every chunk (once per MiB, forever).
   */
  private splitFrom(buf: Uint8Array, p: number): number {
    const n = buf.length;
    const max = this.maxLineBytes;
    const fast = this.fastLine;
    for (;;) {
      if (fast !== undefined && p < n) {
        const q = fast(buf, p, n - p > max ? p + max + 1 : n, this.lineNo + 1);
        if (q >= 0) {
          this.lineNo++;
          p = q + 1;
          continue;
        }
      }
      const q = buf.indexOf(NL, p);
      if (q < 0) return p;
      const line = ++this.lineNo;
      if (q - p > max) this.onTooLong(line, max);
      else this.onLine(buf, p, q, line);
      p = q + 1;
    }
  }

  /** Flushes a last line that has no newline. */
  end(): void {
    if (this.carryLen > 0 || this.skipping) this.finishCarry();
  }

  private accumulate(buf: Uint8Array, start: number, end: number): void {
    if (this.skipping) return;
    const len = end - start;
    if (this.carryLen + len > this.maxLineBytes) {
      this.skipping = true;
      this.carryLen = 0;
      this.onTooLong(this.lineNo + 1, this.maxLineBytes);
      return;
    }
    if (this.carryLen + len > this.carry.length) {
      const grown = new Uint8Array(Math.min(this.maxLineBytes + 1, Math.max(this.carry.length * 2, this.carryLen + len)));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(buf.subarray(start, end), this.carryLen);
    this.carryLen += len;
  }

  private finishCarry(): void {
    const line = ++this.lineNo;
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    const len = this.carryLen;
    this.carryLen = 0;
    // A fresh view per carried line (one per chunk at most): handlers may cache by buffer identity.
    this.onLine(searchableView(this.carry.subarray(0, len)), 0, len, line);
  }
}
