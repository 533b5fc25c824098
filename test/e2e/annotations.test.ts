/**
 * Source annotations in the real workbench (code-server + chromium), as a user meets them: a forkwait
 * trace simulated into the workspace (core simulator, compiled into out/, next to copies of
 * samples/*.c), "Annotate Sources from Trace" / "Set Baseline Trace" / "Toggle Exit Annotations" run
 * from the command palette, the after-line texts and the hover read from the editor DOM, a hover link
 * opening the summary, and a click in the Hot Exit Sites tree revealing a line. Expected numbers come
 * from the simulator's own per-site counts (SimResult.sites). Screenshots: annotations-*.png.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { BUILTIN_WORKLOADS, simulateTrace, symbolFileFor, type SimResult } from '../../src/core/sim/index';
import { log, openWorkbench, runCommand, shot, viewRow, webviewWithHeading, type Workbench } from './workbench';

const DIR = 'annot-e2e';
const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The workspace folder code-server was started with (the `folder` parameter of CS_URL). */
function workspaceDir(): string {
  const folder = new URL(process.env.CS_URL ?? 'http://x/').searchParams.get('folder');
  assert.ok(folder, 'CS_URL has no folder parameter: run the e2e tier through `npm run test:e2e`');
  return folder;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Exits per `file:line` as the simulator counted them (several RIPs may share a line). */
function perLine(result: SimResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of result.sites) out.set(`${s.file}:${s.line}`, (out.get(`${s.file}:${s.line}`) ?? 0) + s.exits);
  return out;
}

/** `pagefault 4,800, interrupt 1`: a line's categories as the Hot Exit Sites view words them. */
function lineMix(result: SimResult, key: string): { mix: string; byCategory: Record<string, number> } {
  const byCategory: Record<string, number> = {};
  for (const s of result.sites) {
    if (`${s.file}:${s.line}` !== key) continue;
    for (const [c, n] of Object.entries(s.byCategory)) byCategory[c] = (byCategory[c] ?? 0) + (n ?? 0);
  }
  const mix = Object.entries(byCategory)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([c, n]) => `${c} ${count(n)}`)
    .join(', ');
  return { mix, byCategory };
}

/**
 * The after-line texts the editor shows: VS Code renders a decoration's `after` contentText as CSS
 * generated content, so this reads each element's `::after` content (and plain text, should a
 * version render it as injected text).
 */
async function afterTexts(page: Page): Promise<string[]> {
  return page.locator('.editor-group-container.active .monaco-editor .view-lines').first().evaluate((root) => {
    const out: string[] = [];
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const content = getComputedStyle(el, '::after').content;
      if (content && content.includes('⟲')) out.push(content.replace(/^"([\s\S]*)"$/, '$1').replace(/\\(.)/g, '$1'));
      else if (el.children.length === 0 && (el.textContent ?? '').includes('⟲')) out.push(el.textContent ?? '');
    }
    return [...new Set(out)];
  });
}

/** The editor line element for a 1-based line number, found through the line-number gutter. */
async function lineText(page: Page, line: number): Promise<Locator> {
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  const number = editor.locator('.margin-view-overlays .line-numbers', { hasText: new RegExp(`^\\s*${line}\\s*$`) }).first();
  await number.waitFor();
  const box = await number.boundingBox();
  assert.ok(box, `line ${line} is not on screen`);
  const lines = editor.locator('.view-lines .view-line');
  const n = await lines.count();
  for (let i = 0; i < n; i++) {
    const b = await lines.nth(i).boundingBox();
    if (b && Math.abs(b.y + b.height / 2 - (box.y + box.height / 2)) < b.height / 2) return lines.nth(i);
  }
  throw new Error(`no rendered text for line ${line}`);
}

/** Hovers the code of a line until the ExitLens hover shows; returns it. */
async function hoverLine(page: Page, line: number): Promise<Locator> {
  const target = await lineText(page, line);
  const hover = page.locator('.monaco-hover', { hasText: 'ExitLens' }).first();
  for (let attempt = 1; attempt <= 4; attempt++) {
    const box = await target.boundingBox();
    assert.ok(box);
    // Over the code itself (past the indentation), not the empty space after it.
    await page.mouse.move(box.x + 60 + attempt * 8, box.y + box.height / 2);
    try {
      await hover.waitFor({ state: 'visible', timeout: 5000 });
      return hover;
    } catch (e) {
      log(`hover not shown yet (attempt ${attempt})`);
      await page.mouse.move(box.x + 5, box.y - 200);
      if (attempt === 4) throw e;
    }
  }
  throw new Error('unreachable');
}

