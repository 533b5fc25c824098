/**
 * ExitLens `.syms.json` (docs/trace-format.md, version 1): RIP → exact file:line and symbol+offset.
 * The symbol files here are SYNTHETIC, written by hand in the documented format.
 */
import { strict as assert } from 'assert';
import { PathMapper, SourceLocator } from '../../../src/core/symbols/pathMapper';
import { parseSymsFile } from '../../../src/core/symbols/symsFileParser';
import { createSymsFileResolver } from '../../../src/core/symbols/symsFileResolver';

const SYMS = JSON.stringify({
  exitlens: 'symbols',
  version: 1,
  symbols: [
    { name: 'forkwait', addr: '0x401000', size: 4096 },
    { name: 'child', addr: '0x402000', size: 256 },
  ],
  lines: [
    { addr: '0x401000', size: 16, file: 'samples/workloads.c', line: 42 },
    { addr: '0x401010', size: 8, file: 'samples/workloads.c', line: 43 },
    { addr: '0x402000', size: 4, file: '../lib/child.c', line: 7 },
  ],
});

const SYMS_PATH = '/ws/traces/forkwait-shadow.syms.json';

async function resolveAll(text: string, locator: SourceLocator, rips: string[]) {
  const syms = parseSymsFile(text, SYMS_PATH);
  assert.equal(syms.ok, true);
  const resolver = createSymsFileResolver(syms, { symsPath: SYMS_PATH, locator });
  return resolver.resolve(rips);
}

describe('symbols/syms.json', () => {
  it('maps RIPs to the exact file:line of the range holding them, with symbol+offset', async () => {
    const locator = new SourceLocator({ mapper: new PathMapper(['traces/samples/workloads.c', 'lib/child.c'], '/ws'), workspaceRoot: '/ws' });
    const res = await resolveAll(SYMS, locator, ['0x401000', '0x40100f', '0x401010', '0x402003']);
    assert.deepEqual(res.resolutions.get('0x401000'), {
      rip: '0x401000', precision: 'line', symbol: 'forkwait', offset: 0, file: 'traces/samples/workloads.c', line: 42, recordedFile: 'samples/workloads.c',
    });
    assert.equal(res.resolutions.get('0x40100f')!.line, 42); // last byte of the 16-byte range
    assert.equal(res.resolutions.get('0x40100f')!.offset, 15);
    assert.equal(res.resolutions.get('0x401010')!.line, 43);
    assert.equal(res.resolutions.get('0x401010')!.offset, 16);
    // `../lib/child.c` is relative to the symbol file's folder /ws/traces → /ws/lib/child.c.
    assert.deepEqual(res.resolutions.get('0x402003'), {
      rip: '0x402003', precision: 'line', symbol: 'child', offset: 3, file: 'lib/child.c', line: 7, recordedFile: '../lib/child.c',
    });
    assert.deepEqual(res.messages, []);
  });

  it('falls back to symbol+offset between line ranges and to none outside every symbol', async () => {
    const res = await resolveAll(SYMS, new SourceLocator(), ['0x401018', '0x402004', '0x402100', '0x400fff']);
    assert.deepEqual(res.resolutions.get('0x401018'), { rip: '0x401018', precision: 'symbol', symbol: 'forkwait', offset: 0x18 });
    assert.deepEqual(res.resolutions.get('0x402004'), { rip: '0x402004', precision: 'symbol', symbol: 'child', offset: 4 });
    assert.deepEqual(res.resolutions.get('0x402100'), { rip: '0x402100', precision: 'none' }); // 0x402000 + 256
    assert.deepEqual(res.resolutions.get('0x400fff'), { rip: '0x400fff', precision: 'none' });
  });

  it('finds the source by longest suffix when it is not beside the symbol file, and says once which files it could not find', async () => {
    const locator = new SourceLocator({ mapper: new PathMapper(['samples/workloads.c', 'other/readme.md'], '/ws'), workspaceRoot: '/ws' });
    const res = await resolveAll(SYMS, locator, ['0x401000', '0x401010', '0x402000']);
    assert.equal(res.resolutions.get('0x401000')!.file, 'samples/workloads.c');
    assert.equal(res.resolutions.get('0x401010')!.file, 'samples/workloads.c');
    assert.equal(res.resolutions.get('0x402000')!.file, '/ws/lib/child.c');
    assert.equal(res.messages.length, 1);
    assert.equal(res.messages[0].severity, 'info');
    assert.match(res.messages[0].message, /1 source file not found in the workspace \(\/ws\/lib\/child\.c\)/);
  });

  it('without a workspace file list, keeps paths relative to the workspace root', async () => {
    const res = await resolveAll(SYMS, new SourceLocator({ workspaceRoot: '/ws' }), ['0x401000']);
    assert.equal(res.resolutions.get('0x401000')!.file, 'traces/samples/workloads.c');
  });

  it('canonicalises RIPs and answers each distinct RIP once', async () => {
    const res = await resolveAll(SYMS, new SourceLocator(), ['0x0000401010', '0x401010', '0X401010']);
    assert.deepEqual([...res.resolutions.keys()], ['0x401010']);
  });

  it('refuses what it cannot read with one error naming the file (and the line for bad JSON)', () => {
    const bad = parseSymsFile('{"exitlens":"symbols",\n"version":1,\n"symbols": [ }', 'x.syms.json');
    assert.equal(bad.ok, false);
    assert.equal(bad.messages.length, 1);
    assert.equal(bad.messages[0].line, 3);
    assert.match(bad.messages[0].message, /^x\.syms\.json:3: not valid JSON/);

    const wrongKind = parseSymsFile('{"exitlens":"trace","version":1}', 'a.json');
    assert.match(wrongKind.messages[0].message, /a\.json: not an ExitLens symbol file/);

    const newer = parseSymsFile('{"exitlens":"symbols","version":2}', 'b.syms.json');
    assert.equal(newer.ok, false);
    assert.match(newer.messages[0].message, /version 2 is newer than this ExitLens reads \(1\)/);
  });

  it('skips malformed entries with one warning that counts them', async () => {
    const text = JSON.stringify({
      exitlens: 'symbols',
      version: 1,
      symbols: [{ name: 'f', addr: '0x1000', size: 16 }, { name: 'g', addr: 'zzz', size: 4 }],
      lines: [{ addr: '0x1000', size: 4, file: 'a.c', line: 0 }, { addr: '0x1004', size: 4, file: 'a.c', line: 5 }],
    });
    const syms = parseSymsFile(text, 'c.syms.json');
    assert.equal(syms.ok, true);
    assert.equal(syms.messages.length, 1);
    assert.match(syms.messages[0].message, /^c\.syms\.json: symbols\[1\] needs "name", "addr".*\(and 1 more entry skipped\)$/);
    const res = await createSymsFileResolver(syms, { symsPath: '/p/c.syms.json' }).resolve(['0x1000', '0x1005']);
    assert.equal(res.resolutions.get('0x1000')!.precision, 'symbol'); // its line entry was rejected (line 0)
    assert.equal(res.resolutions.get('0x1005')!.file, '/p/a.c');
    assert.equal(res.resolutions.get('0x1005')!.line, 5);
  });
});
