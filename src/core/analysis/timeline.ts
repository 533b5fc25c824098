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

  /** Counts one exit at time `t` (ns). */
  add(t: number): void {
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
      return;
    }
    // A time that is not a finite number (never from our parsers) cannot be placed; skip it.
    if (!Number.isFinite(t)) return;
    if (i >= 0) this.growRight(t);
    else this.growLeft(t);
  }

  private growRight(t: number): void {
    let i = Math.floor((t - this.startNs) / this.binNs);
    while (i >= MAX_TIMELINE_BINS) {
      this.double();
      i = Math.floor((t - this.startNs) / this.binNs);
    }
    this.counts[i]++;
    if (i >= this.used) this.used = i + 1;
  }

  private growLeft(t: number): void {
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
