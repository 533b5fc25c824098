/**
 * Exits-over-time counts in at most MAX_TIMELINE_BINS bins. The trace's length is unknown while
 * streaming, so bins start narrow and double in width (merging neighbours) whenever a time would
 * need more bins. Exits may arrive slightly out of time order (parsers emit when an exit closes),
 * so the start can also move left.
 */
import type { Timeline } from '../model/summary';

/** Upper bound on the number of bins: enough for a chart, small enough to post to a webview. */
export const MAX_TIMELINE_BINS = 2000;

/** Width of the first bins; doubling keeps every width a power-of-two multiple of 1 µs. */
export const INITIAL_BIN_NS = 1000;

/** Streaming timeline builder: O(1) per exit, fixed memory. */
export class TimelineBuilder {
  private readonly counts = new Float64Array(MAX_TIMELINE_BINS);
  private startNs = NaN;
  private binNs = INITIAL_BIN_NS;
  /** Bins in use: the last non-empty bin + 1. */
  private used = 0;
  /**
   * The bin of the last add() and its bounds [lastLo, lastHi): exits arrive nearly in time order, so
   * most land in it and skip the division. Only for integer times (what parsers give) and an integer
   * start: then the bounds are exact, and floor((t - start) / bin) is exactly the bin whose bounds
   * hold t (a quotient one 1/bin short of an integer cannot round up below 2^53).
   */
  private lastBin = -1;
  private lastLo = 0;
  private lastHi = 0;

  /** Counts one exit at time `t` (ns). */
  add(t: number): void {
    if (t >= this.lastLo && t < this.lastHi && Math.floor(t) === t) {
      this.counts[this.lastBin]++;
      return;
    }
    if (this.used === 0) {
      if (!Number.isFinite(t)) return;
      this.startNs = t;
      this.counts[0] = 1;
      this.used = 1;
      return;
    }
    const i = Math.floor((t - this.startNs) / this.binNs);
    if (i >= 0 && i < MAX_TIMELINE_BINS) {
      this.counts[i]++;
      if (i >= this.used) this.used = i + 1;
      if (Math.floor(this.startNs) === this.startNs) {
        this.lastBin = i;
        this.lastLo = this.startNs + i * this.binNs;
        this.lastHi = this.lastLo + this.binNs;
      }
      return;
    }
    // A time that is not a finite number (never from our parsers) cannot be placed; skip it.
    if (!Number.isFinite(t)) return;
    if (i >= 0) this.growRight(t);
    else this.growLeft(t);
  }

  /** Forgets the cached bin (the start or the width changed). */
  private forgetBin(): void {
    this.lastBin = -1;
    this.lastLo = 0;
    this.lastHi = 0;
  }

  private growRight(t: number): void {
    this.forgetBin();
    let i = Math.floor((t - this.startNs) / this.binNs);
    while (i >= MAX_TIMELINE_BINS) {
      this.double();
      i = Math.floor((t - this.startNs) / this.binNs);
    }
    this.counts[i]++;
    if (i >= this.used) this.used = i + 1;
  }

  private growLeft(t: number): void {
    this.forgetBin();
    let shift = Math.ceil((this.startNs - t) / this.binNs);
    while (this.used + shift > MAX_TIMELINE_BINS) {
      this.double();
      shift = Math.ceil((this.startNs - t) / this.binNs);
    }
    this.counts.copyWithin(shift, 0, this.used);
    this.counts.fill(0, 0, shift);
    this.used += shift;
    this.startNs -= shift * this.binNs;
    this.counts[Math.floor((t - this.startNs) / this.binNs)]++;
  }

  /** Halves the resolution: bin j takes bins 2j and 2j+1; the start stays put. */
  private double(): void {
    const half = Math.ceil(this.used / 2);
    for (let j = 0; j < half; j++) {
      const b = 2 * j + 1 < this.used ? this.counts[2 * j + 1] : 0;
      this.counts[j] = this.counts[2 * j] + b;
    }
    this.counts.fill(0, half, this.used);
    this.used = half;
    this.binNs *= 2;
  }

  /** The timeline so far, or null when no exit was seen. */
  result(): Timeline | null {
    if (this.used === 0) return null;
    return { startNs: this.startNs, binNs: this.binNs, counts: Array.from(this.counts.subarray(0, this.used)) };
  }
}
