/**
 * Trace files in the editor, inside the real extension host: the ExitLens Summary custom editor (default
 * for ExitLens JSONL, "Open With…" for text traces), the CodeLens above a trace, warning line links,
 * Export, the Traces view's summaries, Simulate Workload and the walkthrough's contributions.
 * Expected numbers are counted by hand from the fixtures (derivations next to each) or taken from the
 * core that wrote the simulated traces.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { simulate, simulateTrace, symbolFileFor, BUILTIN_WORKLOADS, DEFAULT_CPU } from '../../src/core/sim/index';
import { StringOut } from '../../src/core/writers/traceHeader';
import { exportText, openTraceAtLine, tooBigForTextEditor, writeExport } from '../../src/extension/editor/summaryActions';
import { summaryEditorViewType } from '../../src/extension/editor/summaryEditor';
import { SummarySession, type SummaryPageActions } from '../../src/extension/editor/summarySession';
import { TraceSummaries } from '../../src/extension/traceSummaries';
import { escapeMarkdown, summaryMarkdown } from '../../src/extension/editor/summaryMarkdown';
import { lensTitle } from '../../src/extension/editor/traceCodeLens';
import { statusText } from '../../src/extension/editor/traceStatusBar';
import { SIM_FOLDER, type SimulateOutcome } from '../../src/extension/simulateWorkload';
import { categoryNodes, traceDescription } from '../../src/extension/tracesView';
import { COMMANDS, LANGUAGE_ID, PANELS, SETTINGS, WALKTHROUGHS } from '../../src/shared/ids';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';
import { api, closeAll, extension, trace, waitFor, workspaceRoot } from './helpers';

const DIRTY_RING = 'trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt'; // 7 EPT_VIOLATION, vCPU 1
const CHINAUNIX = 'ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt'; // APIC_ACCESS 4 µs + IO_INSTRUCTION 5 µs
// synthetic-perf-script-ns-mixed.txt: 9 kvm_exit lines are counted (lines 3 7 10 12 16 18 20 24 28); line
// 22 (`rip 0xzz401d00`) is a warning; line 27 is a nested exit, not an exit of this guest. Line 12's
// IO_INSTRUCTION exits at 1000.000006000 and re-enters at .000016200: 10.2 µs. Line 28's HLT has no entry.
const MIXED = 'synthetic-perf-script-ns-mixed.txt';

interface ManifestEditors {
  contributes: {
    customEditors: Array<{ viewType: string; displayName: string; priority: string; selector: Array<{ filenamePattern: string }> }>;
    walkthroughs: Array<{ id: string; title: string; steps: Array<{ id: string; description: string; media: { markdown?: string }; completionEvents?: string[] }> }>;
  };
}

/** Custom editor tabs of a view type. */
function customTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === viewType);
}

/** Waits for a `rendered` report of a custom editor for `uri`. */
function nextEditorRender(uri: vscode.Uri, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    void api().then((exitlens) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`no ExitLens Summary editor drew a chart for ${uri.path} within ${timeoutMs} ms`));
      }, timeoutMs);
      const sub = exitlens.onDidRenderSummary((e) => {
        if (e.uri.toString() !== uri.toString() || e.surface !== 'editor') return;
        clearTimeout(timer);
        sub.dispose();
        resolve(e.bars);
      });
    });
  });
}