/** The Hot Exit Sites row of a source line: its label ends with `— <file name>:<line>`. */
function siteRow(page: Page, file: string, line: number): Locator {
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Hot Exit Sites' }) });
  const label = page.locator('.label-name', { hasText: new RegExp(`— ${path.basename(file).replace(/\./g, '\\.')}:${line}$`) });
  return pane.locator('.monaco-list-row', { has: label }).first();
}

/** Types into the open quick pick and accepts the row showing `label`. */
async function pickRow(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
}

describe('Source annotations in the real VS Code workbench (code-server + chromium)', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let page: Page;
  let shadow: SimResult;
  let ept: SimResult;
  const dir = () => path.join(workspaceDir(), DIR);

  before(async () => {
    fs.mkdirSync(path.join(dir(), 'samples'), { recursive: true });
    for (const f of ['workloads.c', 'guest-kernel.c']) fs.copyFileSync(path.join(ROOT, 'samples', f), path.join(dir(), 'samples', f));
    const run = (paging: 'shadow' | 'ept') => {
      const chunks: string[] = [];
      const syms = `forkwait-${paging}.syms.json`;
      const r = simulateTrace({ workload: BUILTIN_WORKLOADS.forkwait, paging, cpu: 'skylake', pages: '4k', seed: 1 }, 'perf-script', { write: (c) => chunks.push(c) }, syms);
      fs.writeFileSync(path.join(dir(), `forkwait-${paging}.perf.txt`), chunks.join(''));
      fs.writeFileSync(path.join(dir(), syms), symbolFileFor(BUILTIN_WORKLOADS.forkwait));
      return r;
    };
    shadow = run('shadow');
    ept = run('ept');
    wb = await openWorkbench();
    page = wb.page;
  });

  after(async () => {
    if (page) await runCommand(page, 'View: Close All Editors').catch(() => undefined);
    await wb?.browser.close();
    fs.rmSync(dir(), { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await shot(page, `FAIL-annotations-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}`).catch(() => undefined);
  });

  it('annotates the guest sources from the palette: the hottest line opens with the simulator\'s counts', async () => {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(`${DIR}/forkwait-shadow.perf.txt`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'forkwait-shadow.perf.txt' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'forkwait-shadow.perf.txt' }).waitFor();

    await runCommand(page, 'ExitLens: Annotate Sources from Trace');
    await pickRow(page, 'forkwait-shadow.perf.txt');
    // No annotated file was visible, so the command opens the busiest line.
    const hottest = shadow.sites[0];
    await page.locator('.tabs-container .tab.active', { hasText: path.basename(hottest.file) }).waitFor({ timeout: 60_000 });
    const lines = perLine(shadow);
    const expectHot = `⟲ ${count(lines.get(`${hottest.file}:${hottest.line}`)!)} exits · #PF`;
    let texts: string[] = [];
    for (let i = 0; i < 40 && !texts.some((t) => t.startsWith(expectHot)); i++) {
      await page.waitForTimeout(250);
      texts = await afterTexts(page);
    }
    log('after-line texts:', texts.join(' | '));
    assert.ok(texts.some((t) => t.startsWith(expectHot)), `no "${expectHot}…" among ${JSON.stringify(texts)}`);
    // Every decorated line of this file that is on screen shows the simulator's count for it.
    for (const [key, n] of lines) {
      if (!key.startsWith(hottest.file + ':')) continue;
      assert.ok(texts.some((t) => t.startsWith(`⟲ ${count(n)} exits`)), `${key}: ${n} exits not shown`);
    }
    const status = page.locator('.statusbar-item', { hasText: 'forkwait-shadow.perf.txt' }).first();
    await status.waitFor();
    // More room for the code and its after-line texts in the screenshots: hide the side bar.
    await page.keyboard.press('Control+B');
    await page.mouse.move(5, 450);
    await page.waitForTimeout(300);
    await shot(page, 'annotations-01-decorated-editor');
  });

  it('shows the hover of a hot line with its counts, and its link opens the trace summary', async () => {
    const hottest = shadow.sites[0];
    const exits = perLine(shadow).get(`${hottest.file}:${hottest.line}`)!;
    const hover = await hoverLine(page, hottest.line);
    const text = (await hover.innerText()).trim();
    log('hover:', text.replace(/\s+/g, ' ').slice(0, 300));
    assert.ok(text.includes(`${count(exits)} exits`), text);
    assert.ok(text.includes(`of all ${count(shadow.exits)} exits`), text);
    for (const [reason, n] of Object.entries(hottest.byReason)) assert.ok(new RegExp(`reason ${reason}\\s+${count(n)}\\s`).test(text), `${reason} ${n}: ${text}`);
    assert.ok(text.includes('Guest page faults (shadow paging)'), text);
    // The table is a real table, not Markdown source.
    assert.ok((await hover.locator('table td').count()) >= 3, 'the hover has no rendered table');
    // Per-site timing: mean and p95 of the line's exits, not "n/a".
    assert.match(text, /mean [\d.]+ (ns|µs|ms) · p95 [\d.]+ (ns|µs|ms)/);
    await page.waitForTimeout(400); // the hover fades in: let it settle before the screenshot
    await shot(page, 'annotations-02-hover');
    // The command link is trusted (only the chart commands are): it opens the summary of the trace.
    await hover.locator('a', { hasText: 'Open trace summary' }).click();
    const view = await webviewWithHeading(page, 'forkwait-shadow.perf.txt');
    await view.locator('#status:has-text("Chart drawn")').waitFor({ timeout: 60_000 });
    assert.strictEqual((await view.locator('#fact-exits').innerText()).trim(), count(shadow.exits));
    await shot(page, 'annotations-03-hover-link-summary');
  });

  it('sets the EPT run as the baseline from the palette: the hover states the delta', async () => {
    await runCommand(page, 'ExitLens: Set Baseline Trace');
    await pickRow(page, 'forkwait-ept.perf.txt');
    const hottest = shadow.sites[0];
    await page.locator('.tabs-container .tab', { hasText: path.basename(hottest.file) }).first().click();
    const key = `${hottest.file}:${hottest.line}`;
    const b = perLine(shadow).get(key)!;
    const a = perLine(ept).get(key) ?? 0;
    const delta = `Δ +${count(b - a)}`;
    let texts: string[] = [];
    for (let i = 0; i < 40 && !texts.some((t) => t.includes(delta)); i++) {
      await page.waitForTimeout(250);
      texts = await afterTexts(page);
    }
    assert.ok(texts.some((t) => t.includes(delta)), `no "${delta}" among ${JSON.stringify(texts)}`);
    const hover = await hoverLine(page, hottest.line);
    const text = await hover.innerText();
    assert.ok(text.includes(`Against ${DIR}/forkwait-ept.perf.txt: ${count(a)} exit`), text);
    await shot(page, 'annotations-04-baseline-hover');
    await page.mouse.move(5, 450);
  });

  it('toggles the annotations off from the palette and on again from the status-bar item', async () => {
    await runCommand(page, 'ExitLens: Toggle Exit Annotations');
    let texts = ['x'];
    for (let i = 0; i < 40 && texts.length > 0; i++) {
      await page.waitForTimeout(250);
      texts = await afterTexts(page);
    }
    assert.deepStrictEqual(texts, [], 'decorations stayed after toggling off');
    const item = page.locator('.statusbar-item', { has: page.locator('.codicon-eye-closed') }).first();
    await item.waitFor();
    await shot(page, 'annotations-05-toggled-off');
    await item.click();
    for (let i = 0; i < 40 && texts.length === 0; i++) {
      await page.waitForTimeout(250);
      texts = await afterTexts(page);
    }
    assert.ok(texts.length > 0, 'decorations did not come back');
  });

  it('lists trace → category → site in Hot Exit Sites; a click reveals the line', async () => {
    await page.locator('.activitybar .action-item a[aria-label="ExitLens"], .activitybar .action-item [aria-label^="ExitLens"]').first().click();
    const hottest = shadow.sites[0];
    const hotRow = siteRow(page, hottest.file, hottest.line);
    await hotRow.waitFor();
    // Under the pagefault category the row counts the line's #PF exits; the mix names all of its categories.
    const { mix, byCategory } = lineMix(shadow, `${hottest.file}:${hottest.line}`);
    const text = (await hotRow.innerText()).replace(/\s+/g, ' ');
    log('hot site row:', text);
    assert.ok(text.includes(`${count(byCategory.pagefault)} exits — ${mix}`), text);
    await viewRow(page, 'Hot Exit Sites', 'forkwait-shadow.perf.txt').waitFor();
    await viewRow(page, 'Hot Exit Sites', 'pagefault').waitFor();
    // A guest-kernel #PF line (listed under the expanded pagefault category): the click opens it.
    const kernel = shadow.sites.find((s) => s.kernel && (s.byCategory.pagefault ?? 0) > 0)!;
    const row = siteRow(page, kernel.file, kernel.line);
    await row.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'guest-kernel.c' }).waitFor();
    await page.locator('.statusbar-item', { hasText: `Ln ${kernel.line}, Col 1` }).first().waitFor();
    await page.waitForTimeout(300);
    await shot(page, 'annotations-06-hot-sites-view');
  });
});
