/**
 * The long-lived symbolizer protocol and the DWARF resolver, against SCRIPTED fake tools (fakeTools.ts):
 * answer framing (addr2line sentinel, llvm JSON lines) with output cut at every byte offset, batching,
 * caching, fallback between tools, and the one-message rule for missing/refused/dying tools.
 */
import { strict as assert } from 'assert';
import { CancelledError } from '../../../src/core/io/byteSource';
import { createDwarfResolver } from '../../../src/core/symbols/dwarfResolver';
import { PathMapper, SourceLocator } from '../../../src/core/symbols/pathMapper';
import { addr2lineProtocol, llvmSymbolizerProtocol, protocolForCommand } from '../../../src/core/symbols/symbolizerProtocol';
import { SymbolizerFailure, SymbolizerSession } from '../../../src/core/symbols/symbolizerSession';
import { refusingToolRunner } from '../../../src/core/symbols/toolRunner';
import { addr2lineAnswer, FakeRunner, llvmJsonAnswer, type FakeTable } from './fakeTools';

// SYNTHETIC debug info: 0x1159 is inside poke() inlined into work() at line 12 (shape of a real -O2 build).
const TABLE: FakeTable = new Map([
  [0x1140n, [{ fn: 'work', file: '/build/src/i.c', line: 11, start: 0x1140n }]],
  [0x1159n, [
    { fn: 'poke', file: '/build/src/i.c', line: 6, start: 0x1150n },
    { fn: 'work', file: '/build/src/i.c', line: 12, start: 0x1140n },
  ]],
  [0x1163n, [{ fn: 'work', file: '/build/src/i.c', line: 13, start: 0x1140n }]],
]);
const NM = '0000000000001140 T work\n0000000000004010 B g\n';

