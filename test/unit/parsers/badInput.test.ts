/**
 * Bad input through parseSource: empty, binary, NUL bytes, a 10 MB line, binary trace files, random
 * damage. Always a warning (or nothing), never an exception.
 */
import { strict as assert } from 'assert';
import { memorySource } from '../../../src/core/io/byteSource';
import type { ExitRecord } from '../../../src/core/model/exit';
import type { TraceWarning } from '../../../src/core/model/trace';
import { parseSource } from '../../../src/core/parsers/index';
import { fixture, fixtureFiles } from './helpers';

async function run(name: string, data: Uint8Array | string, chunkSize?: number) {
  const records: ExitRecord[] = [];
  const warnings: TraceWarning[] = [];
  let tables = 0;
  const result = await parseSource(memorySource(name, data, chunkSize), {
    exit: (r) => records.push(r),
    warning: (w) => warnings.push(w),
    table: () => tables++,
  });
  return { records, warnings, tables, result };
}

/** Seeded xorshift32, so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const LINE = '     CPU 0/KVM  4000 [000] 1000.000001500:                       kvm:kvm_exit: vcpu 0 reason HLT rip 0x1 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000\n';
const ENTRY = '     CPU 0/KVM  4000 [000] 1000.000002500:                      kvm:kvm_entry: vcpu 0, rip 0x2\n';

describe('bad input (synthetic)', () => {
  it('an empty file: one warning naming it', async () => {
    const r = await run('empty.txt', '');
    assert.deepEqual(r.warnings, [{ line: 1, message: 'empty.txt is empty' }]);
    assert.equal(r.records.length, 0);
    assert.deepEqual(r.result, { format: 'ftrace', bytes: 0, lines: 0 });
  });

  it('text that is no trace: one warning naming the file', async () => {
    const r = await run('notes.md', 'Dear diary,\nnothing to see here.\n');
    assert.equal(r.records.length, 0);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0].message, /^notes\.md: no VM-exit trace recognised/);
  });

  it('binary garbage with NUL bytes does not end parsing: the trace after it is read', async () => {
    const next = rng(42);
    const garbage = new Uint8Array(100000).map(() => (next() < 0.3 ? 0 : Math.floor(next() * 256)));
    const tail = new TextEncoder().encode(LINE + ENTRY);
    const data = new Uint8Array(garbage.length + tail.length);
    data.set(garbage);
    data.set(tail, garbage.length);
    const r = await run('garbage.bin', data, 4096);
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0].entryNs! - r.records[0].timeNs, 1000);
  });

  it('NUL bytes inside lines (kvmmmu `%c` of 0) are harmless', async () => {
    const text = '  a-1 [000] .... 1.000001: kvm_mmu_get_page: sp gen 0 gfn 0 l1 8-byte q0 direct wux nxe ad root 0 sync\0\n' + LINE + ENTRY;
    const r = await run('nul.txt', text);
    assert.equal(r.records.length, 1);
    assert.deepEqual(r.warnings, []);
  });

  it('a 10 MB line is skipped with one warning (the carry buffer never grows past the cap); later lines parse', async () => {
    const big = 'k'.repeat(10 * 1024 * 1024);
    const text = LINE + ENTRY + big + '\n' + LINE.replace('1000.000001500', '1000.000003000') + ENTRY.replace('1000.000002500', '1000.000003500');
    for (const chunk of [1 << 16, 1 << 24]) {
      const r = await run('long.txt', text, chunk);
      assert.deepEqual(r.warnings, [{ line: 3, message: 'line longer than 65536 bytes; skipped' }], `chunk ${chunk}`);
      assert.equal(r.records.length, 2);
      assert.deepEqual(
        r.records.map((x) => x.line),
        [1, 4],
      );
    }
  });

  it('binary perf.data and trace.dat files: a warning that says how to convert them', async () => {
    const perf = new Uint8Array(200);
    perf.set(new TextEncoder().encode('PERFILE2'));
    const r1 = await run('perf.data', perf);
    assert.equal(r1.warnings.length, 1);
    assert.match(r1.warnings[0].message, /^perf\.data is a binary perf\.data file: convert it with `perf script --ns/);
    assert.equal(r1.result.format, 'perf-script');
    const dat = new Uint8Array(200);
    dat.set([0x17, 0x08, 0x44, ...new TextEncoder().encode('tracing')]);
    const r2 = await run('trace.dat', dat);
    assert.match(r2.warnings[0].message, /trace-cmd report -i FILE/);
    assert.equal(r2.result.format, 'trace-cmd');
  });

  it('randomly damaged fixtures never throw (seeded byte flips, deletions, cut-offs)', async function () {
    this.timeout(60000);
    const next = rng(7);
    for (const name of fixtureFiles()) {
      const base = fixture(name);
      for (let round = 0; round < 20; round++) {
        const bytes = Uint8Array.from(base);
        const flips = 1 + Math.floor(next() * 40);
        for (let i = 0; i < flips; i++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
        const cut = Math.floor(next() * bytes.length);
        const data = next() < 0.5 ? bytes.subarray(0, cut) : bytes;
        const r = await run(name, data, 1 + Math.floor(next() * 512));
        for (const w of r.warnings) assert.ok(Number.isInteger(w.line) && w.line >= 1 && typeof w.message === 'string');
        for (const x of r.records) assert.ok(Number.isFinite(x.timeNs) && typeof x.reasonName === 'string' && x.reasonName !== '');
      }
    }
  });
});
