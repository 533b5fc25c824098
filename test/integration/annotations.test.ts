/**
 * Source annotations inside the real extension host (issue 5):
 * - a forkwait trace simulated here with the core simulator (perf-script text + its .syms.json, next to
 *   copies of samples/*.c): the decorated lines, their exits and host time, the hover numbers and the
 *   baseline deltas must equal the simulator's own per-site counts (SimResult.sites);
 * - a real ELF built here with `gcc -g -O0` (test/fixtures/symbols/guestSites.c in a foreign build
 *   tree) and a SYNTHETIC JSONL trace whose RIPs are function addresses from `nm`: sites resolve to the
 *   function lines through llvm-symbolizer and addr2line; with only a System.map to symbol+offset;
 * - Restricted Mode is simulated by injecting the trust state into TraceSymbolizer (the test
 *   workspace itself is trusted): no tool is started and the user is told why, once.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Category } from '../../src/core/model/exit';
import { BUILTIN_WORKLOADS, simulateTrace, symbolFileFor, type SimResult } from '../../src/core/sim/index';
import { categoryFilter } from '../../src/extension/annotations/decorationModel';
import { CATEGORY_SHORT, formatCompact, formatCount, formatDelta, formatNs } from '../../src/extension/annotations/format';
import { siteTree } from '../../src/extension/annotations/siteTree';
import { TraceSymbolizer, UNTRUSTED_REASON } from '../../src/extension/annotations/traceSymbols';
import { createNodeToolRunner } from '../../src/core/symbols/nodeToolRunner';
import type { ToolRunner } from '../../src/core/symbols/toolRunner';
import { SiteIndexes } from '../../src/extension/siteIndexes';
import { COMMANDS, SETTINGS } from '../../src/shared/ids';
import { api, closeAll, extension, trace, waitFor, workspaceRoot } from './helpers';

const SIM_DIR = 'annot';
const ELF_DIR = 'annot-elf';

/** Per source line: what the simulator says happened there (summed over the line's RIPs). */
interface Expected {
  exits: number;
  totalNs: number;
  byCategory: Partial<Record<Category, number>>;
  byReason: Record<string, number>;
}

function expectedLines(result: SimResult, prefix: string): Map<string, Map<number, Expected>> {
  const out = new Map<string, Map<number, Expected>>();
  for (const s of result.sites) {
    const file = `${prefix}/${s.file}`;
    let lines = out.get(file);
    if (!lines) out.set(file, (lines = new Map()));
    const e = lines.get(s.line) ?? { exits: 0, totalNs: 0, byCategory: {}, byReason: {} };
    e.exits += s.exits;
    e.totalNs += s.totalNs;
    for (const [c, n] of Object.entries(s.byCategory) as [Category, number][]) e.byCategory[c] = (e.byCategory[c] ?? 0) + n;
    for (const [r, n] of Object.entries(s.byReason)) e.byReason[r] = (e.byReason[r] ?? 0) + n;
    lines.set(s.line, e);
  }
  return out;
}

/** The text of every hover VS Code's providers give at a position. */
async function hoverText(uri: vscode.Uri, line: number): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line - 1, 0))) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .filter((t) => t.includes('**ExitLens**'))
    .join('\n');
}

async function show(uri: vscode.Uri, column: vscode.ViewColumn): Promise<void> {
  await vscode.window.showTextDocument(uri, { viewColumn: column, preview: false, preserveFocus: true });
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Workspace);
}

