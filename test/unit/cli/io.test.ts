import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileSource, ProgressBar, PROGRESS_INTERVAL_MS, READ_CHUNK_BYTES, withProgress } from '../../../src/cli/io';
import { memorySource } from '../../../src/core/io/byteSource';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { write: (s: string) => writes.push(s), isTTY, columns: 100 } };
}

describe('ProgressBar', () => {
  it('draws nothing when stderr is not a terminal', () => {
    const { writes, out } = sink(false);
    let t = 0;
    const bar = new ProgressBar(out, 'reading x', 1000, () => t);
    for (t = 0; t < 5000; t += 50) bar.update(t / 5);
    bar.done();
    assert.deepEqual(writes, []);
    assert.equal(bar.enabled, false);
  });

  it('draws at most 5 times a second, nothing in the first 200 ms, and clears its line at the end', () => {
    const { writes, out } = sink(true);
    let t = 1000;
    const bar = new ProgressBar(out, 'reading x', 10_000_000, () => t);
    // 2 s of updates every 10 ms: 200 updates → draws at 200, 400, …, 2000 ms = 10 draws.
    for (let i = 1; i <= 200; i++) {
      t = 1000 + i * 10;
      bar.update(i * 50_000);
    }
    bar.done();
    assert.equal(PROGRESS_INTERVAL_MS, 200);
    assert.equal(writes.length, 11);
    assert.equal(writes[10], '\r\x1b[K');
    assert.ok(writes.slice(0, 10).every((w) => w.startsWith('\r') && w.endsWith('\x1b[K')));
  });

  it('renders percentage, bytes and rate', () => {
    const { out } = sink(true);
    const bar = new ProgressBar(out, 'reading big.txt', 200_000_000, () => 0);
    // 50 MB of 200 MB after 0.5 s → 25 %, 100 MB/s; bar width min(40, 100 − label − tail − 6) = 40.
    assert.equal(bar.render(50_000_000, 500), `reading big.txt [${'#'.repeat(10)}${'.'.repeat(30)}]  25%  50.0/200.0 MB  100 MB/s`);
  });
});

describe('fs ByteSource', () => {
  it('streams a file in 1 MiB chunks with the exact bytes, and reports progress', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-io-'));
    try {
      const file = path.join(dir, 'f.bin');
      const data = Buffer.alloc(READ_CHUNK_BYTES * 2 + 123);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 255;
      fs.writeFileSync(file, data);
      const seen: number[] = [];
      const src = withProgress(fileSource(file), (n) => seen.push(n));
      assert.equal(src.name, file);
      assert.equal(await src.size(), data.length);
      const chunks: Uint8Array[] = [];
      for await (const c of src.chunks()) chunks.push(c);
      assert.deepEqual(
        chunks.map((c) => c.length),
        [READ_CHUNK_BYTES, READ_CHUNK_BYTES, 123],
      );
      assert.ok(Buffer.concat(chunks).equals(data));
      assert.deepEqual(seen, [READ_CHUNK_BYTES, 2 * READ_CHUNK_BYTES, data.length]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('withProgress passes memory sources through unchanged', async () => {
    const seen: number[] = [];
    const src = withProgress(memorySource('m', 'abcdef', 4), (n) => seen.push(n));
    let text = '';
    for await (const c of src.chunks()) text += Buffer.from(c).toString();
    assert.equal(text, 'abcdef');
    assert.deepEqual(seen, [4, 6]);
  });
});
