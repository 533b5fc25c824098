/**
 * The simulator's clock and counters. Simulated time is the sum of the cycle buckets, so the
 * buckets always add up to the total — the invariant the result reports and the tests rely on.
 */

/** Cycle buckets; `now()` is their sum. */
export class Accounting {
  /** Guest instructions and data references (what the workload would cost natively). */
  guest = 0;
  /** VM exit + VM entry transitions. */
  exitRoundTrip = 0;
  /** VMM work per exit (shadow-table maintenance, emulation, host page allocation...). */
  exitHandling = 0;
  /** Hardware page walks after TLB misses (memory references of the walk). */
  pageWalk = 0;
  /** HLT: the vCPU idles waiting for an interrupt. */
  idle = 0;

  walks = 0;
  walkRefs = 0;
  walkMaxRefs = 0;
  tlbAccesses = 0;
  tlbMisses = 0;
  l1TlbMisses = 0;
  /** Memory references simulated: data references plus walk references. */
  memRefs = 0;

  /** Current simulated time in cycles. */
  now(): number {
    return this.guest + this.exitRoundTrip + this.exitHandling + this.pageWalk + this.idle;
  }

  /** Records one finished walk of `refs` memory references. */
  walkDone(refs: number): void {
    this.walks++;
    this.walkRefs += refs;
    if (refs > this.walkMaxRefs) this.walkMaxRefs = refs;
  }
}