describe('symbols/symbolizerSession (fake tools)', () => {
  it('frames addr2line answers with a sentinel, whatever byte the output is cut at', async () => {
    const addrs = [0x1159n, 0x1163n, 0x9999n];
    const whole = addrs.map((a) => addr2lineAnswer(TABLE, '0x' + a.toString(16))).join('') + addr2lineAnswer(TABLE, '0x0');
    for (let cut = 0; cut <= whole.length; cut++) {
      // The fake answers per write; cutting the concatenated reply at `cut` covers every split of every line.
      let consumed = 0;
      const runner = new FakeRunner({
        addr2line: {
          answer: (l) => addr2lineAnswer(TABLE, l),
          chunk: (t) => {
            const k = Math.max(0, Math.min(t.length, cut - consumed));
            consumed += t.length;
            return [t.slice(0, k), t.slice(k)].filter((p) => p !== '');
          },
        },
      });
      const s = new SymbolizerSession(runner, 'addr2line', addr2lineProtocol, 'guest.elf');
      const answers = await s.lookup(addrs);
      assert.deepEqual(answers, [
        { address: 0x1159n, frames: [{ function: 'poke', file: '/build/src/i.c', line: 6 }, { function: 'work', file: '/build/src/i.c', line: 12 }] },
        { address: 0x1163n, frames: [{ function: 'work', file: '/build/src/i.c', line: 13 }] },
        { address: 0x9999n, frames: [{}] },
      ], `cut at ${cut}`);
      s.dispose();
    }
  });

  it('reads llvm-symbolizer JSON lines, one per address, with function starts', async () => {
    const runner = new FakeRunner({ 'llvm-symbolizer': { answer: (l) => llvmJsonAnswer(TABLE, l), chunk: (t) => t.match(/[\s\S]{1,7}/g) ?? [] } });
    const s = new SymbolizerSession(runner, 'llvm-symbolizer', llvmSymbolizerProtocol, 'guest.elf');
    const [a, b] = await s.lookup([0x1163n, 0x7n]);
    assert.deepEqual(a, { address: 0x1163n, frames: [{ function: 'work', file: '/build/src/i.c', line: 13, column: 1, startAddress: 0x1140n }] });
    assert.deepEqual(b, { address: 0x7n, frames: [{}] });
    assert.deepEqual(runner.runs[0].args, ['--obj=guest.elf', '--output-style=JSON', '--functions=linkage', '--inlines', '--demangle']);
    s.dispose();
  });

  it('writes at most `window` batches ahead, one sentinel per batch, and keeps one process across lookups', async () => {
    const runner = new FakeRunner({ addr2line: { answer: (l) => addr2lineAnswer(TABLE, l) } });
    const s = new SymbolizerSession(runner, 'addr2line', addr2lineProtocol, 'guest.elf', { batchSize: 3, window: 2 });
    const addrs = Array.from({ length: 10 }, (_, i) => BigInt(0x2000 + i));
    const p = s.lookup(addrs);
    assert.equal(runner.runs[0].writes.length, 2); // before any answer: two batches of three
    const answers = await p;
    assert.deepEqual(answers.map((a) => a.address), addrs);
    const lines = runner.written('addr2line');
    assert.equal(lines.length, 10 + 4); // ten addresses, four batches, four sentinels
    assert.equal(lines.filter((l) => l === '0x0').length, 4);
    const again = await s.lookup([0x1140n]);
    assert.equal(again[0].frames[0].function, 'work');
    assert.equal(runner.runs.length, 1);
    s.dispose();
  });

  it('fails every pending lookup once when the tool dies, with its stderr', async () => {
    const runner = new FakeRunner({ addr2line: { answer: (l) => addr2lineAnswer(TABLE, l), dieAfter: { lines: 2, code: 1, stderr: "addr2line: 'guest.elf': No such file\n" } } });
    const s = new SymbolizerSession(runner, 'addr2line', addr2lineProtocol, 'guest.elf');
    await assert.rejects(s.lookup([0x1140n, 0x1159n, 0x1163n]), (e: unknown) => {
      assert.ok(e instanceof SymbolizerFailure);
      assert.equal(e.kind, 'failed');
      assert.equal(e.message, "addr2line exited with code 1: addr2line: 'guest.elf': No such file");
      return true;
    });
    await assert.rejects(s.lookup([0x1140n]), SymbolizerFailure); // sticky: not restarted
    assert.equal(runner.runs.length, 1);
  });

  it('times out when the tool stays silent', async () => {
    const runner = new FakeRunner({ 'llvm-symbolizer': { answer: () => undefined } });
    const s = new SymbolizerSession(runner, 'llvm-symbolizer', llvmSymbolizerProtocol, 'guest.elf', { timeoutMs: 30 });
    await assert.rejects(s.lookup([0x1n]), (e: unknown) => e instanceof SymbolizerFailure && e.kind === 'timeout');
    assert.equal(runner.runs[0].killed, true);
  });

  it('detects answers out of step with the questions', async () => {
    const runner = new FakeRunner({ addr2line: { answer: (l) => addr2lineAnswer(TABLE, l === '0x0' ? l : '0x1140') } });
    const s = new SymbolizerSession(runner, 'addr2line', addr2lineProtocol, 'guest.elf');
    await assert.rejects(s.lookup([0x1163n]), /answered for 0x1140 when 0x1163 was expected/);
  });

  it('stops at a batch boundary on cancellation and stays usable', async () => {
    const runner = new FakeRunner({ 'llvm-symbolizer': { answer: (l) => llvmJsonAnswer(TABLE, l) } });
    const s = new SymbolizerSession(runner, 'llvm-symbolizer', llvmSymbolizerProtocol, 'guest.elf', { batchSize: 2, window: 1 });
    const signal = { cancelled: true };
    await assert.rejects(s.lookup([0x1n, 0x2n, 0x3n, 0x4n, 0x5n], signal), CancelledError);
    assert.equal(runner.written('llvm-symbolizer').length, 2); // only the first batch went out
    const [a] = await s.lookup([0x1140n]);
    assert.equal(a.frames[0].function, 'work');
    s.dispose();
  });

  it('picks the protocol from the tool name', () => {
    assert.equal(protocolForCommand('/usr/bin/llvm-symbolizer-14').tool, 'llvm-symbolizer');
    assert.equal(protocolForCommand('C:\\llvm\\bin\\llvm-addr2line.exe').tool, 'addr2line');
    assert.equal(protocolForCommand('x86_64-linux-gnu-addr2line').tool, 'addr2line');
  });
});

