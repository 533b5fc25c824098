/**
 * Real tools on a real ELF: guestSites.c (synthetic guest code) built with gcc -g -O0 in a foreign
 * build tree, symbolised through llvm-symbolizer AND addr2line (long-lived processes via the Node
 * runner), and through a System.map written from `nm -n`. Expected lines come from the SITE markers
 * of the C text, expected addresses from nm/objdump — never from the tools under test.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createDwarfResolver } from '../../../src/core/symbols/dwarfResolver';
import { nodeSymbolFileReader } from '../../../src/core/symbols/nodeSymbolFileReader';
import { createNodeToolRunner } from '../../../src/core/symbols/nodeToolRunner';
import { openSymbolSource } from '../../../src/core/symbols/openSymbolSource';
import { PathMapper, SourceLocator } from '../../../src/core/symbols/pathMapper';
import type { SymbolResolution } from '../../../src/core/symbols/symbolModel';
import type { SymbolizerTool } from '../../../src/core/symbols/symbolizerProtocol';
import { refusingToolRunner } from '../../../src/core/symbols/toolRunner';
import { buildGuestElf, GUEST_SOURCE_REL, hexOf, REPO_ROOT, type GuestElf } from './guestElf';

describe('symbols on a real ELF (gcc -g -O0, llvm-symbolizer, addr2line, nm)', function () {
  this.timeout(60_000);
  let g: GuestElf;
  // The workspace is this repository: the built source is found again by longest suffix.
  const locator = () => new SourceLocator({ mapper: new PathMapper([GUEST_SOURCE_REL, 'test/fixtures/other/guestSites.h', 'README.md'], REPO_ROOT), workspaceRoot: REPO_ROOT });

  before(() => {
    g = buildGuestElf();
  });
  after(() => g?.remove());

  const expectLine = (r: SymbolResolution | undefined, line: number, symbol: string, offset: bigint) => {
    assert.ok(r, 'resolution present');
    assert.equal(r.precision, 'line');
    assert.equal(r.file, GUEST_SOURCE_REL);
    assert.equal(r.recordedFile, g.builtSource);
    assert.equal(r.line, line);
    assert.equal(r.symbol, symbol);
    assert.equal(r.offset, Number(offset));
  };

  for (const tool of ['llvm-symbolizer', 'addr2line'] as SymbolizerTool[]) {
    it(`${tool}: exit instructions and function entries resolve to the right file:line`, async () => {
      const resolver = createDwarfResolver({ objectPath: g.elf, runner: createNodeToolRunner(), tools: [tool], locator: locator() });
      try {
        const rips = {
          cpuid: hexOf(g.insn.cpuid),
          cpuidEntry: hexOf(g.fn.guest_cpuid),
          cr3: hexOf(g.insn.cr3),
          hlt: hexOf(g.insn.hlt),
          outb: hexOf(g.insn.outb),
          nothing: '0x0',
        };
        const res = await resolver.resolve(Object.values(rips));
        assert.deepEqual(res.messages, []);
        assert.equal(resolver.description, `${g.elf} (${tool})`);
        const at = (k: keyof typeof rips) => res.resolutions.get(rips[k]);
        expectLine(at('cpuid'), g.lines.cpuid, 'guest_cpuid', g.insn.cpuid - g.fn.guest_cpuid);
        expectLine(at('cpuidEntry'), g.lines.cpuid_entry, 'guest_cpuid', 0n);
        expectLine(at('cr3'), g.lines.cr3, 'guest_write_cr3', g.insn.cr3 - g.fn.guest_write_cr3);
        expectLine(at('hlt'), g.lines.hlt, 'guest_halt', g.insn.hlt - g.fn.guest_halt);
        // always_inline io_delay(): the line is inside the helper, the symbol is the real function.
        expectLine(at('outb'), g.lines.outb_inlined, 'guest_udelay', g.insn.outb - g.fn.guest_udelay);
        assert.deepEqual(at('outb')!.inlined, [{ function: 'io_delay', callFile: GUEST_SOURCE_REL, callLine: g.lines.io_delay_call }]);
        assert.deepEqual(at('nothing'), { rip: '0x0', precision: 'none' });
      } finally {
        resolver.dispose();
      }
    });
  }

  it('with only a System.map (from nm -n), resolves to symbol+offset', async () => {
    const mapPath = path.join(g.dir, 'System.map');
    fs.writeFileSync(mapPath, g.nmText);
    const resolver = await openSymbolSource(mapPath, { reader: nodeSymbolFileReader, runner: refusingToolRunner('not needed for a listing') });
    const rips = [g.insn.cpuid, g.insn.outb, g.fn.guest_halt, g.guestSink].map(hexOf);
    const res = await resolver.resolve(rips);
    assert.deepEqual(res.messages, []);
    assert.deepEqual(res.resolutions.get(rips[0]), { rip: rips[0], precision: 'symbol', symbol: 'guest_cpuid', offset: Number(g.insn.cpuid - g.fn.guest_cpuid) });
    assert.deepEqual(res.resolutions.get(rips[1]), { rip: rips[1], precision: 'symbol', symbol: 'guest_udelay', offset: Number(g.insn.outb - g.fn.guest_udelay) });
    assert.deepEqual(res.resolutions.get(rips[2]), { rip: rips[2], precision: 'symbol', symbol: 'guest_halt', offset: 0 });
    assert.deepEqual(res.resolutions.get(rips[3]), { rip: rips[3], precision: 'none' }); // guest_sink is bss, not code
  });

  it('openSymbolSource sniffs the ELF and symbolises it with the default tools', async () => {
    const resolver = await openSymbolSource(g.elf, { reader: nodeSymbolFileReader, runner: createNodeToolRunner(), locator: locator(), displayName: 'guest.elf' });
    try {
      const rip = hexOf(g.insn.hlt);
      const res = await resolver.resolve([rip]);
      assert.equal(res.resolutions.get(rip)!.line, g.lines.hlt);
      assert.equal(resolver.description, 'guest.elf (llvm-symbolizer)');
    } finally {
      resolver.dispose();
    }
  });

  it('a missing ELF gives one clear message and no tool run', async () => {
    let started = 0;
    const runner = { start: (c: string, a: readonly string[]) => (started++, createNodeToolRunner().start(c, a)) };
    const resolver = await openSymbolSource(path.join(g.dir, 'vmlinux'), { reader: nodeSymbolFileReader, runner, displayName: 'build/vmlinux' });
    const res = await resolver.resolve(['0xffffffff81000000', '0xffffffff81000010', '0xffffffff81000020']);
    assert.deepEqual(res.messages, [{ severity: 'error', file: 'build/vmlinux', message: 'Symbol file build/vmlinux not found.' }]);
    assert.deepEqual([...res.resolutions.values()].map((r) => r.precision), ['none', 'none', 'none']);
    assert.equal(started, 0);
  });

  it('a missing tool (explicit path) gives one clear message for all RIPs', async () => {
    const resolver = createDwarfResolver({ objectPath: g.elf, displayName: 'guest.elf', runner: createNodeToolRunner(), symbolizerPath: path.join(g.dir, 'no-such-llvm-symbolizer') });
    const res = await resolver.resolve([hexOf(g.insn.cpuid), hexOf(g.insn.hlt)]);
    assert.equal(res.messages.length, 1);
    assert.match(res.messages[0].message, /^Cannot symbolise guest\.elf: the symbolizer ".*no-such-llvm-symbolizer" was not found \(setting exitlens\.symbolizer\.path\)\.$/);
    resolver.dispose();
  });

  it('untrusted mode: the ELF stays unresolved with one message saying why', async () => {
    const resolver = await openSymbolSource(g.elf, { reader: nodeSymbolFileReader, runner: refusingToolRunner('the workspace is not trusted'), displayName: 'guest.elf' });
    const res = await resolver.resolve([hexOf(g.insn.cpuid), hexOf(g.insn.hlt)]);
    assert.deepEqual(res.messages.map((m) => m.message), ['Sites left unresolved: not running llvm-symbolizer on guest.elf (the workspace is not trusted).']);
    assert.deepEqual([...res.resolutions.values()].map((r) => r.precision), ['none', 'none']);
  });
});
