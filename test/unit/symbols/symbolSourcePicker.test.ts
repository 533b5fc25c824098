/** `exitlens.symbolFiles` (glob → file) and the trace header's symbol file → which source to open. */
import { strict as assert } from 'assert';
import { matchGlob } from '../../../src/core/symbols/globMatcher';
import { guessSymbolSourceKind, pickSymbolSource, pickSymbolSources } from '../../../src/core/symbols/symbolSourcePicker';

describe('symbols/globMatcher', () => {
  const cases: [string, string, boolean][] = [
    ['traces/*.perf.txt', 'traces/a.perf.txt', true],
    ['traces/*.perf.txt', 'traces/sub/a.perf.txt', false],
    ['traces/**/*.perf.txt', 'traces/a.perf.txt', true],
    ['traces/**/*.perf.txt', 'traces/x/y/a.perf.txt', true],
    ['**/*.exittrace', 'a.exittrace', true],
    ['**/*.exittrace', 'deep/er/a.exittrace', true],
    ['**', 'any/thing', true],
    ['run-?.txt', 'run-1.txt', true],
    ['run-?.txt', 'run-12.txt', false],
    ['run-[0-4].txt', 'run-3.txt', true],
    ['run-[!0-4].txt', 'run-7.txt', true],
    ['run-[!0-4].txt', 'run-3.txt', false],
    ['*.{perf.txt,exitlens.jsonl}', 'a.exitlens.jsonl', true],
    ['*.{perf.txt,exitlens.jsonl}', 'a.jsonl', false],
    ['a+b (1).txt', 'a+b (1).txt', true],
    ['a.txt', 'abtxt', false],
    ['{unclosed', '{unclosed', true],
    ['{a,b', 'a', false],
  ];
  for (const [pattern, path, want] of cases) {
    it(`${pattern} ${want ? 'matches' : 'does not match'} ${path}`, () => assert.equal(matchGlob(pattern, path), want));
  }
});

describe('symbols/symbolSourcePicker', () => {
  const mapping = {
    'traces/kernel/*.perf.txt': 'build/vmlinux',
    'traces/kernel/boot-*.perf.txt': 'build/System.map',
    '*.trace.txt': '${workspaceFolder}/guest/app.elf',
    '/abs/traces/*.txt': '/opt/guest/kallsyms',
  };

  it('picks the setting whose glob matches the workspace-relative trace path', () => {
    assert.deepEqual(pickSymbolSource(mapping, 'traces/kernel/run1.perf.txt', '/ws'), {
      path: '/ws/build/vmlinux', kind: 'elf', origin: 'setting', pattern: 'traces/kernel/*.perf.txt',
    });
    assert.deepEqual(pickSymbolSource(mapping, '/ws/traces/kernel/run1.perf.txt', '/ws/'), {
      path: '/ws/build/vmlinux', kind: 'elf', origin: 'setting', pattern: 'traces/kernel/*.perf.txt',
    });
  });

  it('orders several matches by precision: DWARF before a listing, whatever the setting order', () => {
    const listingFirst = { 'traces/kernel/boot-*.perf.txt': 'build/System.map', 'traces/kernel/*.perf.txt': 'build/vmlinux' };
    const all = pickSymbolSources(listingFirst, 'traces/kernel/boot-1.perf.txt', '/ws');
    assert.deepEqual(all.map((c) => [c.path, c.kind]), [['/ws/build/vmlinux', 'elf'], ['/ws/build/System.map', 'map']]);
  });

  it('lets a glob without a slash match the file name in any folder, and expands ${workspaceFolder}', () => {
    assert.equal(pickSymbolSource(mapping, 'runs/2024/app.trace.txt', '/ws')?.path, '/ws/guest/app.elf');
  });

  it('matches absolute globs against the absolute trace path', () => {
    assert.deepEqual(pickSymbolSource(mapping, '/abs/traces/x.txt', '/ws'), {
      path: '/opt/guest/kallsyms', kind: 'map', origin: 'setting', pattern: '/abs/traces/*.txt',
    });
  });

  it('puts the symbol file a simulated trace names in its header first, relative to the trace', () => {
    const all = pickSymbolSources(mapping, 'traces/kernel/sim.perf.txt', '/ws', { traceSymbols: 'sim-shadow.syms.json' });
    assert.deepEqual(all.map((c) => [c.path, c.origin]), [['/ws/traces/kernel/sim-shadow.syms.json', 'trace-header'], ['/ws/build/vmlinux', 'setting']]);
  });

  it('returns nothing when no glob matches and no header names a file', () => {
    assert.equal(pickSymbolSource(mapping, 'other/x.perf.txt', '/ws'), undefined);
    assert.equal(pickSymbolSource(undefined, 'other/x.perf.txt', '/ws'), undefined);
    assert.equal(pickSymbolSource({ '': 'x', 'a/*': '  ' }, 'a/b', '/ws'), undefined);
  });

  it('guesses the kind from the name', () => {
    assert.equal(guessSymbolSourceKind('/x/forkwait.syms.json'), 'syms');
    assert.equal(guessSymbolSourceKind('/boot/System.map-6.1.0-13-amd64'), 'map');
    assert.equal(guessSymbolSourceKind('kallsyms.copy'), 'map');
    assert.equal(guessSymbolSourceKind('guest.nm'), 'map');
    assert.equal(guessSymbolSourceKind('/build/vmlinux'), 'elf');
  });
});
