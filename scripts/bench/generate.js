// SYNTHETIC benchmark input: a `perf script --ns` KVM trace in the kernel ≥ 5.10 print formats
// (gen-2 kvm_exit: `vcpu N reason X rip 0x.. info1 0x%016llx info2 0x%016llx intr_info 0x%08x
// error_code 0x%08x`; kvm_entry `vcpu N, rip 0x..`), envelope as in the real perf-script fixture
// (right-aligned event column). A small discrete-event model makes it look like a real capture:
// each vCPU thread runs the guest for a while, exits with a reason drawn from a realistic mix
// (weights after the perf-kvm-stat 2020 fixture plus EPT/IO/CR exits), spends a reason-dependent
// host time (HLT: idle, up to ms), and re-enters; lines of different vCPUs interleave in time order.
// Guest RIPs come from a pool of a few thousand kernel addresses with a skewed (hot-spot) choice.
// Deterministic for a given seed.
'use strict';
const fs = require('fs');

/** Seeded PRNG (mulberry32): deterministic, fast, good enough for a workload mix. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex16 = (n) => '0x' + n.toString(16).padStart(16, '0');
const hex8 = (n) => '0x' + n.toString(16).padStart(8, '0');
const Z16 = hex16(0);
const Z8 = hex8(0);

// [reason, weight, host time lo..hi ns (log-uniform), instruction length (entry rip advance), qualification]
const REASONS = [
  ['MSR_WRITE', 30, 300, 3000, 2, () => [Z16, Z16, Z8, Z8]],
  ['EXTERNAL_INTERRUPT', 20, 400, 3000, 0, () => [Z16, Z16, hex8(0x800000ec), Z8]],
  ['PREEMPTION_TIMER', 15, 400, 1200, 0, () => [Z16, Z16, Z8, Z8]],
  ['HLT', 9, 20000, 4000000, 1, () => [Z16, Z16, Z8, Z8]],
  ['CPUID', 6, 400, 1500, 2, () => [Z16, Z16, Z8, Z8]],
  ['EPT_VIOLATION', 5, 1500, 25000, 0, (r) => [hex16([0x181, 0x182, 0x582, 0x783][Math.floor(r() * 4)]), Z16, Z8, Z8]],
  ['EPT_MISCONFIG', 4, 2000, 30000, 0, () => [Z16, Z16, Z8, Z8]],
  ['IO_INSTRUCTION', 3, 3000, 100000, 1, (r) => [hex16([0x3f80000, 0x700008, 0xcfc000b, 0x600008][Math.floor(r() * 4)]), Z16, Z8, Z8]],
  ['EXCEPTION_NMI', 3, 800, 6000, 0, (r) => [hex16(0x7f0000000000 + Math.floor(r() * 0x10000000) * 4096), Z16, hex8(0x80000b0e), hex8(Math.floor(r() * 8))]],
  ['CR_ACCESS', 2, 300, 2000, 3, (r) => [hex16([0x0, 0x4, 0x3][Math.floor(r() * 3)]), Z16, Z8, Z8]],
  ['PAUSE_INSTRUCTION', 1.5, 300, 2000, 2, () => [Z16, Z16, Z8, Z8]],
  ['INTERRUPT_WINDOW', 1, 300, 1500, 0, () => [Z16, Z16, Z8, Z8]],
  ['MSR_READ', 0.5, 300, 2000, 2, () => [Z16, Z16, Z8, Z8]],
  ['EOI_INDUCED', 0.3, 400, 2000, 0, () => [hex16(0xec), Z16, Z8, Z8]],
  ['APIC_WRITE', 0.2, 500, 3000, 0, () => [hex16(0x380), Z16, Z8, Z8]],
  ['VMCALL', 0.1, 1000, 8000, 3, () => [Z16, Z16, Z8, Z8]],
];

/**
 * Writes `exits` exits (2 lines each) to `file` with `vcpus` vCPUs and `rips` distinct guest RIPs.
 * Returns { exits, lines, bytes }.
 */
