/**
 * Gzip-compressed traces through parseSource: the same records as the plain text, progress in
 * compressed bytes, and a cut or damaged archive as a warning after whatever decoded before it.
 */
import { strict as assert } from 'assert';
import { gzipSync } from 'zlib';
import { memorySource } from '../../../src/core/io/byteSource';
import { isGzip } from '../../../src/core/io/gzip';
import type { ExitRecord } from '../../../src/core/model/exit';
import { parseSource } from '../../../src/core/parsers/index';
import { fixture } from './helpers';

const NAME = 'trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt';

async function read(bytes: Uint8Array, chunkSize: number) {
  const records: ExitRecord[] = [];
  const warnings: string[] = [];
  const progress: Array<[number, number | undefined]> = [];
  const result = await parseSource(memorySource('t.gz', bytes, chunkSize), { exit: (r) => records.push(r), warning: (w) => warnings.push(`${w.line}: ${w.message}`) }, { onProgress: (b, t) => progress.push([b, t]) });
  return { result, records, warnings, progress };
}

describe('gzip-compressed traces', () => {
  const plain = fixture(NAME);
  const packed = new Uint8Array(gzipSync(plain));

  it('recognises the gzip magic only', () => {
    assert.equal(isGzip(packed), true);
    assert.equal(isGzip(plain), false);
    assert.equal(isGzip(new Uint8Array([0x1f])), false);
  });

  for (const chunkSize of [1, 7, 1 << 16]) {
    it(`gives the records of the plain text (compressed chunks of ${chunkSize} bytes)`, async () => {
      const a = await read(plain, 1 << 16);
      const b = await read(packed, chunkSize);
      assert.ok(a.records.length > 0);
      assert.deepEqual(b.records, a.records);
      assert.deepEqual(b.warnings, a.warnings);
      assert.deepEqual(b.result, a.result);
      // Progress counts the file's (compressed) bytes and ends at its size.
      assert.deepEqual(b.progress[b.progress.length - 1], [packed.length, packed.length]);
    });
  }

  it('a cut archive: the records before the cut, then one warning naming the file', async () => {
    const whole = await read(plain, 1 << 16);
    const cut = await read(packed.subarray(0, Math.floor(packed.length * 0.8)), 100);
    assert.ok(cut.records.length > 0 && cut.records.length < whole.records.length, `${cut.records.length} of ${whole.records.length}`);
    // The same exits; the last one may have lost its kvm_entry (and so its host time) to the cut.
    const key = (r: ExitRecord) => [r.line, r.timeNs, r.reasonName, r.rip];
    assert.deepEqual(cut.records.map(key), whole.records.slice(0, cut.records.length).map(key));
    assert.deepEqual(cut.records.slice(0, -1), whole.records.slice(0, cut.records.length - 1));
    const gzipWarnings = cut.warnings.filter((w) => w.includes('gzip'));
    assert.equal(gzipWarnings.length, 1, cut.warnings.join('\n'));
    assert.match(gzipWarnings[0], /^\d+: t\.gz: gzip data is damaged or cut short after \d+ compressed bytes \(.+\); the rest is not read$/);
  });

  it('garbage after the magic: a warning, no exception', async () => {
    const r = await read(new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8]), 4);
    assert.equal(r.records.length, 0);
    assert.ok(r.warnings.some((w) => /^1: t\.gz: gzip data is damaged/.test(w)), r.warnings.join('\n'));
    assert.ok(!r.warnings.some((w) => w.includes('is empty')), r.warnings.join('\n'));
  });
});
