/**
 * Trace files in the real workbench, as a user meets them: every fixture opens as the `exit-trace`
 * language with coloured tokens and a CodeLens whose summary shows the core's numbers; the status bar,
 * warning line links, Export, the Traces view's summaries, Simulate Workload from the palette and from
 * the walkthrough, a big trace's progress notification with Cancel, and an unreadable file's single
 * error. Expected numbers come from the core (compiled into out/) run on the same files in this process.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { summarizeSource } from '../../src/core/analysis/summarize';
import type { TraceSummary } from '../../src/core/model/summary';
import { BUILTIN_WORKLOADS, DEFAULT_CPU, simulate } from '../../src/core/sim/index';
import { fileSource } from '../../src/cli/io';
import { log, openPalette, openWorkbench, runCommand, shot, viewRow, webviewWithHeading, type Workbench } from './workbench';

const DIRTY_RING = 'trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt';
const MIXED = 'synthetic-perf-script-ns-mixed.txt'; // 9 exits, 1 warning (line 22)

/** The workspace folder code-server was started with (the `folder` parameter of CS_URL). */
function workspaceDir(): string {
  const folder = new URL(process.env.CS_URL ?? 'http://x/').searchParams.get('folder');
  assert.ok(folder, 'CS_URL has no folder parameter');
  return folder;
}

const count = (n: number) => n.toLocaleString('en-US');

/** What the summary page shows once it has settled: the facts, or the error sentence. */
async function readPage(page: Page, heading: string): Promise<{ view: FrameLocator; status: string; exits?: string; format?: string }> {
  const view = await webviewWithHeading(page, heading);
  const outcome = view.locator('#status.error, #status:has-text("Chart drawn"), #status:has-text("No exits to chart")');
  await outcome.waitFor({ timeout: 60_000 });
  const status = (await outcome.innerText()).trim();
  if (await view.locator('#fact-exits').count()) {
    return { view, status, exits: (await view.locator('#fact-exits').innerText()).trim(), format: (await view.locator('#fact-format').innerText()).trim() };
  }
  return { view, status };
}

/** Opens a workspace file as text through Quick Open (the palette without `>`), retrying once. */
async function quickOpen(page: Page, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    try {
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: 10_000 });
      return;
    } catch (e) {
      log(`quick open of ${name} failed (attempt ${attempt})`);
      await page.keyboard.press('Escape');
      if (attempt === 3) throw e;
    }
  }
}

async function closeAllEditors(page: Page): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await runCommand(page, 'View: Close All Editors');
    try {
      await page.waitForFunction(() => document.querySelectorAll('.tabs-container .tab').length === 0, undefined, { timeout: 5_000 });
      return;
    } catch {
      log(`editors still open after Close All Editors (attempt ${attempt})`);
    }
  }
}

/** Dismisses every notification (another feature's toast may cover the bottom of a webview). */
async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.waitForFunction(() => document.querySelectorAll('.notifications-toasts .notification-toast').length === 0, undefined, { timeout: 5_000 }).catch(() => undefined);
}

/** Shows the ExitLens side bar with the Traces view (idempotent, unlike clicking the activity bar). */
async function showTracesView(page: Page): Promise<void> {
  await runCommand(page, 'ExitLens: Focus on Traces View');
  await page.locator('.pane-header', { hasText: 'Traces' }).first().waitFor();
  // The tree renders only the rows in sight: give the Traces view the side bar's height.
  const hotSites = page.locator('.pane-header[aria-expanded="true"]', { hasText: 'Hot Exit Sites' });
  if ((await hotSites.count()) > 0) await hotSites.first().click();
}

/**
 * Runs `label` from the Explorer context menu of `row`, as the compare e2e does: select the row (unless
 * told not to), open the menu, let it settle, click the item (a click while the menu still animates in
 * can be lost).
 */
async function explorerMenu(page: Page, row: Locator, label: string, select = true): Promise<void> {
  if (select) await row.click();
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .action-item', { hasText: label }).first();
  await item.waitFor();
  await page.waitForTimeout(300);
  await item.click();
}

