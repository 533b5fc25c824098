/** Which index file a document is: relative key, absolute key, or the longest recorded-path suffix. */
import { strict as assert } from 'assert';
import { fileKeyCandidates, matchFileKey } from '../../../src/extension/annotations/fileKeys';

/** SYNTHETIC index keys: a mapped file, an absolute recorded path, a recorded relative path kept as is. */
const files = { 'src/a.c': {}, '/build/linux/mm/memory.c': {}, 'samples/workloads.c': {}, 'workloads.c': {} };
const index = { files, file: (k: string) => (Object.prototype.hasOwnProperty.call(files, k) ? ({} as never) : undefined) } as never;

describe('annotations: document → index file key', () => {
  it('tries the workspace-relative path first, then the absolute one', () => {
    assert.deepEqual(fileKeyCandidates('/ws/src/a.c', '/ws'), ['src/a.c', '/ws/src/a.c']);
    assert.deepEqual(fileKeyCandidates('/elsewhere/a.c', '/ws'), ['/elsewhere/a.c']);
    assert.deepEqual(fileKeyCandidates('/ws/x/../src/a.c', undefined), ['/ws/src/a.c']);
    assert.equal(matchFileKey(index, '/ws/src/a.c', '/ws'), 'src/a.c');
    assert.equal(matchFileKey(index, '/build/linux/mm/memory.c', '/ws'), '/build/linux/mm/memory.c');
  });

  it('falls back to the longest recorded relative path that ends the document path at a component boundary', () => {
    // Both `samples/workloads.c` and `workloads.c` end the path: the longer (more specific) wins.
    assert.equal(matchFileKey(index, '/ws/sim/samples/workloads.c', '/ws'), 'samples/workloads.c');
    assert.equal(matchFileKey(index, '/ws/other/workloads.c', '/ws'), 'workloads.c');
    // `myworkloads.c` is not `workloads.c`; absolute keys never match by suffix.
    assert.equal(matchFileKey(index, '/ws/myworkloads.c', '/ws'), undefined);
    assert.equal(matchFileKey(index, '/ws/copy/build/linux/mm/memory.c', '/ws'), undefined);
  });
});