describe('symbols/dwarfResolver (fake tools)', () => {
  const locator = () => new SourceLocator({ mapper: new PathMapper(['src/i.c'], '/ws'), workspaceRoot: '/ws' });

  it('resolves through llvm-symbolizer: innermost line, containing symbol+offset, inline call site, mapped path', async () => {
    const runner = new FakeRunner({ 'llvm-symbolizer': { answer: (l) => llvmJsonAnswer(TABLE, l) } });
    const r = createDwarfResolver({ objectPath: '/b/guest.elf', displayName: 'guest.elf', runner, locator: locator() });
    const res = await r.resolve(['0x1159', '0x0000001163', '0x5']);
    assert.deepEqual(res.resolutions.get('0x1159'), {
      rip: '0x1159', precision: 'line', symbol: 'work', offset: 0x19, file: 'src/i.c', line: 6, column: 1, recordedFile: '/build/src/i.c',
      inlined: [{ function: 'poke', callFile: 'src/i.c', callLine: 12 }],
    });
    assert.equal(res.resolutions.get('0x1163')!.offset, 0x23);
    assert.deepEqual(res.resolutions.get('0x5'), { rip: '0x5', precision: 'none' });
    assert.deepEqual(res.messages, []);
    assert.equal(r.description, 'guest.elf (llvm-symbolizer)');
    r.dispose();
  });

  it('asks the tool only about RIPs it has not seen (de-duplicated and cached)', async () => {
    const runner = new FakeRunner({ 'llvm-symbolizer': { answer: (l) => llvmJsonAnswer(TABLE, l) } });
    const r = createDwarfResolver({ objectPath: 'guest.elf', runner });
    await r.resolve(['0x1140', '0x1140', '0x1159']);
    const res = await r.resolve(['0x1159', '0x1163', '0x1140']);
    assert.deepEqual(runner.written('llvm-symbolizer'), ['0x1140', '0x1159', '0x1163']);
    assert.deepEqual([...res.resolutions.keys()], ['0x1159', '0x1163', '0x1140']);
    r.dispose();
  });

  it('falls back to addr2line when llvm-symbolizer is missing, and takes offsets from nm', async () => {
    const runner = new FakeRunner({ addr2line: { answer: (l) => addr2lineAnswer(TABLE, l) }, nm: { onEnd: () => NM } });
    const r = createDwarfResolver({ objectPath: 'guest.elf', runner, locator: locator() });
    const res = await r.resolve(['0x1159', '0x1163']);
    assert.deepEqual(runner.runs.map((x) => x.command), ['llvm-symbolizer', 'addr2line', 'nm']);
    assert.deepEqual(runner.runs[2].args, ['-n', '--defined-only', 'guest.elf']);
    assert.deepEqual(res.resolutions.get('0x1159'), {
      rip: '0x1159', precision: 'line', symbol: 'work', offset: 0x19, file: 'src/i.c', line: 6, recordedFile: '/build/src/i.c',
      inlined: [{ function: 'poke', callFile: 'src/i.c', callLine: 12 }],
    });
    assert.deepEqual(res.messages, []);
    assert.equal(r.description, 'guest.elf (addr2line)');
    await r.resolve(['0x1140']);
    assert.equal(runner.runs.filter((x) => x.command === 'nm').length, 1);
    r.dispose();
  });

  it('gives ONE error when no symbolizer is installed, and does not retry per call', async () => {
    const runner = new FakeRunner({});
    const r = createDwarfResolver({ objectPath: 'guest.elf', runner });
    const res = await r.resolve(['0x1140', '0x1159', '0x1163']);
    assert.equal(res.messages.length, 1);
    assert.equal(res.messages[0].severity, 'error');
    assert.equal(
      res.messages[0].message,
      "Cannot symbolise guest.elf: none of llvm-symbolizer, addr2line was found on PATH. Install Debian's llvm or binutils package, or set exitlens.symbolizer.path.",
    );
    assert.deepEqual([...res.resolutions.values()].map((x) => x.precision), ['none', 'none', 'none']);
    const again = await r.resolve(['0x1']);
    assert.equal(again.messages.length, 1);
    assert.equal(runner.runs.length, 2);
  });

  it('names the setting when an explicit symbolizer path is missing', async () => {
    const r = createDwarfResolver({ objectPath: 'guest.elf', runner: new FakeRunner({}), symbolizerPath: '/opt/llvm/bin/llvm-symbolizer' });
    const res = await r.resolve(['0x1140']);
    assert.deepEqual(res.messages.map((m) => m.message), [
      'Cannot symbolise guest.elf: the symbolizer "/opt/llvm/bin/llvm-symbolizer" was not found (setting exitlens.symbolizer.path).',
    ]);
  });

  it('untrusted workspace: a refusing runner leaves sites unresolved with one message saying why', async () => {
    const r = createDwarfResolver({ objectPath: 'build/vmlinux', runner: refusingToolRunner('the workspace is not trusted') });
    const res = await r.resolve(['0xffffffff81000000', '0xffffffff81000010']);
    assert.deepEqual(res.messages, [{
      severity: 'warning', file: 'build/vmlinux',
      message: 'Sites left unresolved: not running llvm-symbolizer on build/vmlinux (the workspace is not trusted).',
    }]);
    assert.deepEqual([...res.resolutions.values()].map((x) => x.precision), ['none', 'none']);
  });

  it('turns a module-level llvm-symbolizer error into one message', async () => {
    const runner = new FakeRunner({
      'llvm-symbolizer': { answer: (l) => JSON.stringify({ Address: l, Error: { Message: 'The file was not recognized as a valid object file' }, ModuleName: 'x' }) + '\n' },
    });
    const r = createDwarfResolver({ objectPath: 'notes.txt', runner });
    const res = await r.resolve(['0x1', '0x2', '0x3']);
    assert.deepEqual(res.messages.map((m) => m.message), ['Cannot symbolise notes.txt with llvm-symbolizer: The file was not recognized as a valid object file']);
  });

  it('concurrent resolves share one fallback: both end up on addr2line, no tool skipped', async () => {
    const runner = new FakeRunner({ addr2line: { answer: (l) => addr2lineAnswer(TABLE, l) }, nm: { onEnd: () => NM } });
    const r = createDwarfResolver({ objectPath: 'guest.elf', runner });
    const [a, b] = await Promise.all([r.resolve(['0x1140']), r.resolve(['0x1163'])]);
    assert.equal(a.resolutions.get('0x1140')!.line, 11);
    assert.equal(b.resolutions.get('0x1163')!.line, 13);
    assert.deepEqual(a.messages, []);
    assert.deepEqual(b.messages, []);
    assert.deepEqual(runner.runs.map((x) => x.command), ['llvm-symbolizer', 'addr2line', 'nm']);
    r.dispose();
  });

  it('dispose() during a resolve leaves that call unresolved without blaming the tool, and the next call restarts it', async () => {
    const runner = new FakeRunner({ 'llvm-symbolizer': { answer: (l) => llvmJsonAnswer(TABLE, l) } });
    const r = createDwarfResolver({ objectPath: 'guest.elf', runner });
    const pending = r.resolve(['0x1140']);
    r.dispose();
    const first = await pending;
    assert.deepEqual(first.resolutions.get('0x1140'), { rip: '0x1140', precision: 'none' });
    assert.deepEqual(first.messages, []);
    const second = await r.resolve(['0x1140']);
    assert.equal(second.resolutions.get('0x1140')!.line, 11);
    assert.equal(runner.runs.length, 2);
    r.dispose();
  });

  it('subtracts an address bias (PIE load base) before asking', async () => {
    const runner = new FakeRunner({ 'llvm-symbolizer': { answer: (l) => llvmJsonAnswer(TABLE, l) } });
    const r = createDwarfResolver({ objectPath: 'guest.elf', runner, addressBias: 0x555555554000n });
    const res = await r.resolve(['0x555555555163']);
    assert.deepEqual(runner.written('llvm-symbolizer'), ['0x1163']);
    assert.equal(res.resolutions.get('0x555555555163')!.line, 13);
    r.dispose();
  });
});