describe('Trace files in the editor (real extension host)', function () {
  this.timeout(90_000);
  const manifest = () => extension().packageJSON as ManifestEditors;
  const scratch = () => vscode.Uri.joinPath(workspaceRoot(), 'editor-scratch');

  before(async () => {
    await api();
    fs.mkdirSync(scratch().fsPath, { recursive: true });
  });
  beforeEach(closeAll);
  after(async () => {
    await closeAll();
    fs.rmSync(scratch().fsPath, { recursive: true, force: true });
    fs.rmSync(path.join(workspaceRoot().fsPath, SIM_FOLDER), { recursive: true, force: true });
    await vscode.workspace.getConfiguration().update(SETTINGS.traceGlob, undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('contributes the custom editor: default for ExitLens JSONL, "Open With…" option for text traces', () => {
    const editors = manifest().contributes.customEditors;
    assert.deepStrictEqual(
      editors.map((e) => [e.viewType, e.displayName, e.priority]),
      [
        [PANELS.summaryEditor, 'ExitLens Summary', 'default'],
        [PANELS.textTraceSummaryEditor, 'ExitLens Summary', 'option'],
      ],
    );
    assert.deepStrictEqual(editors[0].selector, [{ filenamePattern: '*.exitlens.jsonl' }]);
    // summaryEditorViewType() must agree with the selectors, or the CodeLens would open nothing.
    for (const e of editors) {
      for (const { filenamePattern } of e.selector) {
        const sample = vscode.Uri.file(`/x/${filenamePattern.replace('*', 'sample')}`);
        assert.strictEqual(summaryEditorViewType(sample), e.viewType, filenamePattern);
      }
    }
    assert.strictEqual(summaryEditorViewType(vscode.Uri.file('/x/trace.dat')), undefined);
  });

  it('contributes the walkthrough: every step has existing Markdown media and links only contributed commands', async () => {
    const [walk] = manifest().contributes.walkthroughs;
    assert.strictEqual(walk.id, WALKTHROUGHS.getStarted);
    assert.strictEqual(walk.title, 'Get started with ExitLens');
    assert.deepStrictEqual(walk.steps.map((s) => s.id), ['simulate', 'summary', 'annotate', 'compare', 'traces']);
    const commands = new Set<string>(Object.values(COMMANDS));
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of walk.steps) {
      assert.ok(step.media.markdown, step.id);
      assert.ok(fs.existsSync(path.join(extension().extensionPath, step.media.markdown)), `${step.media.markdown} is missing`);
      const links = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.strictEqual(links.length, 1, step.id);
      assert.ok(commands.has(links[0]) || registered.has(links[0]), `${step.id} links ${links[0]}`);
    }
    assert.deepStrictEqual(walk.steps[0].completionEvents, [`onCommand:${COMMANDS.simulateWorkload}`]);
  });

  it('opens an ExitLens JSONL trace as its summary by default, with the simulator\'s exit count', async () => {
    const workload = BUILTIN_WORKLOADS.mmio;
    const out = new StringOut();
    const options = { workload, paging: 'shadow' as const, cpu: DEFAULT_CPU, pages: '4k' as const, seed: 3 };
    const result = simulateTrace(options, 'jsonl', out);
    const uri = vscode.Uri.joinPath(scratch(), 'mmio-shadow.exitlens.jsonl');
    fs.writeFileSync(uri.fsPath, out.toString());
    const rendered = nextEditorRender(uri);
    await vscode.commands.executeCommand('vscode.open', uri);
    const [tab] = await waitFor('the ExitLens Summary editor tab', () => {
      const tabs = customTabs(PANELS.summaryEditor);
      return tabs.length === 1 ? tabs : undefined;
    });
    assert.strictEqual((tab.input as vscode.TabInputCustom).uri.toString(), uri.toString());
    assert.strictEqual(tab.label, 'mmio-shadow.exitlens.jsonl');
    assert.strictEqual(vscode.window.activeTextEditor, undefined, 'no text editor model was opened');
    const summary = await (await api()).summarize(uri);
    assert.strictEqual(summary.format, 'exitlens-jsonl');
    assert.strictEqual(summary.exits, result.exits);
    assert.ok(result.exits > 0);
    assert.strictEqual(await rendered, Object.values(summary.byCategory).filter((n) => n > 0).length);
  });

  it('"Open With… ExitLens Summary" shows a text trace as its summary; the page reports its chart', async () => {
    const uri = trace(DIRTY_RING);
    const rendered = nextEditorRender(uri);
    await vscode.commands.executeCommand('vscode.openWith', uri, PANELS.textTraceSummaryEditor);
    await waitFor('the text-trace summary tab', () => (customTabs(PANELS.textTraceSummaryEditor).length === 1 ? true : undefined));
    assert.strictEqual(await rendered, 1, 'one non-zero category (ept) → one bar');
  });

  it('puts "ExitLens: N exits — Open summary" above the first line of a trace; the lens opens the summary beside', async () => {
    const uri = trace(DIRTY_RING);
    const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), LANGUAGE_ID);
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('a resolved CodeLens', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 5);
      const ours = found?.filter((l) => l.command?.title.startsWith('ExitLens'));
      return ours?.length ? ours : undefined;
    });
    assert.strictEqual(lenses.length, 1);
    assert.strictEqual(lenses[0].range.start.line, 0);
    assert.strictEqual(lenses[0].command?.title, 'ExitLens: 7 exits — Open summary');
    assert.strictEqual(lensTitle(1), 'ExitLens: 1 exit — Open summary');
    const rendered = nextEditorRender(uri);
    await vscode.commands.executeCommand(lenses[0].command!.command, ...(lenses[0].command!.arguments ?? []));
    assert.strictEqual(await rendered, 1);
    const tabs = customTabs(PANELS.textTraceSummaryEditor);
    assert.strictEqual(tabs.length, 1);
    assert.notStrictEqual(tabs[0].group.viewColumn, vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText))?.viewColumn, 'the summary opens beside the text');
  });

  it('routes the page\'s links and buttons to their actions with this trace, and ignores malformed requests', async () => {
    // A session over a stand-in webview: the messages are the page's, the actions are recorded.
    const incoming = new vscode.EventEmitter<unknown>();
    const posted: Array<{ type: string; [k: string]: unknown }> = [];
    const webview = {
      html: '',
      options: {},
      cspSource: 'https://csp.example',
      asWebviewUri: (u: vscode.Uri) => u,
      onDidReceiveMessage: incoming.event,
      postMessage: async (m: { type: string }) => {
        posted.push(m);
        return true;
      },
    } as unknown as vscode.Webview;
    const calls: string[] = [];
    const actions: SummaryPageActions = {
      openLine: async (uri, line, label) => calls.push(`openLine ${vscode.workspace.asRelativePath(uri, false)} ${line} ${label}`),
      compareWith: async (uri) => calls.push(`compareWith ${vscode.workspace.asRelativePath(uri, false)}`),
      annotate: async (uri) => calls.push(`annotate ${vscode.workspace.asRelativePath(uri, false)}`),
      exportSummary: async (_uri, label, summary) => calls.push(`export ${label} ${summary.exits}`),
    };
    const log = vscode.window.createOutputChannel('ExitLens test', { log: true });
    const summaries = new TraceSummaries({ workerScript: vscode.Uri.joinPath(extension().extensionUri, 'dist', 'parseWorker.js').fsPath });
    const session = new SummarySession(trace(MIXED), webview, { extensionUri: extension().extensionUri, summaries, log, onRendered: () => undefined, actions }, 'editor');
    try {
      assert.match(webview.html, /<script nonce="[^"]+" src="[^"]*summary\.js"><\/script>/);
      incoming.fire({ type: 'ready', protocol: PROTOCOL_VERSION, requestId: 1 });
      const reply = await waitFor('the summary reply', () => posted.find((m) => m.type === 'summary'));
      assert.strictEqual((reply.summary as { exits: number }).exits, 9);
      for (const m of [{ type: 'openLine', line: 22 }, { type: 'compareWith' }, { type: 'annotate' }, { type: 'export' }]) incoming.fire(m);
      for (const bad of [{ type: 'openLine', line: 0 }, { type: 'openLine', line: '22' }, { type: 'openFile', path: '/etc/passwd' }, null]) incoming.fire(bad);
      await waitFor('four actions', () => (calls.length >= 4 ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      assert.deepStrictEqual(calls.sort(), [
        `annotate traces/${MIXED}`,
        `compareWith traces/${MIXED}`,
        `export traces/${MIXED} 9`,
        `openLine traces/${MIXED} 22 traces/${MIXED}`,
      ]);
    } finally {
      session.dispose();
      summaries.dispose();
      log.dispose();
      incoming.dispose();
    }
  });

  it('a session on an unreadable file answers the page with one error naming the file', async () => {
    const incoming = new vscode.EventEmitter<unknown>();
    const posted: Array<{ type: string; [k: string]: unknown }> = [];
    const webview = { html: '', cspSource: 'x', asWebviewUri: (u: vscode.Uri) => u, onDidReceiveMessage: incoming.event, postMessage: async (m: { type: string }) => posted.push(m) > 0 } as unknown as vscode.Webview;
    const log = vscode.window.createOutputChannel('ExitLens test', { log: true });
    const summaries = new TraceSummaries({ workerScript: vscode.Uri.joinPath(extension().extensionUri, 'dist', 'parseWorker.js').fsPath });
    const missing = vscode.Uri.joinPath(workspaceRoot(), 'traces', 'missing.perf.txt');
    const session = new SummarySession(missing, webview, { extensionUri: extension().extensionUri, summaries, log, onRendered: () => undefined }, 'editor');
    try {
      incoming.fire({ type: 'ready', protocol: PROTOCOL_VERSION, requestId: 7 });
      const error = await waitFor('the error reply', () => posted.find((m) => m.type === 'error'));
      assert.deepStrictEqual(error, { type: 'error', requestId: 7, fileLabel: 'traces/missing.perf.txt', message: 'Could not summarise traces/missing.perf.txt: file not found' });
      assert.strictEqual(posted.filter((m) => m.type === 'error' || m.type === 'summary').length, 1);
    } finally {
      session.dispose();
      summaries.dispose();
      log.dispose();
      incoming.dispose();
    }
  });

  it('a warning\'s line link opens the trace as text at that line', async () => {
    const editor = await openTraceAtLine(trace(MIXED), 22, `traces/${MIXED}`);
    assert.ok(editor);
    assert.strictEqual(editor.document.uri.toString(), trace(MIXED).toString());
    assert.strictEqual(editor.selection.start.line, 21);
    assert.match(editor.document.lineAt(21).text, /reason HLT rip 0xzz401d00/);
    assert.strictEqual(vscode.window.activeTextEditor, editor);
  });

  it('treats files over exitlens.maxEditorFileSizeMB as too big for a text editor', async () => {
    const big = vscode.Uri.joinPath(scratch(), 'big.perf.txt');
    fs.writeFileSync(big.fsPath, Buffer.alloc(3 << 20, 0x20));
    const config = vscode.workspace.getConfiguration();
    assert.deepStrictEqual(await tooBigForTextEditor(big), { tooBig: false, size: 3 << 20 });
    await config.update(SETTINGS.maxEditorFileSizeMB, 2, vscode.ConfigurationTarget.Workspace);
    try {
      assert.deepStrictEqual(await tooBigForTextEditor(big), { tooBig: true, size: 3 << 20 });
    } finally {
      await config.update(SETTINGS.maxEditorFileSizeMB, undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('exports the summary as Markdown with hand-counted rows (HLT apart) and as JSON', async () => {
    const summary = await (await api()).summarize(trace(MIXED));
    const md = summaryMarkdown(`traces/${MIXED}`, summary);
    const lines = md.split('\n');
    assert.strictEqual(lines[0], '# ExitLens summary: traces/synthetic-perf-script-ns-mixed.txt');
    assert.ok(lines.includes('- **Exits:** 9'), md);
    assert.ok(lines.includes('- **Exits without HLT:** 8'), md);
    assert.ok(lines.includes('- **HLT exits \\(idle\\):** 1') || lines.includes('- **HLT exits (idle):** 1'), md);
    assert.ok(lines.includes('- **Warnings:** 1'), md);
    // 1 of 9 exits = 11.1 %; one measured IO exit of 10.2 µs: total, mean and p95 are that exit.
    assert.ok(lines.includes('| io | 1 | 11.1 % | 10.2 µs | 10.2 µs | 10.2 µs |'), md);
    assert.ok(lines.includes('| IO\\_INSTRUCTION | io | 1 | 11.1 % | 10.2 µs | 10.2 µs |'), md);
    // Two `other` exits: 0x45 (0.333 µs) and INVALID_STATE (0.5 µs) → 2 of 9 = 22.2 %.
    assert.ok(lines.some((l) => l.startsWith('| other | 2 | 22.2 % |')), md);
    assert.ok(lines.includes('## Idle: HLT (1 exit, 0 ns host time — not overhead)'), md);
    assert.ok(lines.includes('| HLT | hlt | 1 | 11.1 % | — | — |'), md);
    assert.ok(lines.includes("- line 22: kvm\\_exit: 'rip' value is not hex; not counted"), md);
    assert.ok(!lines.some((l) => /^\| hlt /.test(l)), 'hlt is not among the categories');
    assert.strictEqual(escapeMarkdown('a|b<script>'), 'a\\|b\\<script\\>');

    const mdFile = vscode.Uri.joinPath(scratch(), 'mixed.summary.md');
    const jsonFile = vscode.Uri.joinPath(scratch(), 'mixed.summary.json');
    assert.strictEqual(await writeExport(mdFile, `traces/${MIXED}`, summary), 'markdown');
    assert.strictEqual(await writeExport(jsonFile, `traces/${MIXED}`, summary), 'json');
    assert.strictEqual(fs.readFileSync(mdFile.fsPath, 'utf8'), md);
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(jsonFile.fsPath, 'utf8')), JSON.parse(JSON.stringify(summary)));
    assert.strictEqual(exportText('json', 'x', summary), JSON.stringify(summary, null, 2) + '\n');
  });

  it('describes traces for the Traces view and the status bar: "N exits · format", categories by count', async () => {
    const summary = await (await api()).summarize(trace(CHINAUNIX));
    assert.strictEqual(traceDescription(summary), '2 exits · ftrace');
    assert.deepStrictEqual(
      categoryNodes(trace(CHINAUNIX), summary).map((c) => [c.category, c.exits, c.share, c.hostNs]),
      [
        ['mmio', 1, '50.0 %', 4_000],
        ['io', 1, '50.0 %', 5_000],
      ],
    );
    assert.strictEqual(statusText(summary.format, summary.exits, summary.warningCount), 'ftrace · 2 exits · 0 warnings');
    const mixed = await (await api()).summarize(trace(MIXED));
    assert.strictEqual(statusText(mixed.format, mixed.exits, mixed.warningCount), 'perf-script · 9 exits · 1 warning');
  });

  it('Simulate Workload writes the shadow and EPT traces, their symbol files and the guest sources, and opens the summary', async () => {
    const outcome = (await vscode.commands.executeCommand(COMMANDS.simulateWorkload, { workload: 'forkwait', paging: 'both' })) as SimulateOutcome | undefined;
    assert.ok(outcome, 'the command returned nothing (see the ExitLens output channel)');
    const rel = (u: vscode.Uri) => vscode.workspace.asRelativePath(u, false);
    assert.deepStrictEqual(outcome.traces.map(rel), ['exitlens-sim/forkwait-shadow.perf.txt', 'exitlens-sim/forkwait-ept.perf.txt']);
    assert.deepStrictEqual(outcome.symbols.map(rel), ['exitlens-sim/forkwait-shadow.syms.json', 'exitlens-sim/forkwait-ept.syms.json']);
    assert.deepStrictEqual(outcome.sources.map(rel), ['exitlens-sim/samples/guest-kernel.c', 'exitlens-sim/samples/workloads.c']);
    for (const s of outcome.sources) assert.strictEqual(fs.readFileSync(s.fsPath, 'utf8'), fs.readFileSync(path.join(extension().extensionPath, 'samples', path.basename(s.fsPath)), 'utf8'));
    const workload = BUILTIN_WORKLOADS.forkwait;
    for (const [i, paging] of (['shadow', 'ept'] as const).entries()) {
      // The same run in this process: the worker must have written exactly this trace.
      const out = new StringOut();
      const expected = simulateTrace({ workload, paging, cpu: DEFAULT_CPU, pages: '4k', seed: 1 }, 'perf-script', out, `forkwait-${paging}.syms.json`);
      assert.strictEqual(expected.exits, simulate({ workload, paging, cpu: DEFAULT_CPU, pages: '4k', seed: 1 }).exits);
      assert.strictEqual(outcome.exits[i], expected.exits, paging);
      assert.strictEqual(fs.readFileSync(outcome.traces[i].fsPath, 'utf8'), out.toString(), paging);
      assert.strictEqual(fs.readFileSync(outcome.symbols[i].fsPath, 'utf8'), symbolFileFor(workload));
      const summary = await (await api()).summarize(outcome.traces[i]);
      assert.strictEqual(summary.exits, expected.exits, `${paging}: the parsed trace has the simulated exits`);
      assert.strictEqual(summary.meta.paging, paging);
      assert.strictEqual(summary.meta.symbols, `forkwait-${paging}.syms.json`);
    }
    await waitFor('the summary of the shadow trace', () => (customTabs(PANELS.textTraceSummaryEditor).some((t) => (t.input as vscode.TabInputCustom).uri.toString() === outcome.traces[0].toString()) ? true : undefined));
    // Sources that are there already are left alone.
    const again = (await vscode.commands.executeCommand(COMMANDS.simulateWorkload, { workload: 'pio', paging: 'ept', open: false })) as SimulateOutcome | undefined;
    assert.ok(again);
    assert.deepStrictEqual(again.traces.map(rel), ['exitlens-sim/pio-ept.perf.txt']);
    assert.deepStrictEqual(again.sources, []);
    // The Traces view lists what was written (default glob includes *.perf.txt).
    const listed = (await (await api()).listTraceFiles()).map(rel);
    for (const t of [...outcome.traces, ...again.traces]) assert.ok(listed.includes(rel(t)), `${rel(t)} not listed`);
  });

  it('Simulate Workload refuses an unknown workload with a message, not an exception', async () => {
    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.simulateWorkload, { workload: 'no-such-workload', paging: 'ept' }), undefined);
  });

  it('a summary page on an unreadable file shows one error and draws nothing', async () => {
    const link = vscode.Uri.joinPath(scratch(), 'dangling.exittrace');
    fs.symlinkSync(path.join(scratch().fsPath, 'gone.exittrace'), link.fsPath);
    let drew = false;
    const sub = (await api()).onDidRenderSummary((e) => {
      if (e.uri.toString() === link.toString()) drew = true;
    });
    try {
      const shown = await vscode.commands.executeCommand(COMMANDS.openTraceSummary, link);
      assert.strictEqual(shown, undefined, 'no summary for an unreadable file');
      await new Promise((r) => setTimeout(r, 500));
      assert.strictEqual(drew, false);
    } finally {
      sub.dispose();
      fs.rmSync(link.fsPath, { force: true });
    }
  });

  it('closing a summary editor while it reads cancels the read', async () => {
    const exitlens = await api();
    // 80 MB (the dirty-ring fixture repeated; a name the default trace glob does not list, so only the
    // editor and the status bar read it) keeps the worker busy for a second or more.
    const text = fs.readFileSync(trace(DIRTY_RING).fsPath, 'utf8');
    const big = vscode.Uri.joinPath(scratch(), 'repeated-dirty-ring.txt');
    const fd = fs.openSync(big.fsPath, 'w');
    for (let written = 0; written < 80 << 20; written += text.length) fs.writeSync(fd, text);
    fs.closeSync(fd);
    await vscode.commands.executeCommand('vscode.openWith', big, PANELS.textTraceSummaryEditor);
    await waitFor('the read to start', () => (exitlens.summaries.busy > 0 ? true : undefined), 10_000);
    const t0 = Date.now();
    await closeAll();
    await waitFor('every read to stop', () => (exitlens.summaries.busy === 0 ? true : undefined), 2_000);
    const ms = Date.now() - t0;
    console.log(`      closing the editor stopped its read within ${ms} ms`);
    assert.strictEqual(exitlens.summaries.peek(big), undefined, 'the read was cancelled, not finished');
  });
});