/** Explorer context menu → Open With…, retried until its quick pick shows. */
async function openWithFromExplorer(page: Page, row: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await explorerMenu(page, row, 'Open With...');
    try {
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 5_000 });
      return;
    } catch (e) {
      log(`Open With… did not open its quick pick (attempt ${attempt})`);
      await page.keyboard.press('Escape');
      if (attempt === 3) throw e;
    }
  }
}

/** Picks the row of the open quick pick whose label is `label`. */
async function pick(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
}

describe('Trace files in the real VS Code editor (code-server + chromium)', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let page: Page;
  const ws = () => workspaceDir();
  const scratch = () => path.join(ws(), 'editor-e2e');
  const core = new Map<string, TraceSummary>();

  before(async () => {
    const traces = path.join(ws(), 'traces');
    for (const name of fs.readdirSync(traces).filter((n) => n.endsWith('.txt')).sort()) {
      core.set(name, await summarizeSource(fileSource(path.join(traces, name))));
    }
    fs.mkdirSync(scratch(), { recursive: true });
    wb = await openWorkbench();
    page = wb.page;
  });

  after(async () => {
    if (page) await closeAllEditors(page).catch(() => undefined);
    await wb?.browser.close();
    // Leave the workspace as the next e2e file expects it.
    for (const p of [scratch(), path.join(ws(), 'exitlens-sim'), path.join(ws(), 'traces', MIXED.replace(/\.txt$/, '.summary.md'))]) fs.rmSync(p, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await shot(page, `editor-FAIL-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}`).catch(() => undefined);
  });

  it('opens every fixture as exit-trace with a CodeLens; the lens opens the summary with the core\'s numbers', async function () {
    this.timeout(600_000);
    assert.ok(core.size >= 10, `only ${core.size} fixtures`);
    for (const [name, summary] of core) {
      await quickOpen(page, name);
      const mode = page.locator('[id="status.editor.mode"]');
      await mode.waitFor();
      assert.strictEqual((await mode.innerText()).trim(), 'VM Exit Trace', `${name}: language mode`);
      const empty = summary.exits === 0 && !(summary.tables?.length ?? 0);
      const title = empty ? 'ExitLens: no VM exits recognised — Open summary' : `ExitLens: ${count(summary.exits)} ${summary.exits === 1 ? 'exit' : 'exits'} — Open summary`;
      const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: title });
      await lens.first().waitFor({ timeout: 30_000 });
      if (name === DIRTY_RING) await shot(page, 'editor-01-codelens');
      await lens.first().click();
      const shown = await readPage(page, `traces/${name}`);
      log(`${name}: lens "${title}", page: ${JSON.stringify({ status: shown.status, exits: shown.exits, format: shown.format })}`);
      if (empty) {
        assert.match(shown.status, new RegExp(`^Could not summarise traces/${name.replace(/\./g, '\\.')}: `));
      } else {
        assert.strictEqual(shown.exits, count(summary.exits), `${name}: exits`);
        assert.strictEqual(shown.format, summary.format + (summary.meta.simulated ? ' (simulated)' : ''), `${name}: format`);
      }
      if (name === DIRTY_RING) await shot(page, 'editor-02-summary-beside');
      await closeAllEditors(page);
    }
  });

  it('colours the reason and the timestamp of a kvm_exit line differently', async () => {
    await quickOpen(page, DIRTY_RING);
    // Line 3: `>   dirty_log_test-29003 [001] 184503.384329: kvm_exit: … reason EPT_VIOLATION rip 0x40359f info 582 0`
    const line = page.locator('.editor-instance .monaco-editor .view-lines .view-line', { hasText: 'EPT_VIOLATION' }).first();
    await line.waitFor();
    const colours = await line.evaluate((node) => {
      const spans = Array.from(node.querySelectorAll('span')).filter((x) => x.children.length === 0) as HTMLElement[];
      const colourOf = (re: RegExp) => {
        const s = spans.find((x) => re.test(x.textContent ?? ''));
        return s ? { text: s.textContent, colour: getComputedStyle(s).color } : undefined;
      };
      return { reason: colourOf(/EPT_VIOLATION/), timestamp: colourOf(/\d+\.\d{6}/), spans: spans.length };
    });
    log('kvm_exit token colours:', JSON.stringify(colours));
    assert.ok(colours.reason?.colour && colours.timestamp?.colour, JSON.stringify(colours));
    assert.match(colours.reason.colour, /^rgb/);
    assert.notStrictEqual(colours.reason.colour, colours.timestamp.colour);
    await shot(page, 'editor-03-token-colours');
  });

  it('shows format · exits · warnings of the active trace in the status bar; a click opens its summary', async () => {
    await closeAllEditors(page);
    await quickOpen(page, MIXED);
    const item = page.locator('.statusbar-item', { hasText: 'perf-script · 9 exits · 1 warning' });
    await item.waitFor();
    await shot(page, 'editor-04-status-bar');
    await item.click();
    const shown = await readPage(page, `traces/${MIXED}`);
    assert.strictEqual(shown.exits, '9');
  });

  it('lists warnings with line links; a click opens the trace as text at that line', async () => {
    await clearNotifications(page);
    const view = await webviewWithHeading(page, `traces/${MIXED}`);
    const link = view.locator('button.line-link', { hasText: `traces/${MIXED}:22` });
    await link.waitFor();
    assert.match(await view.locator('ul.warnings li').first().innerText(), /:22: kvm_exit: 'rip' value is not hex; not counted/);
    await link.click();
    const selection = page.locator('[id="status.editor.selection"]');
    await page.waitForFunction(() => /^Ln 22,/.test(document.querySelector('[id="status.editor.selection"]')?.textContent?.trim() ?? ''));
    log('selection after the line link:', (await selection.innerText()).trim());
    await shot(page, 'editor-05-warning-line');
  });

  it('Export… saves the summary as Markdown through the save dialog', async () => {
    const target = path.join(ws(), 'traces', MIXED.replace(/\.txt$/, '.summary.md'));
    fs.rmSync(target, { force: true });
    await page.locator('.statusbar-item', { hasText: 'perf-script · 9 exits · 1 warning' }).click();
    const view = await webviewWithHeading(page, `traces/${MIXED}`);
    await clearNotifications(page);
    await view.getByRole('button', { name: 'Export…' }).click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    // The simple (web) save dialog fills its path in after it opens.
    await page.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith('.summary.md'), undefined, { timeout: 10_000 });
    log('save dialog proposes:', await input.inputValue());
    assert.ok((await input.inputValue()).endsWith('traces/synthetic-perf-script-ns-mixed.summary.md'));
    await shot(page, 'editor-06-export-dialog');
    await page.keyboard.press('Enter');
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'Exported the summary of traces/' }).waitFor();
    const md = fs.readFileSync(target, 'utf8');
    assert.ok(md.startsWith(`# ExitLens summary: traces/${MIXED}\n`), md.slice(0, 200));
    assert.ok(md.includes('| io | 1 | 11.1 % | 10.2 µs | 10.2 µs | 10.2 µs |'), md);
  });

  it('lists traces in the Traces view with "N exits · format" and their categories', async () => {
    await closeAllEditors(page);
    await showTracesView(page);
    const row = viewRow(page, 'Traces', DIRTY_RING);
    await row.waitFor();
    await page.waitForFunction((name) => Array.from(document.querySelectorAll('.monaco-list-row')).some((r) => r.textContent?.includes(name) && r.textContent.includes('7 exits · trace-cmd')), DIRTY_RING);
    await row.locator('.monaco-tl-twistie').click();
    const child = viewRow(page, 'Traces', '7 exits · 100.0 %');
    await child.waitFor();
    assert.match(await child.innerText(), /ept/);
    await shot(page, 'editor-07-traces-view');
  });

  it('runs "ExitLens: Simulate Workload" from the palette: quick picks, files written, summary opened', async () => {
    await runCommand(page, 'ExitLens: Simulate Workload');
    await pick(page, 'forkwait');
    await pick(page, 'both');
    const workload = BUILTIN_WORKLOADS.forkwait;
    const exits = simulate({ workload, paging: 'shadow', cpu: DEFAULT_CPU, pages: '4k', seed: 1 }).exits;
    const shown = await readPage(page, 'exitlens-sim/forkwait-shadow.perf.txt');
    assert.strictEqual(shown.exits, count(exits));
    assert.strictEqual(shown.format, 'perf-script (simulated)');
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'Simulated forkwait: wrote exitlens-sim/forkwait-shadow.perf.txt' }).waitFor();
    for (const f of ['forkwait-shadow.perf.txt', 'forkwait-shadow.syms.json', 'forkwait-ept.perf.txt', 'forkwait-ept.syms.json']) {
      assert.ok(fs.existsSync(path.join(ws(), 'exitlens-sim', f)), `${f} was not written`);
    }
    const samples = path.join(ws(), 'exitlens-sim', 'samples');
    log('guest sources copied:', fs.existsSync(samples) ? fs.readdirSync(samples).join(', ') : '(none: samples/ is not in this package)');
    await shot(page, 'editor-08-simulated-summary');
  });

  it('the summary\'s Compare with… and Annotate sources buttons hand the trace to their commands', async () => {
    // The guest sources the symbol file points at: copied by Simulate Workload when the package ships
    // them (samples/*.c), else copied here from the checkout, as a user with the sources would have them.
    const samples = path.join(ws(), 'exitlens-sim', 'samples');
    if (!fs.existsSync(path.join(samples, 'workloads.c'))) {
      fs.mkdirSync(samples, { recursive: true });
      for (const f of ['workloads.c', 'guest-kernel.c']) fs.copyFileSync(path.resolve(__dirname, '..', '..', '..', 'samples', f), path.join(samples, f));
      log('copied samples/*.c into the workspace (this package has no guest sources)');
    }
    await clearNotifications(page);
    const view = await webviewWithHeading(page, 'exitlens-sim/forkwait-shadow.perf.txt');
    await view.getByRole('button', { name: 'Compare with…' }).click();
    const picker = page.locator('.quick-input-widget', { hasText: 'Compare Builds' });
    await picker.waitFor({ state: 'visible' });
    log('Compare with… opened:', (await picker.locator('.quick-input-title').innerText().catch(() => '')).trim());
    await shot(page, 'editor-09-compare-with');
    await page.keyboard.press('Escape');
    await view.getByRole('button', { name: 'Annotate sources' }).click();
    // Annotating forkwait opens its hottest guest line (the fork loop in samples/workloads.c).
    await page.locator('.tabs-container .tab', { hasText: 'workloads.c' }).first().waitFor();
    await shot(page, 'editor-10-annotate-sources');
  });

  it('the walkthrough "Get started with ExitLens" simulates a workload from its first step', async () => {
    await closeAllEditors(page);
    await openPalette(page, 'Welcome: Open Walkthrough', 'Welcome: Open Walkthrough');
    await page.keyboard.press('Enter');
    await pick(page, 'Get started with ExitLens');
    const walkthrough = page.locator('.gettingStartedContainer');
    await walkthrough.locator('text=Simulate a workload').first().waitFor();
    for (const step of ['Read the summary', 'Annotate the guest sources', 'Compare shadow paging with EPT']) await walkthrough.locator(`text=${step}`).first().waitFor();
    await shot(page, 'editor-11-walkthrough');
    await walkthrough.getByRole('button', { name: 'Simulate Workload' }).first().click();
    await pick(page, 'mmio');
    await pick(page, 'shadow');
    const exits = simulate({ workload: BUILTIN_WORKLOADS.mmio, paging: 'shadow', cpu: DEFAULT_CPU, pages: '4k', seed: 1 }).exits;
    const shown = await readPage(page, 'exitlens-sim/mmio-shadow.perf.txt');
    assert.strictEqual(shown.exits, count(exits));
    await shot(page, 'editor-12-walkthrough-simulated');
  });

  it('a big trace from the Traces view shows read progress (%, exits/s) and Cancel stops it', async function () {
    this.timeout(300_000);
    await closeAllEditors(page);
    // 1.5 M exits of the benchmark generator's SYNTHETIC perf-script text ≈ 500 MB: several seconds to read.
    const file = path.join(ws(), 'traces', 'aa-generated-big.txt');
    const { generate } = (await import(path.resolve(__dirname, '..', '..', '..', 'scripts', 'bench', 'generate.js'))) as { generate: (f: string, o: { exits: number }) => { bytes: number } };
    // Written outside the traces glob, then moved in: the Traces view must first see it whole (500 MB,
    // over the size limit), not while it is still small and growing.
    fs.mkdirSync(scratch(), { recursive: true });
    const staged = path.join(scratch(), 'aa-generated-big.txt');
    const made = generate(staged, { exits: 1_500_000 });
    fs.renameSync(staged, file);
    try {
      await showTracesView(page);
      const row = viewRow(page, 'Traces', 'aa-generated-big.txt');
      await row.waitFor();
      await page.waitForFunction(() => Array.from(document.querySelectorAll('.monaco-list-row')).some((r) => r.textContent?.includes('aa-generated-big.txt') && r.textContent.includes('not read yet')));
      log('Traces view row of the big trace:', (await row.innerText()).replace(/\s+/g, ' '), `(${(made.bytes / 1e6).toFixed(0)} MB)`);
      await row.click();
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'ExitLens: reading traces/aa-generated-big.txt' });
      await toast.waitFor({ timeout: 20_000 });
      await page.waitForFunction(() => /\d+ % · [\d,]+ exits\/s/.test(document.querySelector('.notifications-toasts')?.textContent ?? ''), undefined, { timeout: 5_000 });
      log('progress notification:', (await toast.innerText({ timeout: 2_000 })).replace(/\s+/g, ' '));
      await shot(page, 'editor-13-big-trace-progress');
      await toast.hover();
      await toast.getByRole('button', { name: 'Cancel' }).click({ timeout: 5_000 });
      const cancelled = await webviewWithHeading(page, 'traces/aa-generated-big.txt');
      await cancelled.locator('#status.error', { hasText: 'was cancelled' }).waitFor();
      log('page after Cancel:', (await cancelled.locator('#status').innerText()).trim());
      await shot(page, 'editor-14-big-trace-cancelled');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('"Open With… → ExitLens Summary" from the Explorer shows a text trace as its summary', async () => {
    await closeAllEditors(page);
    await page.keyboard.press('Control+Shift+E');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: DIRTY_RING }).first();
    await row.waitFor();
    await openWithFromExplorer(page, row);
    await pick(page, 'ExitLens Summary');
    const shown = await readPage(page, `traces/${DIRTY_RING}`);
    assert.deepStrictEqual([shown.exits, shown.format], ['7', 'trace-cmd']);
    await shot(page, 'editor-15-open-with');
  });

  it('an unreadable trace (a dangling link; Explorer → Open Trace Summary) shows one error and one notification', async () => {
    await closeAllEditors(page);
    await clearNotifications(page);
    const link = path.join(ws(), 'traces', 'aa-unreadable.txt');
    fs.symlinkSync(path.join(scratch(), 'gone.txt'), link);
    try {
      // The workspace file search (Traces view, Quick Open) skips dangling links; the Explorer lists them.
      await page.keyboard.press('Control+Shift+E');
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'aa-unreadable.txt' }).first();
      await row.waitFor();
      // Not selected first: a click on a dangling link opens VS Code's "file not found" dialog.
      await explorerMenu(page, row, 'Open Trace Summary', false);
      const view = await webviewWithHeading(page, 'traces/aa-unreadable.txt');
      const error = view.locator('#status.error');
      await error.waitFor();
      assert.strictEqual((await error.innerText()).trim(), 'Could not summarise traces/aa-unreadable.txt: file not found');
      const toasts = page.locator('.notifications-toasts .notification-toast', { hasText: 'Could not summarise traces/aa-unreadable.txt' });
      await toasts.first().waitFor();
      await page.waitForTimeout(1000);
      assert.strictEqual(await toasts.count(), 1, 'one notification');
      await shot(page, 'editor-16-unreadable');
    } finally {
      fs.rmSync(link, { force: true });
    }
  });
});
