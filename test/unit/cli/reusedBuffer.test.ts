import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { summarizeSource } from '../../../src/core/analysis/summarize';
import { memorySource, type ByteSource } from '../../../src/core/io/byteSource';
import { fileSource } from '../../../src/cli/io';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

/**
 * Yields every chunk in one buffer that is overwritten with garbage as soon as the consumer asks for
 * the next one: a parser that keeps a view of a chunk instead of a copy gives different results.
 */
function scribblingSource(name: string, data: Uint8Array, chunk: number): ByteSource {
  return {
    name,
    size: async () => data.length,
    async *chunks() {
      const buf = new Uint8Array(chunk);
      for (let i = 0; i < data.length; i += chunk) {
        const n = Math.min(chunk, data.length - i);
        buf.set(data.subarray(i, i + n));
        yield buf.subarray(0, n);
        buf.fill(0x41);
      }
    },
  };
}

describe('CLI byte source with a reused buffer', () => {
  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.txt'))) {
    it(`${file}: the same summary when each chunk is overwritten after use`, async () => {
      const data = fs.readFileSync(path.join(FIXTURES, file));
      const expected = await summarizeSource(memorySource(file, data));
      for (const chunk of [7, 64, 4096]) {
        const got = await summarizeSource(scribblingSource(file, data, chunk));
        assert.deepStrictEqual(got, expected, `chunk ${chunk}`);
      }
    });
  }

  it('fileSource reads a file whole, in order, through one buffer', async () => {
    const file = path.join(FIXTURES, 'ftrace-kvm-kvmmmu-cr-access.lkml-2023-03-30-cr0wp.txt');
    const parts: Buffer[] = [];
    for await (const c of fileSource(file).chunks()) parts.push(Buffer.from(c));
    assert.deepStrictEqual(Buffer.concat(parts), fs.readFileSync(file));
  });
});