describe('Source annotations (real extension host)', function () {
  this.timeout(120_000);
  const ws = () => workspaceRoot().fsPath;
  const wsUri = (rel: string) => vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));
  let shadow: SimResult;
  let ept: SimResult;

  before(() => {
    // samples/ next to the traces: the .syms.json names `samples/workloads.c` relative to itself.
    const samples = path.join(extension().extensionUri.fsPath, 'samples');
    fs.mkdirSync(path.join(ws(), SIM_DIR, 'samples'), { recursive: true });
    for (const f of ['workloads.c', 'guest-kernel.c']) fs.copyFileSync(path.join(samples, f), path.join(ws(), SIM_DIR, 'samples', f));
    const run = (paging: 'shadow' | 'ept') => {
      const chunks: string[] = [];
      const syms = `forkwait-${paging}.syms.json`;
      const result = simulateTrace({ workload: BUILTIN_WORKLOADS.forkwait, paging, cpu: 'skylake', pages: '4k', seed: 1 }, 'perf-script', { write: (c) => chunks.push(c) }, syms);
      fs.writeFileSync(path.join(ws(), SIM_DIR, `forkwait-${paging}.perf.txt`), chunks.join(''));
      fs.writeFileSync(path.join(ws(), SIM_DIR, syms), symbolFileFor(BUILTIN_WORKLOADS.forkwait));
      return result;
    };
    shadow = run('shadow');
    ept = run('ept');
  });

  after(async () => {
    await closeAll();
    for (const key of [SETTINGS.symbolFiles, SETTINGS.symbolizerPath, SETTINGS.annotationsMetric, SETTINGS.annotationsCategories]) await setSetting(key, undefined);
    const exitlens = await api();
    await exitlens.annotations.whenIdle();
    if (!exitlens.annotations.enabled) await vscode.commands.executeCommand(COMMANDS.toggleAnnotations);
    // Leave the annotations on a fixture without symbols, so later suites' setting changes do not
    // re-symbolise a trace whose files are gone.
    await vscode.commands.executeCommand(COMMANDS.annotateSources, trace('trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt'));
    await exitlens.annotations.whenIdle();
    for (const dir of [SIM_DIR, ELF_DIR]) fs.rmSync(path.join(ws(), dir), { recursive: true, force: true });
    await closeAll();
  });

  it('decorates the simulated trace\'s sources with the simulator\'s own per-line counts and host times', async () => {
    const exitlens = await api();
    await closeAll();
    const traceUri = wsUri(`${SIM_DIR}/forkwait-shadow.perf.txt`);
    const expected = expectedLines(shadow, SIM_DIR);
    const info = (await vscode.commands.executeCommand(COMMANDS.annotateSources, traceUri)) as { lines: number; files: number; unresolved: number } | undefined;
    assert.ok(info, 'Annotate Sources returned nothing (see the ExitLens output channel)');
    const expectedLineCount = [...expected.values()].reduce((n, m) => n + m.size, 0);
    assert.deepStrictEqual([info.files, info.lines, info.unresolved], [expected.size, expectedLineCount, 0]);
    assert.strictEqual(exitlens.annotations.trace()?.toString(), traceUri.toString());
    assert.strictEqual(exitlens.annotations.enabled, true);

    // The command opened the hottest line (the simulator's busiest site) because no annotated file was visible.
    const hottest = shadow.sites[0];
    const active = await waitFor('the hottest line to be revealed', () => vscode.window.activeTextEditor);
    assert.strictEqual(vscode.workspace.asRelativePath(active.document.uri, false), `${SIM_DIR}/${hottest.file}`);
    assert.strictEqual(active.selection.active.line, hottest.line - 1);

    // Show both sample files side by side and read what was applied to each.
    await show(wsUri(`${SIM_DIR}/samples/workloads.c`), vscode.ViewColumn.One);
    await show(wsUri(`${SIM_DIR}/samples/guest-kernel.c`), vscode.ViewColumn.Two);
    await exitlens.annotations.whenIdle();
    for (const [file, lines] of expected) {
      const applied = await waitFor(`decorations on ${file}`, () => exitlens.annotations.current(wsUri(file)));
      assert.strictEqual(applied.file, file);
      assert.strictEqual(applied.trace, traceUri.toString());
      const got = applied.lines.map((d) => [d.line, d.exits, d.hostNs]);
      const want = [...lines.entries()].sort((a, b) => a[0] - b[0]).map(([line, e]) => [line, e.exits, e.totalNs]);
      assert.deepStrictEqual(got, want, `${file}: [line, exits, host ns] per decorated line`);
      for (const d of applied.lines) {
        const e = lines.get(d.line)!;
        const cats = Object.keys(e.byCategory) as Category[];
        const catText = cats.length === 1 ? CATEGORY_SHORT[cats[0]] : undefined;
        if (catText) assert.strictEqual(d.text, `⟲ ${formatCompact(e.exits)} exits · ${catText} · ${formatNs(e.totalNs)}`, `${file}:${d.line}`);
        else assert.ok(d.text.startsWith(`⟲ ${formatCompact(e.exits)} exits · `), `${file}:${d.line}: ${d.text}`);
      }
      console.log(`      ${file}: ${applied.lines.length} lines decorated in ${applied.ms.toFixed(2)} ms`);
    }
    // The busiest line is in the hottest bucket.
    const hot = exitlens.annotations.current(wsUri(`${SIM_DIR}/${hottest.file}`))!.lines.find((d) => d.line === hottest.line)!;
    assert.strictEqual(hot.bucket, 4);
  });

  it('hovers a hot line with the simulator\'s counts by category and reason, share, time and advice', async () => {
    const exitlens = await api();
    const expected = expectedLines(shadow, SIM_DIR);
    for (const [file, lines] of expected) {
      for (const [line, e] of lines) {
        const text = await hoverText(wsUri(file), line);
        assert.ok(text, `no ExitLens hover on ${file}:${line}`);
        // Share of all exits: the line's exits / the simulator's total.
        const share = `${((100 * e.exits) / shadow.exits).toFixed(1)} %`;
        assert.ok(text.includes(`**${formatCount(e.exits)} ${e.exits === 1 ? 'exit' : 'exits'}** · ${share} of all ${formatCount(shadow.exits)} exits`), text);
        for (const [reason, n] of Object.entries(e.byReason)) {
          assert.ok(text.includes(`| reason ${reason.replace(/_/g, '\\_')} | ${formatCount(n)} | ${((100 * n) / shadow.exits).toFixed(1)} % |`), `${file}:${line} lacks ${reason} ${n}\n${text}`);
        }
        assert.ok(text.includes(`**Host time** ${formatNs(e.totalNs)}`), text);
        assert.ok(text.includes('shadow paging (from the trace header)'), text);
      }
    }
    // The busiest line (#PF under shadow paging) explains itself and links to the charts.
    const hottest = shadow.sites[0];
    const text = await hoverText(wsUri(`${SIM_DIR}/${hottest.file}`), hottest.line);
    assert.ok(text.includes('Guest page faults (shadow paging)'), text);
    assert.ok(text.includes(`](command:${COMMANDS.openTraceSummary}?`), text);
    assert.ok(text.includes(`](command:${COMMANDS.compareBuilds}?`), text);
    // A line without exits has no ExitLens hover.
    assert.strictEqual(await hoverText(wsUri(`${SIM_DIR}/${hottest.file}`), 1), '');
    assert.ok(exitlens.annotations.index());
  });

  it('sets the EPT run as baseline: deltas equal shadow − EPT per line, lines only EPT has show as gone', async () => {
    const exitlens = await api();
    const baseUri = wsUri(`${SIM_DIR}/forkwait-ept.perf.txt`);
    const info = (await vscode.commands.executeCommand(COMMANDS.setBaseline, baseUri)) as { trace: string } | undefined;
    assert.strictEqual(info?.trace, baseUri.toString());
    await exitlens.annotations.whenIdle();
    assert.strictEqual(exitlens.annotations.baseline()?.toString(), baseUri.toString());
    const now = expectedLines(shadow, SIM_DIR);
    const base = expectedLines(ept, SIM_DIR);
    for (const file of new Set([...now.keys(), ...base.keys()])) {
      const applied = exitlens.annotations.current(wsUri(file));
      assert.ok(applied, `no decorations on ${file}`);
      const lines = new Set([...(now.get(file)?.keys() ?? []), ...(base.get(file)?.keys() ?? [])]);
      assert.deepStrictEqual(applied.lines.map((d) => d.line), [...lines].sort((a, b) => a - b), file);
      for (const d of applied.lines) {
        const a = base.get(file)?.get(d.line)?.exits ?? 0;
        const b = now.get(file)?.get(d.line)?.exits ?? 0;
        assert.ok(d.text.endsWith(` · Δ ${formatDelta(b - a, true)}`), `${file}:${d.line}: ${d.text} (shadow ${b}, ept ${a})`);
        if (b === 0) assert.strictEqual(d.bucket, 0);
      }
    }
    const hottest = shadow.sites[0];
    const hotFile = `${SIM_DIR}/${hottest.file}`;
    const a = base.get(hotFile)?.get(hottest.line)?.exits ?? 0;
    const b = now.get(hotFile)!.get(hottest.line)!.exits;
    const text = await hoverText(wsUri(hotFile), hottest.line);
    assert.ok(text.includes(`**Against ${SIM_DIR}/forkwait\\-ept\\.perf\\.txt:** ${formatCount(a)} `), text);
    assert.ok(text.includes(`Δ ${formatDelta(b - a)}`), text);
  });

  it('switches the metric to estimated cycles (host ns × the header\'s 3 GHz) and toggles annotations off and on', async () => {
    const exitlens = await api();
    const file = `${SIM_DIR}/${shadow.sites[0].file}`;
    const line = shadow.sites[0].line;
    const e = expectedLines(shadow, SIM_DIR).get(file)!.get(line)!;
    await setSetting(SETTINGS.annotationsMetric, 'cycles');
    const cycles = await waitFor('cycles in the after-line text', async () => {
      await exitlens.annotations.whenIdle();
      return exitlens.annotations.current(wsUri(file))?.lines.find((d) => d.line === line && d.text.includes('cycles'));
    });
    assert.strictEqual(cycles.value, e.totalNs * 3);
    assert.ok(cycles.text.startsWith(`⟲ ${formatCompact(e.totalNs * 3)} cycles · ${formatCompact(e.exits)} exits`), cycles.text);
    await setSetting(SETTINGS.annotationsMetric, undefined);

    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.toggleAnnotations), false);
    assert.strictEqual(exitlens.annotations.enabled, false);
    assert.strictEqual(exitlens.annotations.current(wsUri(file)), undefined);
    assert.strictEqual(await hoverText(wsUri(file), line), '');
    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.toggleAnnotations), true);
    await exitlens.annotations.whenIdle();
    assert.ok(exitlens.annotations.current(wsUri(file))?.lines.some((d) => d.line === line));
  });

  it('reveals a site\'s line from its file and line (the Hot Exit Sites click) and says so when the file is missing', async () => {
    const site = shadow.sites.find((s) => s.kernel)!;
    const shown = await vscode.commands.executeCommand(COMMANDS.revealSite, { file: `${SIM_DIR}/${site.file}`, line: site.line });
    assert.strictEqual(shown, true);
    const editor = vscode.window.activeTextEditor!;
    assert.strictEqual(vscode.workspace.asRelativePath(editor.document.uri, false), `${SIM_DIR}/${site.file}`);
    assert.strictEqual(editor.selection.active.line, site.line - 1);
    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.revealSite, { file: 'nowhere/missing.c', line: 3 }), false);
    await vscode.commands.executeCommand(COMMANDS.setBaseline, { clear: true });
    assert.strictEqual((await api()).annotations.baseline(), undefined);
  });

  describe('a real ELF (gcc -g -O0) and a SYNTHETIC trace of its nm addresses', () => {
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

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

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
});