function generate(file, { exits, vcpus = 4, rips = 3000, seed = 1 }) {
  const rand = mulberry32(seed);
  const totalWeight = REASONS.reduce((a, r) => a + r[1], 0);
  const cumulative = [];
  let acc = 0;
  for (const r of REASONS) cumulative.push((acc += r[1] / totalWeight));
  // Each reason exits from its own slice of a pool of kernel text addresses; within the slice,
  // u^3 skews the choice toward a few hot sites, as in real profiles.
  const pool = [];
  const seen = new Set();
  while (pool.length < rips) {
    const a = 0xffffffff81000000n + BigInt(Math.floor(rand() * 0x1000000));
    if (!seen.has(a)) {
      seen.add(a);
      pool.push('0x' + a.toString(16));
    }
  }
  const slice = Math.floor(rips / REASONS.length);
  const ripAfter = new Map();

  const fd = fs.openSync(file, 'w');
  const comm = [];
  const prefix = [];
  for (let v = 0; v < vcpus; v++) {
    comm.push(`CPU ${v}/KVM`.padStart(14));
    prefix.push(`${comm[v]} ${String(4000 + v).padStart(5)} [${String(2 * v).padStart(3, '0')}] `);
  }
  const EXIT = ':                       kvm:kvm_exit: ';
  const ENTRY = ':                      kvm:kvm_entry: ';
  const stamp = (t) => `${Math.floor(t / 1e9)}.${String(t % 1e9).padStart(9, '0')}`;

  // Discrete-event model: next event time per vCPU, and the open exit (if any).
  const next = new Float64Array(vcpus);
  const openRip = new Array(vcpus).fill(null);
  const start = 5123_000_000_000;
  for (let v = 0; v < vcpus; v++) next[v] = start + Math.floor(rand() * 5000);
  let emitted = 0;
  let lines = 0;
  let bytes = 0;
  let buf = [];
  const flush = () => {
    const text = buf.join('\n') + '\n';
    bytes += Buffer.byteLength(text);
    fs.writeSync(fd, text);
    buf = [];
  };
  for (;;) {
    let v = 0;
    for (let i = 1; i < vcpus; i++) if (next[i] < next[v]) v = i;
    const t = next[v];
    if (openRip[v] !== null) {
      buf.push(`${prefix[v]}${stamp(t)}${ENTRY}vcpu ${v}, rip ${openRip[v]}`);
      openRip[v] = null;
      next[v] = t + Math.floor(500 * 40 ** rand()); // guest runs 0.5–20 µs
    } else {
      if (emitted === exits) {
        if (openRip.every((r) => r === null)) break;
        next[v] = Infinity;
        continue;
      }
      const u = rand();
      let k = 0;
      while (cumulative[k] < u) k++;
      const [name, , lo, hi, len, qual] = REASONS[k];
      const rip = pool[(k * slice + Math.floor(rand() ** 3 * slice)) % rips];
      const [info1, info2, intr, ec] = qual(rand);
      buf.push(`${prefix[v]}${stamp(t)}${EXIT}vcpu ${v} reason ${name} rip ${rip} info1 ${info1} info2 ${info2} intr_info ${intr} error_code ${ec}`);
      let after = rip;
      if (len > 0) {
        const key = rip + '+' + len;
        after = ripAfter.get(key);
        if (!after) ripAfter.set(key, (after = '0x' + (BigInt(rip) + BigInt(len)).toString(16)));
      }
      openRip[v] = after;
      next[v] = t + Math.floor(lo * (hi / lo) ** rand());
      emitted++;
    }
    lines++;
    if (buf.length >= 16384) flush();
  }
  flush();
  fs.closeSync(fd);
  return { exits: emitted, lines, bytes };
}

module.exports = { generate, mulberry32, REASONS };

if (require.main === module) {
  const [file, n] = process.argv.slice(2);
  if (!file || !n) {
    console.error('usage: node scripts/bench/generate.js OUT.txt EXITS');
    process.exit(2);
  }
  console.log(generate(file, { exits: Number(n) }));
}
