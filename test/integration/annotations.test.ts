/**
 * Source annotations inside the real extension host (issue 5), on a forkwait trace simulated here with
 * the core simulator (perf-script text + its .syms.json, next to copies of samples/*.c): the decorated
 * lines, their exits and host time, the hover numbers and the baseline deltas must equal the
 * simulator's own per-site counts (SimResult.sites). Symbolisation through real tools:
 * annotationsSymbols.test.ts.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Category } from '../../src/core/model/exit';
import { BUILTIN_WORKLOADS, simulateTrace, symbolFileFor, type SimResult } from '../../src/core/sim/index';
import { CATEGORY_SHORT, formatCompact, formatCount, formatDelta, formatNs } from '../../src/extension/annotations/format';
import { COMMANDS, SETTINGS } from '../../src/shared/ids';
import { api, closeAll, extension, hoverText, setSetting, show, trace, waitFor, workspaceRoot } from './helpers';

const SIM_DIR = 'annot';

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
    fs.rmSync(path.join(ws(), SIM_DIR), { recursive: true, force: true });
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
});
