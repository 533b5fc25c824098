/**
 * Opening a symbol source by content, and chaining sources by precision. Files are SYNTHETIC and
 * served from memory through the SymbolFileReader interface.
 */
import { strict as assert } from 'assert';
import { chainResolvers, openSymbolSource, openSymbolSources, sniffSymbolSource, type SymbolFileReader } from '../../../src/core/symbols/openSymbolSource';
import { refusingToolRunner } from '../../../src/core/symbols/toolRunner';
import { FakeRunner, llvmJsonAnswer } from './fakeTools';

function memoryReader(files: Record<string, string | Uint8Array>): SymbolFileReader & { reads: string[] } {
  const reads: string[] = [];
  const get = (p: string): Uint8Array => {
    reads.push(p);
    const f = files[p];
    if (f === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
    return typeof f === 'string' ? new TextEncoder().encode(f) : f;
  };
  return { reads, readFile: async (p) => get(p), readHead: async (p, n) => get(p).subarray(0, n) };
}

const SYMS = JSON.stringify({
  exitlens: 'symbols', version: 1,
  symbols: [{ name: 'pgfault_loop', addr: '0x401000', size: 64 }],
  lines: [{ addr: '0x401000', size: 8, file: 'w.c', line: 10 }],
});
const MAP = '0000000000401000 T pgfault_loop\n0000000000401040 T other_fn\n';
const NO_TOOLS = refusingToolRunner('no tools in this test');

describe('symbols/openSymbolSource', () => {
  it('sniffs ELF magic, ExitLens symbol files and listings; refuses other binaries', () => {
    assert.equal(sniffSymbolSource(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])), 'elf');
    assert.equal(sniffSymbolSource(new TextEncoder().encode(' {"exitlens":"symbols","version":1}')), 'syms');
    assert.equal(sniffSymbolSource(new TextEncoder().encode('ffffffff81000000 T _text\n')), 'map');
    assert.equal(sniffSymbolSource(new Uint8Array([0x1f, 0x8b, 0x08, 0x00])), undefined); // gzip (vmlinuz)
    assert.equal(sniffSymbolSource(new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03])), undefined);
  });

  it('opens a .syms.json by content, whatever its name', async () => {
    const r = await openSymbolSource('/ws/t/symbols.data', { reader: memoryReader({ '/ws/t/symbols.data': SYMS }), runner: NO_TOOLS });
    const res = await r.resolve(['0x401004']);
    assert.deepEqual(res.resolutions.get('0x401004'), { rip: '0x401004', precision: 'line', symbol: 'pgfault_loop', offset: 4, file: '/ws/t/w.c', line: 10, recordedFile: 'w.c' });
  });

  it('gives one message for a missing file, a bad symbol file and a non-ELF binary', async () => {
    const reader = memoryReader({ '/x/bad.syms.json': '{"exitlens":"symbols","version":9}', '/x/bzImage': new Uint8Array([0x4d, 0x5a, 0, 0]) });
    const cases: [string, RegExp][] = [
      ['/x/missing.map', /^Symbol file \/x\/missing\.map not found\.$/],
      ['/x/bad.syms.json', /^\/x\/bad\.syms\.json: version 9 is newer/],
      ['/x/bzImage', /^\/x\/bzImage is neither an ELF file/],
    ];
    for (const [p, re] of cases) {
      const r = await openSymbolSource(p, { reader, runner: NO_TOOLS });
      const res = await r.resolve(['0x1', '0x2', '0x3']);
      assert.equal(res.messages.length, 1, p);
      assert.match(res.messages[0].message, re);
      assert.deepEqual([...res.resolutions.values()].map((x) => x.precision), ['none', 'none', 'none']);
    }
  });

  it('chains sources: each RIP keeps the most precise answer, later sources only see what is left', async () => {
    const reader = memoryReader({ '/s.syms.json': SYMS, '/System.map': MAP, '/vmlinux': new Uint8Array([0x7f, 0x45, 0x4c, 0x46]) });
    const runner = new FakeRunner({
      'llvm-symbolizer': { answer: (l) => llvmJsonAnswer(new Map([[0x401044n, [{ fn: 'other_fn', file: '/b/o.c', line: 3, start: 0x401040n }]]]), l) },
    });
    const r = await openSymbolSources(['/s.syms.json', '/vmlinux', '/System.map'], { reader, runner });
    const res = await r.resolve(['0x401004', '0x401010', '0x401044', '0x401048', '0x500000']);
    assert.deepEqual([...res.resolutions.values()].map((x) => [x.rip, x.precision, x.symbol, x.offset, x.line]), [
      ['0x401004', 'line', 'pgfault_loop', 4, 10],
      ['0x401010', 'symbol', 'pgfault_loop', 16, undefined],
      ['0x401044', 'line', 'other_fn', 4, 3],
      ['0x401048', 'symbol', 'other_fn', 8, undefined],
      ['0x500000', 'symbol', 'other_fn', 0x500000 - 0x401040, undefined], // open-ended last symbol
    ]);
    // The syms file placed 0x401004 on a line, so the tool was only asked about the other four.
    assert.deepEqual(runner.written('llvm-symbolizer'), ['0x401010', '0x401044', '0x401048', '0x500000']);
    assert.equal(r.description, '/s.syms.json + /vmlinux (llvm-symbolizer) + /System.map');
    r.dispose();
  });

  it('an empty chain resolves nothing and says nothing', async () => {
    const res = await chainResolvers([]).resolve(['0x00abc']);
    assert.deepEqual([...res.resolutions.values()], [{ rip: '0xabc', precision: 'none' }]);
    assert.deepEqual(res.messages, []);
  });
});
