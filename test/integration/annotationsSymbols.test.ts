/**
 * Source annotations through real symbolisation tools, inside the real extension host (issue 5): a
 * real ELF built here with `gcc -g -O0` (test/fixtures/symbols/guestSites.c in a foreign build tree)
 * and a SYNTHETIC JSONL trace whose RIPs are function addresses from `nm`: sites resolve to the
 * function lines through llvm-symbolizer and addr2line; with only a System.map to symbol+offset.
 * Restricted Mode is simulated by injecting the trust state into TraceSymbolizer (the test workspace
 * itself is trusted): no tool is started and the user is told why, once.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { categoryFilter } from '../../src/extension/annotations/decorationModel';
import { siteTree } from '../../src/extension/annotations/siteTree';
import { TraceSymbolizer, UNTRUSTED_REASON } from '../../src/extension/annotations/traceSymbols';
import { createNodeToolRunner } from '../../src/core/symbols/nodeToolRunner';
import type { ToolRunner } from '../../src/core/symbols/toolRunner';
import { SiteIndexes } from '../../src/extension/siteIndexes';
import { COMMANDS, SETTINGS } from '../../src/shared/ids';
import { api, closeAll, extension, hoverText, setSetting, show, trace, waitFor, workspaceRoot } from './helpers';

const ELF_DIR = 'annot-elf';

describe('Source annotations: a real ELF (gcc -g -O0) and a SYNTHETIC trace of its nm addresses', function () {
  this.timeout(120_000);
  const ws = () => workspaceRoot().fsPath;
  const wsUri = (rel: string) => vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));
  let tmp: string;
  let fnLine: Record<string, number>;
  let fnAddr: Record<string, string>;
  const traceRel = `${ELF_DIR}/guest.exitlens.jsonl`;
  const srcRel = `${ELF_DIR}/src/guestSites.c`;
  // SYNTHETIC exit counts per function: CPUID 5, CR3 write 3, port I/O 2, HLT 1 (HLT is not annotated by default).
  const COUNTS: Record<string, { n: number; record: Record<string, unknown> }> = {
    guest_cpuid: { n: 5, record: { reason: 'CPUID' } },
    guest_write_cr3: { n: 3, record: { reason: 'CR_ACCESS', cr: { cr: 3, access: 'write' } } },
    guest_udelay: { n: 2, record: { reason: 'IO_INSTRUCTION', io: { port: 0x80, size: 1, direction: 'out' } } },
    guest_halt: { n: 1, record: { reason: 'HLT' } },
  };

  before(() => {
    const src = fs.readFileSync(path.join(extension().extensionUri.fsPath, 'test', 'fixtures', 'symbols', 'guestSites.c'), 'utf8');
    // Built in a foreign tree, so DWARF records /tmp/…/build/src/guestSites.c, not the workspace path.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-annot-elf-'));
    fs.mkdirSync(path.join(tmp, 'build', 'src'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'build', 'src', 'guestSites.c'), src);
    execFileSync('gcc', ['-g', '-O0', '-o', 'guest.elf', 'build/src/guestSites.c'], { cwd: tmp });
    const nm = execFileSync('nm', ['-n', path.join(tmp, 'guest.elf')], { encoding: 'utf8' });
    fnAddr = {};
    for (const l of nm.split('\n')) {
      const m = /^([0-9a-f]+) [Tt] (\w+)$/.exec(l);
      if (m && m[2] in COUNTS) fnAddr[m[2]] = '0x' + m[1].replace(/^0+(?=.)/, '');
    }
    // Expected lines from the C text, not from any tool: where each function is declared.
    fnLine = {};
    src.split('\n').forEach((text, i) => {
      const m = /^void (\w+)\(/.exec(text);
      if (m && m[1] in COUNTS) fnLine[m[1]] = i + 1;
    });
    assert.deepStrictEqual(Object.keys(fnAddr).sort(), Object.keys(COUNTS).sort());
    const dir = path.join(ws(), ELF_DIR);
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'guestSites.c'), src);
    fs.copyFileSync(path.join(tmp, 'guest.elf'), path.join(dir, 'guest.elf'));
    fs.writeFileSync(path.join(dir, 'System.map'), nm);
    const lines = [JSON.stringify({ exitlens: 'trace', version: 1, isa: 'vmx', label: 'SYNTHETIC exits at nm addresses of guestSites.c' })];
    let t = 1000;
    for (const [fn, { n, record }] of Object.entries(COUNTS)) {
      for (let i = 0; i < n; i++) lines.push(JSON.stringify({ t: (t += 1000), d: 500, vcpu: 0, rip: fnAddr[fn], ...record }));
    }
    fs.writeFileSync(path.join(dir, 'guest.exitlens.jsonl'), lines.join('\n') + '\n');
  });

  after(async () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    await closeAll();
    for (const key of [SETTINGS.symbolFiles, SETTINGS.symbolizerPath]) await setSetting(key, undefined);
    const exitlens = await api();
    await exitlens.annotations.whenIdle();
    // Leave the annotations on a fixture without symbols, so later suites' setting changes do not
    // re-symbolise a trace whose files are gone.
    await vscode.commands.executeCommand(COMMANDS.annotateSources, trace('trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt'));
    await exitlens.annotations.whenIdle();
    fs.rmSync(path.join(ws(), ELF_DIR), { recursive: true, force: true });
    await closeAll();
  });

  const expectedElfLines = () =>
    ['guest_cpuid', 'guest_write_cr3', 'guest_udelay'].map((fn) => [fnLine[fn], COUNTS[fn].n]).sort((a, b) => a[0] - b[0]);

  for (const tool of ['llvm-symbolizer', 'addr2line']) {
    it(`resolves the nm addresses to the right file:line through ${tool} and decorates those lines`, async () => {
      const exitlens = await api();
      await setSetting(SETTINGS.symbolFiles, { [`${ELF_DIR}/*.exitlens.jsonl`]: `${ELF_DIR}/guest.elf` });
      await setSetting(SETTINGS.symbolizerPath, tool);
      await exitlens.annotations.whenIdle();
      await closeAll();
      const info = (await vscode.commands.executeCommand(COMMANDS.annotateSources, wsUri(traceRel))) as { lines: number; unresolved: number } | undefined;
      // Four functions, four lines (the HLT one is resolved too, only not annotated by default).
      assert.deepStrictEqual([info?.lines, info?.unresolved], [4, 0]);
      await show(wsUri(srcRel), vscode.ViewColumn.One);
      await exitlens.annotations.whenIdle();
      const applied = await waitFor(`decorations on ${srcRel}`, () => exitlens.annotations.current(wsUri(srcRel)));
      assert.strictEqual(applied.file, srcRel, 'the DWARF path /tmp/…/build/src/guestSites.c maps onto the workspace by suffix');
      assert.deepStrictEqual(applied.lines.map((d) => [d.line, d.exits]), expectedElfLines());
      const cpuid = await hoverText(wsUri(srcRel), fnLine.guest_cpuid);
      assert.ok(cpuid.includes(`in guest\\_cpuid`) && cpuid.includes('| reason CPUID | 5 |'), cpuid);
    });
  }

  it('with only a System.map: symbol+offset sites for the Hot Exit Sites view, no line decoration', async () => {
    const exitlens = await api();
    await setSetting(SETTINGS.symbolizerPath, undefined);
    await setSetting(SETTINGS.symbolFiles, { [`${ELF_DIR}/*.exitlens.jsonl`]: `${ELF_DIR}/System.map` });
    const index = await waitFor('the System.map index', async () => {
      await exitlens.annotations.whenIdle();
      const i = exitlens.annotations.index();
      return i && Object.keys(i.files).length === 0 && i.unresolved.length === 4 ? i : undefined;
    });
    assert.deepStrictEqual(
      index.unresolved.map((g) => [g.symbol, g.exits, g.sites.map((s) => s.offset)]).sort(),
      Object.entries(COUNTS).map(([fn, { n }]) => [fn, n, [0]]).sort(),
    );
    await show(wsUri(srcRel), vscode.ViewColumn.One);
    await exitlens.annotations.whenIdle();
    assert.strictEqual(exitlens.annotations.current(wsUri(srcRel)), undefined, 'no line decorations without line information');
    // What the Hot Exit Sites view lists (its tree model over the same index).
    const labels = siteTree(index, { categories: categoryFilter([]), metric: 'exits' }).flatMap((c) => c.children.map((s) => (s.kind === 'address' ? `${s.symbol}+0x${s.offset?.toString(16)} ${s.exits}` : s.kind)));
    assert.deepStrictEqual(labels, ['guest_cpuid+0x0 5', 'guest_write_cr3+0x0 3', 'guest_udelay+0x0 2']);
  });

  it('Restricted Mode (trust injected as false): no tool is started, sites stay unresolved, ONE message says why', async () => {
    const exitlens = await api();
    await setSetting(SETTINGS.symbolFiles, { [`${ELF_DIR}/*.exitlens.jsonl`]: `${ELF_DIR}/guest.elf` });
    await exitlens.annotations.whenIdle();
    let started = 0;
    const counting = (): ToolRunner => {
      const real = createNodeToolRunner();
      return { start: (cmd, args) => (started++, real.start(cmd, args)) };
    };
    const summary = await exitlens.summarize(wsUri(traceRel));
    const untrusted = await new TraceSymbolizer({ isTrusted: () => false, trustedRunner: counting }).symbolize(wsUri(traceRel), summary);
    assert.strictEqual(started, 0, 'a tool was started in an untrusted workspace');
    assert.strictEqual(untrusted.toolsRefused, true);
    assert.deepStrictEqual([...untrusted.resolutions.values()].map((r) => r.precision), ['none', 'none', 'none', 'none']);
    assert.strictEqual(untrusted.messages.length, 1, JSON.stringify(untrusted.messages));
    assert.ok(untrusted.messages[0].message.includes(UNTRUSTED_REASON), untrusted.messages[0].message);

    // Through the service the user sees: exactly one notification for the four addresses.
    const said: string[] = [];
    const log = vscode.window.createOutputChannel('ExitLens annotations test', { log: true });
    const indexes = new SiteIndexes({ summaries: exitlens.summaries, symbolizer: new TraceSymbolizer({ isTrusted: () => false, trustedRunner: counting }), log, notify: (_s, t) => said.push(t), follow: false });
    try {
      await indexes.show(wsUri(traceRel), { summary });
      assert.strictEqual(said.length, 1, said.join('\n'));
      assert.match(said[0], /not trusted/);
      assert.strictEqual(started, 0);
      // The same service, trusted: the injected runner is the one that runs the symbolizer.
      const trusted = new SiteIndexes({ summaries: exitlens.summaries, symbolizer: new TraceSymbolizer({ isTrusted: () => true, trustedRunner: counting }), log, notify: (_s, t) => said.push(t), follow: false });
      const t = await trusted.show(wsUri(traceRel), { summary });
      trusted.dispose();
      assert.ok(started >= 1, 'the trusted path did not use the injected runner');
      assert.deepStrictEqual([...t!.resolutions.values()].filter((r) => r.precision === 'line').length, 4);
    } finally {
      indexes.dispose();
      log.dispose();
    }
  });

  it('a missing symbol file or symbolizer gives ONE message, not one per address', async () => {
    const exitlens = await api();
    const summary = await exitlens.summarize(wsUri(traceRel));
    const log = vscode.window.createOutputChannel('ExitLens annotations test', { log: true });
    const said: string[] = [];
    const indexes = new SiteIndexes({ summaries: exitlens.summaries, symbolizer: new TraceSymbolizer(), log, notify: (_s, t) => said.push(t), follow: false });
    try {
      await setSetting(SETTINGS.symbolFiles, { [`${ELF_DIR}/*.exitlens.jsonl`]: `${ELF_DIR}/missing.elf` });
      await indexes.show(wsUri(traceRel), { summary });
      assert.deepStrictEqual(said.length, 1, said.join('\n'));
      assert.match(said[0], /missing\.elf not found/);
      await setSetting(SETTINGS.symbolFiles, { [`${ELF_DIR}/*.exitlens.jsonl`]: `${ELF_DIR}/guest.elf` });
      await setSetting(SETTINGS.symbolizerPath, '/nonexistent/llvm-symbolizer');
      said.length = 0;
      await indexes.show(wsUri(traceRel), { summary });
      assert.deepStrictEqual(said.length, 1, said.join('\n'));
      assert.match(said[0], /\/nonexistent\/llvm-symbolizer" was not found/);
    } finally {
      indexes.dispose();
      log.dispose();
      await setSetting(SETTINGS.symbolizerPath, undefined);
    }
  });
});
