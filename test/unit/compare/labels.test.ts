import * as assert from 'assert';
import { baseName, buildFromName, labelTraces, pagingFromName } from '../../../src/core/compare/labels';

describe('trace labels', () => {
  it('reads the paging mode from the words people put in capture names', () => {
    assert.strictEqual(pagingFromName('/tmp/kbuild-ept.perf.txt'), 'ept');
    assert.strictEqual(pagingFromName('kbuild_shadow.trace.txt'), 'shadow');
    assert.strictEqual(pagingFromName('run-noept.txt'), 'shadow', 'noept contains "ept" but means shadow');
    assert.strictEqual(pagingFromName('host2-ept=0.log'), 'shadow');
    assert.strictEqual(pagingFromName('amd-npt.exitlens.jsonl'), 'ept');
    assert.strictEqual(pagingFromName('kept-logs.txt'), undefined, 'a word must stand alone');
    assert.strictEqual(pagingFromName('trace.txt'), undefined);
  });

  it('strips folders, trace extensions and the paging word to name the build', () => {
    assert.strictEqual(baseName('a/b/forkwait-shadow.perf.txt'), 'forkwait-shadow');
    assert.strictEqual(buildFromName('a/b/forkwait-shadow.perf.txt'), 'forkwait');
    assert.strictEqual(buildFromName('v2_ept.exitlens.jsonl'), 'v2');
    assert.strictEqual(buildFromName('ept.txt'), 'ept', 'a name that is only a paging word stays as it is');
  });

  it('prefers an explicit label, then the simulator header, then the file name; duplicates are numbered', () => {
    const labels = labelTraces([
      { file: 'x/run.txt', label: 'before' },
      { file: 'y/forkwait-ept.perf.txt', meta: { simulated: true, workload: 'forkwait', paging: 'ept' } },
      { file: 'z/run.txt' },
      { file: 'w/run.txt' },
    ]);
    assert.deepStrictEqual(labels.map((l) => l.label), ['before', 'forkwait · ept', 'run', 'run #2']);
    assert.deepStrictEqual(labels.map((l) => l.paging), [undefined, 'ept', undefined, undefined]);
  });
});
