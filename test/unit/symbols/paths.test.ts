/** Path helpers and the PathMapper (longest-suffix match of debug-info paths onto workspace files). */
import { strict as assert } from 'assert';
import { PathMapper, SourceLocator } from '../../../src/core/symbols/pathMapper';
import { dirnamePath, joinPath, normalizePath, relativeToRoot } from '../../../src/core/symbols/pathUtil';

describe('symbols/pathUtil', () => {
  it('normalises separators, dots and repeated slashes', () => {
    assert.equal(normalizePath('C:\\build\\linux\\.\\arch\\..\\mm\\\\x.c'), 'C:/build/linux/mm/x.c');
    assert.equal(normalizePath('/a/b/../../../c/'), '/c');
    assert.equal(normalizePath('../x/./y'), '../x/y');
    assert.equal(normalizePath('a/..'), '.');
  });
  it('joins, takes folders and relativises against a root', () => {
    assert.equal(joinPath('/ws/traces', '../samples/w.c'), '/ws/samples/w.c');
    assert.equal(joinPath('/ws/traces', '/abs/w.c'), '/abs/w.c');
    assert.equal(dirnamePath('/ws/t.syms.json'), '/ws');
    assert.equal(dirnamePath('/t.syms.json'), '/');
    assert.equal(dirnamePath('t.syms.json'), '.');
    assert.equal(relativeToRoot('/ws/', '/ws/src/a.c'), 'src/a.c');
    assert.equal(relativeToRoot('/ws', '/wsx/a.c'), undefined);
    assert.equal(relativeToRoot('/ws', '../a.c'), undefined);
  });
});

describe('symbols/PathMapper', () => {
  const files = ['arch/x86/kvm/mmu/mmu.c', 'arch/x86/kvm/mmu.c', 'arch/x86/kernel/head_64.S', 'tools/a/main.c', 'tools/b/main.c', 'src/util.c'];

  it('maps a build-machine path onto the workspace file with the longest matching suffix', () => {
    const m = new PathMapper(files, '/home/me/linux');
    assert.deepEqual(m.map('/build/linux-6.1/arch/x86/kvm/mmu/mmu.c'), { kind: 'suffix', path: 'arch/x86/kvm/mmu/mmu.c', matched: 5 });
    assert.deepEqual(m.map('/build/linux-6.1/arch/x86/kvm/mmu.c'), { kind: 'suffix', path: 'arch/x86/kvm/mmu.c', matched: 4 });
    assert.deepEqual(m.map('D:\\src\\util.c'), { kind: 'suffix', path: 'src/util.c', matched: 2 });
  });

  it('maps paths inside the workspace root exactly', () => {
    const m = new PathMapper(files, '/home/me/linux');
    assert.deepEqual(m.map('/home/me/linux/arch/x86/kvm/mmu.c'), { kind: 'exact', path: 'arch/x86/kvm/mmu.c' });
    assert.deepEqual(m.map('arch/x86/kernel/head_64.S'), { kind: 'exact', path: 'arch/x86/kernel/head_64.S' });
  });

  it('refuses to guess between equally good candidates', () => {
    const m = new PathMapper(files);
    assert.deepEqual(m.map('/elsewhere/main.c'), { kind: 'ambiguous', matched: 1, candidates: ['tools/a/main.c', 'tools/b/main.c'] });
    assert.deepEqual(m.map('/elsewhere/tools/b/main.c'), { kind: 'suffix', path: 'tools/b/main.c', matched: 3 });
    assert.equal(m.mapOrKeep('/elsewhere/main.c'), '/elsewhere/main.c');
  });

  it('gives none when no workspace file has the name', () => {
    const m = new PathMapper(files);
    assert.deepEqual(m.map('/build/fs/exec.c'), { kind: 'none' });
    assert.equal(m.fileCount, 6);
  });

  it('SourceLocator collects the paths it could not place, once each', () => {
    const loc = new SourceLocator({ mapper: new PathMapper(files), workspaceRoot: '/ws' });
    assert.equal(loc.locate('/b/arch/x86/kvm/mmu.c'), 'arch/x86/kvm/mmu.c');
    assert.equal(loc.locate('/b/fs/exec.c'), '/b/fs/exec.c');
    assert.equal(loc.locate('/b/fs/exec.c'), '/b/fs/exec.c');
    assert.equal(loc.locate('exec.c', '/b/fs'), 'exec.c', 'a relative path that is not found stays as recorded');
    assert.deepEqual(loc.takeMissed(), ['/b/fs/exec.c']);
    assert.deepEqual(loc.takeMissed(), []);
  });
});
