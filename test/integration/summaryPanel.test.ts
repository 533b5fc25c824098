/**
 * "Open Trace Summary" end to end inside VS Code: the command summarises real fixture traces through the
 * core, opens one webview panel per file, and the page reports a drawn chart after the ready handshake.
 * Expected numbers are counted by hand from the fixture text (derivations next to each).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TraceSummary } from '../../src/core/model/summary';
import { COMMANDS, PANELS } from '../../src/shared/ids';
import { api, closeAll, nextRender, trace, waitFor, webviewTabs, workspaceRoot } from './helpers';

// test/fixtures/trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt (mail-quoted `trace-cmd report`):
// 7 `kvm_exit: reason EPT_VIOLATION` lines, all on vCPU 1 (`kvm_entry: vcpu 1`). Exit → next entry, µs:
// .384329→.384331 = 2, .384332→.384333 = 1, .384334→.384336 = 2, .384336→.505187 = 120851 (a
// userspace exit in between), .505193→.505206 = 13, .505207→.505226 = 19, .505227→.505231 = 4;
// sum 120892 µs.
const DIRTY_RING = 'trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt';
// test/fixtures/ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt: two exits, legacy names.
// `apic_access` at 11906.220181 (entry .220185: 4 µs; APIC_ACCESS → mmio) and `io_instruction` at
// .220188 (entry .220193: 5 µs; IO_INSTRUCTION → io).
const CHINAUNIX = 'ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt';

/** Waits until exactly `n` summary tabs are open (the tab model follows the panels asynchronously). */
function summaryTabs(n: number): Promise<vscode.Tab[]> {
  return waitFor(`${n} summary tab(s)`, () => {
    const tabs = webviewTabs(PANELS.summary);
    return tabs.length === n ? tabs : undefined;
  });
}

/** Lets pending tab-model updates arrive before asserting that something did NOT change. */
function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 500));
}

describe('Open Trace Summary (real extension host)', function () {
  this.timeout(60_000);

  beforeEach(closeAll);
  after(closeAll);

  it('summarises the active editor\'s trace and draws its chart in a webview panel', async () => {
    const exitlens = await api();
    const uri = trace(DIRTY_RING);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    const rendered = nextRender(exitlens, uri);
    const summary = (await vscode.commands.executeCommand(COMMANDS.openTraceSummary)) as TraceSummary | undefined;
    assert.ok(summary, 'the command returned no summary (see the ExitLens output channel)');
    assert.strictEqual(summary.format, 'trace-cmd');
    assert.strictEqual(summary.exits, 7);
    assert.deepStrictEqual(summary.byReason, { EPT_VIOLATION: 7 });
    assert.strictEqual(summary.byCategory.ept, 7);
    assert.strictEqual(summary.timeByCategory.ept, 120_892_000);
    assert.deepStrictEqual(summary.vcpus, [1]);
    const tabs = await summaryTabs(1);
    assert.strictEqual(tabs[0].label, `Exits: ${DIRTY_RING}`);
    assert.strictEqual(await rendered, 1, 'one non-zero category (ept) → one bar');
  });

  it('takes the file from a URI argument, as the Explorer and the Traces view pass it', async () => {
    const exitlens = await api();
    const uri = trace(CHINAUNIX);
    const rendered = nextRender(exitlens, uri);
    const summary = (await vscode.commands.executeCommand(COMMANDS.openTraceSummary, uri)) as TraceSummary | undefined;
    assert.ok(summary);
    assert.strictEqual(summary.format, 'ftrace');
    assert.strictEqual(summary.exits, 2);
    assert.deepStrictEqual(summary.byReason, { APIC_ACCESS: 1, IO_INSTRUCTION: 1 });
    assert.strictEqual(summary.byCategory.mmio, 1);
    assert.strictEqual(summary.byCategory.io, 1);
    assert.strictEqual(summary.timeByCategory.mmio, 4_000);
    assert.strictEqual(summary.timeByCategory.io, 5_000);
    assert.strictEqual(await rendered, 2, 'mmio and io → two bars');
    assert.strictEqual(vscode.window.activeTextEditor, undefined, 'the trace itself is not opened in a text editor');
  });

  it('reveals the existing panel for the same file; another file\'s summary opens in the same column', async () => {
    const uri = trace(CHINAUNIX);
    await vscode.commands.executeCommand(COMMANDS.openTraceSummary, uri);
    await summaryTabs(1);
    await vscode.commands.executeCommand(COMMANDS.openTraceSummary, uri);
    await settle();
    assert.strictEqual(webviewTabs(PANELS.summary).length, 1);
    await vscode.commands.executeCommand(COMMANDS.openTraceSummary, trace(DIRTY_RING));
    const [a, b] = await summaryTabs(2);
    assert.strictEqual(a.group, b.group, 'summaries share one editor column');
  });

  it('summarises unsaved editor text, not the file on disk', async () => {
    // The chinaunix trace without its io_instruction exit (its kvm_exit, kvm_pio and closing kvm_entry
    // lines): one APIC_ACCESS exit remains.
    const text = (await vscode.workspace.fs.readFile(trace(CHINAUNIX))).toString();
    const kept = text.split('\n').filter((l) => !/220188|220193/.test(l));
    assert.strictEqual(kept.length, text.split('\n').length - 3);
    const doc = await vscode.workspace.openTextDocument({ content: kept.join('\n'), language: 'plaintext' });
    await vscode.window.showTextDocument(doc);
    const summary = (await vscode.commands.executeCommand(COMMANDS.openTraceSummary)) as TraceSummary | undefined;
    assert.ok(summary);
    assert.strictEqual(summary.exits, 1);
    assert.deepStrictEqual(summary.byReason, { APIC_ACCESS: 1 });
  });

  it('a file with no exits gives no summary, only a message naming the file (no throw)', async () => {
    const dir = vscode.Uri.joinPath(workspaceRoot(), 'not-traces');
    const prose = vscode.Uri.joinPath(dir, 'notes.txt');
    const empty = vscode.Uri.joinPath(dir, 'empty.txt');
    await vscode.workspace.fs.writeFile(prose, new TextEncoder().encode('# synthetic: prose, not a trace\nMeeting notes.\n'));
    await vscode.workspace.fs.writeFile(empty, new Uint8Array());
    try {
      assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.openTraceSummary, prose), undefined);
      assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.openTraceSummary, empty), undefined);
      await summaryTabs(2); // each panel is open and shows the error (the e2e tier reads that page)
    } finally {
      await closeAll();
      await vscode.workspace.fs.delete(dir, { recursive: true });
    }
  });

  it('closing the panel disposes it; the command opens a fresh one afterwards', async () => {
    const uri = trace(CHINAUNIX);
    await vscode.commands.executeCommand(COMMANDS.openTraceSummary, uri);
    await summaryTabs(1);
    await closeAll();
    await summaryTabs(0);
    const exitlens = await api();
    const rendered = nextRender(exitlens, uri);
    await vscode.commands.executeCommand(COMMANDS.openTraceSummary, uri);
    await summaryTabs(1);
    assert.strictEqual(await rendered, 2);
  });
});
