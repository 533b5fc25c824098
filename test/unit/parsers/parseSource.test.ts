/**
 * parseSource: detection over chunked heads, progress, cancellation, explicit format, line counts.
 */
import { strict as assert } from 'assert';
import { CancelledError, memorySource, type ByteSource } from '../../../src/core/io/byteSource';
import type { ExitRecord } from '../../../src/core/model/exit';
import { createParser, parseSource } from '../../../src/core/parsers/index';
import { fixture } from './helpers';

const sink = (records: ExitRecord[] = []) => ({ exit: (r: ExitRecord) => records.push(r), warning: () => undefined });

describe('parseSource', () => {
  it('detects the format even when the source yields one byte at a time', async () => {
    const bytes = fixture('trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt');
    const records: ExitRecord[] = [];
    const result = await parseSource(memorySource('t.txt', bytes, 1), sink(records));
    assert.deepEqual(result, { format: 'trace-cmd', bytes: bytes.length, lines: 32 });
    assert.equal(records.length, 7);
  });

  it('reads past a head of 64 KiB of prose', async () => {
    const prose = 'This paragraph is not a trace.\n'.repeat(3000);
    const text = prose + '  q-1 [000] d... 1.000001: kvm_exit: reason HLT rip 0x1 info 0 0\n  q-1 [000] d... 1.000003: kvm_entry: vcpu 0\n';
    const records: ExitRecord[] = [];
    const warnings: string[] = [];
    const result = await parseSource(memorySource('long.txt', text), { exit: (r) => records.push(r), warning: (w) => warnings.push(w.message) });
    assert.equal(records.length, 1);
    assert.equal(records[0].line, 3001);
    assert.deepEqual(warnings, []);
    assert.equal(result.format, 'ftrace');
  });

  it('uses the given format without detecting', async () => {
    const records: ExitRecord[] = [];
    const result = await parseSource(memorySource('x', 'kvm_exit: reason HLT rip 0x1\n'), sink(records), { format: 'perf-script' });
    assert.equal(result.format, 'perf-script');
    assert.equal(records.length, 1);
  });

  it('reports progress, ending with the total', async () => {
    const bytes = fixture('ftrace-kvm-kvmmmu-cr-access.lkml-2023-03-30-cr0wp.txt');
    const calls: Array<[number, number | undefined]> = [];
    await parseSource(memorySource('p', bytes, 1000), sink(), { onProgress: (b, t) => calls.push([b, t]) });
    assert.ok(calls.length >= 1 && calls.length <= 13);
    assert.deepEqual(calls[calls.length - 1], [bytes.length, bytes.length]);
  });

  it('throws CancelledError when the signal fires, between chunks', async () => {
    const signal = { cancelled: false };
    let chunks = 0;
    const source: ByteSource = {
      name: 'c',
      size: async () => undefined,
      async *chunks() {
        for (;;) {
          chunks++;
          if (chunks === 3) signal.cancelled = true;
          yield new TextEncoder().encode('kvm_exit: reason HLT rip 0x1\n');
        }
      },
    };
    await assert.rejects(parseSource(source, sink(), { signal }), CancelledError);
    assert.equal(chunks, 3);
  });

  it('createParser gives the same records as parseSource', async () => {
    const bytes = fixture('synthetic-perf-script-ns-mixed.txt');
    const a: ExitRecord[] = [];
    await parseSource(memorySource('a', bytes), sink(a));
    const b: ExitRecord[] = [];
    const p = createParser('perf-script', sink(b));
    p.push(bytes);
    p.end();
    assert.deepEqual(b, a);
  });
});
