/**
 * Bit-PLRU ("not recently used") replacement on a set's used-bits word, shared by the cache
 * hierarchy and the set-associative TLB structures: one bit per way, and when touching a way would
 * set every bit, only that way's bit stays set. Both helpers are branch-free: whether a lookup hits
 * or a set fills up is data-dependent, and a mispredicted branch costs more than the arithmetic.
 * The hottest lookups (MemoryHierarchy, SetAssoc) write touched() out: a call that size is not
 * always inlined. The unit tests hold it to the plain rule.
 */

/** Used-bits `u` after touching the way of `bit` (`full`: every way's bit). */
export function touched(u: number, bit: number, full: number): number {
  const n = u | bit;
  // clz32(0) is 32: `all` is -1 exactly when n covers every way, else 0.
  const all = -(Math.clz32((n & full) ^ full) >>> 5);
  return n ^ ((n ^ bit) & all);
}

/** The victim, as its way's bit: the lowest way not used recently. */
export function lowestClear(u: number, full: number): number {
  const free = ~u & full;
  return free & -free;
}
