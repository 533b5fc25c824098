/**
 * Seeded pseudo-random numbers for the simulator: xorshift128 on four 32-bit words.
 * Same seed → same sequence on every platform (only 32-bit integer ops), and no allocation per
 * call: the state lives in an Int32Array (unsigned 32-bit values in object fields would be boxed
 * doubles), which keeps traces byte-identical and the inner loop fast.
 */
export class Xorshift128 {
  private readonly s = new Int32Array(4);

  /** Seeds through splitmix32 so that small neighbouring seeds give unrelated streams. */
  constructor(seed: number) {
    let x = seed | 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = z ^ (z >>> 16);
    }
    this.s[3] |= 1; // the all-zero state is the one xorshift cannot leave
  }

  /** Next state word as a signed 32-bit integer. */
  private next(): number {
    const st = this.s;
    let t = st[3];
    const s = st[0];
    st[3] = st[2];
    st[2] = st[1];
    st[1] = s;
    t ^= t << 11;
    t ^= t >>> 8;
    const r = t ^ s ^ (s >>> 19);
    st[0] = r;
    return r;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    return this.next() >>> 0;
  }

  /** Uniform integer in [0, n) for n ≤ 2^32 (multiply-shift, no modulo bias worth caring about here). */
  below(n: number): number {
    return Math.floor(((this.next() >>> 0) / 4294967296) * n);
  }

  /** Uniform float in [0, 1). */
  nextFloat(): number {
    return (this.next() >>> 0) / 4294967296;
  }
}
