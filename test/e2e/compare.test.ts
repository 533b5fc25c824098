/**
 * Compare Builds in the real workbench (code-server + chromium), driven like a person: the palette
 * command with its quick picks and label boxes, the panel's charts (canvas pixels), a click in the
 * sites table that opens the source line, the panel coming back after a reload, the Explorer's
 * multi-selection context menu, a hostile symbol name shown as text, and the standalone HTML report
 * (`exitlens report`) rendering in headless Chromium without a console error. Screenshots are saved
 * as `compare-*.png` under test-results/e2e/.
 *
 * The traces are made here: forkwait simulated under both paging modes by the packaged CLI (as a user
 * would run it), and two SYNTHETIC perf-script traces whose symbol file names a function
 * `<img src=x onerror=alert(1)>`.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { FrameLocator, Page } from 'playwright-core';
import { colouredPixels, log, openPalette, openWorkbench, runCommand, shot, webviewWithHeading, type Workbench } from './workbench';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const XSS = '<img src=x onerror=alert(1)>';

/** The workspace folder code-server was opened on (from CS_URL's `folder` parameter). */
function workspaceDir(): string {
  const folder = new URL(process.env.CS_URL ?? 'http://x/').searchParams.get('folder');
  if (!folder) throw new Error('CS_URL has no folder: run through `npm run test:e2e`');
  return folder;
}

function cli(...args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Synthetic perf-script exits (CR_ACCESS at `rip`, 5 µs each) with a header naming `syms`. */
function syntheticTrace(paging: 'shadow' | 'ept', rip: number, n: number, syms: string): string {
  const lines = [`# exitlens-simulated: workload=xss paging=${paging} cpu=skylake pages=4k seed=1 symbols=${syms}`, '# synthetic: written by test/e2e/compare.test.ts'];
  for (let i = 0; i < n; i++) {
    const t = 100_000_000 + i * 10_000;
    const ts = (ns: number) => `${Math.floor(ns / 1e9)}.${String(ns % 1e9).padStart(9, '0')}`;
    lines.push(`  qemu-system-x86  4321 [002] ${ts(t)}: kvm:kvm_exit: vcpu 0 reason CR_ACCESS rip 0x${rip.toString(16)} info1 0x0000000000000003 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000`);
    lines.push(`  qemu-system-x86  4321 [002] ${ts(t + 5000)}: kvm:kvm_entry: vcpu 0, rip 0x${(rip + 3).toString(16)}`);
  }
  return lines.join('\n') + '\n';
}

interface CompareJson {
  traces: Array<{ label: string }>;
  categories: Record<string, { values: number[]; delta: number[] }>;
}

/** Waits for the compare page's outcome and fails with the page's own message on an error. */
async function chartsDrawn(view: FrameLocator): Promise<string> {
  const outcome = view.locator('#status.error, #status:has-text("Charts drawn")');
  await outcome.waitFor({ timeout: 90_000 });
  const status = (await outcome.innerText()).trim();
  assert.ok(status.startsWith('Charts drawn'), `the compare page shows an error: ${status}`);
  return status;
}

async function canvasesColoured(view: FrameLocator, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const pixels = await colouredPixels(view.locator(`canvas#chart-${id}`));
    log(`chart ${id}:`, JSON.stringify(pixels));
    assert.ok(pixels.width > 100 && pixels.height > 100, `${id}: the canvas has a real size`);
    assert.ok(pixels.coloured > 300, `${id}: bars or lines should colour hundreds of pixels, found ${pixels.coloured}`);
  }
}

/** The rows of a compare table as arrays of cell texts. */
async function tableRows(view: FrameLocator, id: string): Promise<string[][]> {
  return view.locator(`table#table-${id} tbody tr`).evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())));
}

async function canvasHash(view: FrameLocator, id: string): Promise<number> {
  return view.locator(`canvas#chart-${id}`).evaluate((node) => {
    const c = node as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    let h = 0;
    for (let i = 0; i < data.length; i += 7) h = (h * 31 + data[i]) | 0;
    return h;
  });
}

describe('Compare Builds in the real VS Code workbench (code-server + chromium)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let page: Page;
  let ws: string;
  let expected: CompareJson;
  const dialogs: string[] = [];

  before(async () => {
    ws = workspaceDir();
    // forkwait under both modes, as `exitlens simulate` writes them (+ .syms.json naming samples/*.c).
    log(cli('simulate', '--workload', 'forkwait', '--paging', 'both', '--out', path.join(ws, 'traces', 'cmpfw.perf.txt')).trim().split('\n').slice(-2).join(' | '));
    fs.mkdirSync(path.join(ws, 'samples'), { recursive: true });
    for (const f of ['workloads.c', 'guest-kernel.c']) fs.copyFileSync(path.join(ROOT, 'samples', f), path.join(ws, 'samples', f));
    expected = JSON.parse(cli('compare', '--json', '--label', 'shadow run', path.join(ws, 'traces', 'cmpfw-shadow.perf.txt'), path.join(ws, 'traces', 'cmpfw-ept.perf.txt')));
    // SYNTHETIC traces whose only function is named like an HTML injection.
    const xss = path.join(ws, 'xss');
    fs.mkdirSync(xss, { recursive: true });
    const syms = (base: number) => JSON.stringify({ exitlens: 'symbols', version: 1, symbols: [{ name: XSS, addr: '0x' + base.toString(16), size: 64 }] });
    fs.writeFileSync(path.join(xss, 'a.syms.json'), syms(0x401000));
    fs.writeFileSync(path.join(xss, 'b.syms.json'), syms(0x402000));
    fs.writeFileSync(path.join(xss, 'a.perf.txt'), syntheticTrace('shadow', 0x401010, 3, 'a.syms.json'));
    fs.writeFileSync(path.join(xss, 'b.perf.txt'), syntheticTrace('ept', 0x402010, 5, 'b.syms.json'));

    wb = await openWorkbench();
    page = wb.page;
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  after(async () => {
    if (page) {
      await shot(page, 'compare-99-final').catch(() => undefined);
      // Leave no compare panel for the next suite's restored workbench.
      await runCommand(page, 'View: Close All Editors').catch(() => undefined);
      await page.waitForTimeout(500);
    }
    await wb?.browser.close();
    // Leave the workspace as the next e2e file expects it (its Traces view lists traces/*).
    for (const f of ['cmpfw-shadow.perf.txt', 'cmpfw-ept.perf.txt', 'cmpfw-shadow.syms.json', 'cmpfw-ept.syms.json']) fs.rmSync(path.join(ws, 'traces', f), { force: true });
    fs.rmSync(path.join(ws, 'xss'), { recursive: true, force: true });
    for (const f of fs.readdirSync(ws)) if (/^exitlens-compare-.*\.(csv|png|md)$/.test(f)) fs.rmSync(path.join(ws, f), { force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await shot(page, `compare-FAIL-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
  });

  it('runs "ExitLens: Compare Builds" from the palette: picks two traces, the baseline and the labels', async () => {
    await runCommand(page, 'ExitLens: Compare Builds');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-widget', { hasText: 'ExitLens: Compare Builds' }).waitFor();
    await input.fill('cmpfw');
    for (const name of ['cmpfw-shadow.perf.txt', 'cmpfw-ept.perf.txt']) {
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
      await row.waitFor();
      await row.click();
      await page.locator('.quick-input-list .monaco-list-row[aria-checked="true"]', { hasText: name }).waitFor();
    }
    await shot(page, 'compare-01-pick-traces');
    await input.press('Enter');
    // Baseline: the shadow run.
    await page.locator('.quick-input-widget', { hasText: 'baseline' }).waitFor();
    await input.fill('shadow');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'cmpfw-shadow.perf.txt' }).waitFor();
    await input.press('Enter');
    // Label 1 (prefilled from the simulator header, selected): replace it; label 2: keep it.
    await page.locator('.quick-input-widget', { hasText: 'label 1 of 2 (baseline A)' }).waitFor();
    assert.strictEqual(await input.inputValue(), 'forkwait · shadow');
    await page.keyboard.type('shadow run');
    await shot(page, 'compare-02-label');
    await input.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'label 2 of 2' }).waitFor();
    assert.strictEqual(await input.inputValue(), 'forkwait · ept');
    await input.press('Enter');
  });

  it('draws the four charts with the numbers of `exitlens compare --json`, under the strict CSP', async () => {
    const view = await webviewWithHeading(page, 'Compare: shadow run vs forkwait · ept', 90_000);
    const status = await chartsDrawn(view);
    assert.strictEqual(status, 'Charts drawn: categories, delta, timeline, histogram.');
    await canvasesColoured(view, ['categories', 'delta', 'timeline', 'histogram']);
    // The category table says what the chart draws; it must equal the CLI's comparison of the same files.
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const rows = await tableRows(view, 'categories');
    log('categories table:', JSON.stringify(rows));
    const active = Object.entries(expected.categories).filter(([, s]) => s.values.some((v) => v !== 0));
    assert.deepStrictEqual(rows.map((r) => r.slice(0, 3)), active.map(([cat, s]) => [cat, fmt(s.values[0]), fmt(s.values[1])]));
    for (const cat of ['pagefault', 'cr3', 'invlpg']) {
      assert.ok(expected.categories[cat].values[0] >= 100 && expected.categories[cat].values[1] === 0, cat);
    }
    assert.ok(expected.categories.ept.values[0] === 0 && expected.categories.ept.values[1] > 0);
    assert.match(await view.locator('#definition').innerText(), /baseline A = shadow run: Δ = B − A, ratio = B \/ A/);
    // The what-if of the shadow run, with its assumptions.
    const whatIf = view.locator('#section-whatif');
    assert.match(await whatIf.locator('.verdict').innerText(), /^EPT would (save|cost)|^Depends on/);
    assert.ok((await whatIf.locator('ul.assumptions li').count()) >= 4);
    // @vscode-elements controls are defined and laid out under the CSP.
    const button = view.locator('vscode-button#metric-hostTime');
    assert.ok(await view.locator('body').evaluate(() => customElements.get('vscode-button') !== undefined && customElements.get('vscode-single-select') !== undefined));
    const box = await button.boundingBox();
    assert.ok(box && box.width > 30 && box.height > 15, `vscode-button laid out: ${JSON.stringify(box)}`);
    const compareCsp = wb.cspViolations.filter((v) => /compare\.(js|css)|vscode-elements|exitlens/i.test(v));
    assert.deepStrictEqual(compareCsp, []);
    await page.waitForTimeout(300);
    await shot(page, 'compare-03-panel');
  });

  it('saves a chart as PNG and a table as CSV through the save dialog', async () => {
    const view = await webviewWithHeading(page, 'Compare: shadow run vs forkwait · ept');
    const saveThrough = async (buttonId: string, name: string) => {
      await view.locator(`vscode-button#${buttonId}`).click();
      // VS Code's own save dialog in the browser: a path box prefilled with the workspace and the name.
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await page.waitForFunction((n) => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith(n), name);
      await input.press('Enter');
      await page.locator('.notifications-toasts .notification-toast', { hasText: `saved ${name}` }).waitFor();
      return fs.readFileSync(path.join(ws, name));
    };
    const png = await saveThrough('png-categories', 'exitlens-compare-categories.png');
    assert.deepStrictEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    assert.ok(png.length > 5000, `the PNG holds the chart (${png.length} bytes)`);
    const csv = (await saveThrough('csv-categories', 'exitlens-compare-categories.csv')).toString('utf8');
    const expectedCsv = ['Category,shadow run,forkwait · ept,Δ (B − A),ratio (B / A)'];
    for (const [cat, s] of Object.entries(expected.categories)) {
      if (s.values.some((v) => v !== 0)) expectedCsv.push([cat, s.values[0], s.values[1], s.delta[1], s.values[0] === 0 ? '' : s.values[1] / s.values[0]].join(','));
    }
    assert.strictEqual(csv, expectedCsv.join('\r\n') + '\r\n');
    await shot(page, 'compare-03b-saved');
  });

  it('switches to host time, zooms the timeline with the wheel and resets it', async () => {
    const view = await webviewWithHeading(page, 'Compare: shadow run vs forkwait · ept');
    await view.locator('vscode-button#metric-hostTime').click();
    await view.locator('#section-categories h2', { hasText: 'Host time per category' }).waitFor();
    assert.strictEqual(await view.locator('vscode-button#metric-hostTime').getAttribute('aria-pressed'), 'true');
    await canvasesColoured(view, ['categories', 'delta']);
    const canvas = view.locator('canvas#chart-timeline');
    await canvas.scrollIntoViewIfNeeded();
    const before = await canvasHash(view, 'timeline');
    const box = await canvas.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -300);
    await page.waitForTimeout(400);
    const zoomed = await canvasHash(view, 'timeline');
    assert.notStrictEqual(zoomed, before, 'the wheel zoomed the timeline (chartjs-plugin-zoom under the CSP)');
    await shot(page, 'compare-04-timeline-zoomed');
    await view.locator('vscode-button#reset-zoom').click();
    await page.waitForTimeout(400);
    assert.strictEqual(await canvasHash(view, 'timeline'), before, 'Reset zoom restores the full range');
  });

  it('redraws in the dark and high-contrast themes with the theme\'s colours', async () => {
    const pickTheme = async (name: string): Promise<string> => {
      // Not runCommand: "Preferences: Browse Color Themes in Marketplace" is listed first for this query.
      await openPalette(page, 'Preferences: Color Theme', 'Preferences: Color Theme');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: /^\s*Preferences: Color Theme/ }).first().click();
      const focused = page.locator('.quick-input-list .monaco-list-row.focused').first();
      await focused.waitFor();
      // The row shows the theme's name and, for some, a description ("Default Light Modern"): the name only.
      const nameEl = focused.locator('.label-name').first();
      const current = ((await nameEl.count()) > 0 ? await nameEl.innerText() : (await focused.innerText()).split('\n')[0]).trim();
      await page.locator('.quick-input-widget input').fill(name);
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).waitFor();
      await page.keyboard.press('Enter');
      return current;
    };
    let view = await webviewWithHeading(page, 'Compare: shadow run vs forkwait · ept');
    const light = await canvasHash(view, 'categories');
    const original = await pickTheme('Dark High Contrast');
    log('theme before:', original);
    try {
      for (const [theme, bodyClass, shotName] of [
        ['Dark High Contrast', 'vscode-high-contrast', 'compare-05a-high-contrast'],
        ['Dark Modern', 'vscode-dark', 'compare-05b-dark'],
      ] as const) {
        if (theme !== 'Dark High Contrast') await pickTheme(theme);
        view = await webviewWithHeading(page, 'Compare: shadow run vs forkwait · ept');
        await view.locator(`body.${bodyClass}`).waitFor();
        await view.locator('#status', { hasText: 'Charts drawn' }).waitFor();
        await page.waitForTimeout(500);
        await canvasesColoured(view, ['categories', 'delta']);
        assert.notStrictEqual(await canvasHash(view, 'categories'), light, `${theme}: the chart was redrawn in the theme's colours`);
        await view.locator('h1').scrollIntoViewIfNeeded();
        await page.waitForTimeout(200);
        await shot(page, shotName);
      }
    } finally {
      await pickTheme(original);
    }
  });

  it('opens a site\'s source line beside the panel from the sites table', async () => {
    const view = await webviewWithHeading(page, 'Compare: shadow run vs forkwait · ept');
    const link = view.locator('table#table-sites a.site-link', { hasText: 'samples/workloads.c:35' }).first();
    await link.scrollIntoViewIfNeeded();
    await link.click();
    const tab = page.locator('.tabs-container .tab.active', { hasText: 'workloads.c' });
    await tab.waitFor();
    const cursor = page.locator('.statusbar-item', { hasText: /^Ln 35, Col 1/ });
    await cursor.first().waitFor();
    log('status bar:', (await cursor.first().innerText()).trim());
    await page.waitForTimeout(300);
    await shot(page, 'compare-05-site-opened');
  });

  it('comes back after a reload of the window (WebviewPanelSerializer + saved state)', async () => {
    // VS Code's own reload, as a user does it: the workbench saves its state (the webview's included)
    // before the page goes. A bare browser reload races that save and sometimes loses the last change.
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await page.waitForSelector('.monaco-workbench');
    const view = await webviewWithHeading(page, 'Compare: shadow run vs forkwait · ept', 90_000);
    await view.locator('#status', { hasText: /Restored the last comparison|Charts drawn/ }).waitFor({ timeout: 60_000 });
    await canvasesColoured(view, ['categories']);
    assert.strictEqual(await view.locator('vscode-button#metric-hostTime').getAttribute('aria-pressed'), 'true', 'the metric came back from the saved state');
    await shot(page, 'compare-06-restored');
    await runCommand(page, 'View: Close All Editors');
  });

  it('offers the last comparison first the next time', async () => {
    const rows = await openPalette(page, 'ExitLens: Compare Builds', 'ExitLens: Compare Builds');
    assert.ok(rows.length > 0);
    await page.keyboard.press('Enter');
    const first = page.locator('.quick-input-list .monaco-list-row').first();
    await first.waitFor();
    const text = (await first.innerText()).replace(/\s+/g, ' ');
    log('first item:', text);
    assert.match(text, /Last comparison: shadow run vs forkwait · ept/);
    await page.keyboard.press('Escape');
  });

  it('compares two files selected in the Explorer, and shows a hostile symbol name as text', async () => {
    await page.keyboard.press('Control+Shift+E');
    const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^xss$/ }).first();
    await folder.click();
    const a = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'a.perf.txt' }).first();
    const b = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'b.perf.txt' }).first();
    await a.click();
    await b.click({ modifiers: ['Control'] });
    await b.click({ button: 'right' });
    const item = page.locator('.context-view .action-item', { hasText: 'Compare Builds' }).first();
    await item.waitFor();
    await shot(page, 'compare-07-explorer-menu');
    await item.click();
    // The Explorer passes its selection in its own order; the labels come from the synthetic headers.
    const view = await webviewWithHeading(page, 'Compare: xss · ', 90_000);
    await chartsDrawn(view);
    const site = view.locator('table#table-sites tbody tr').first().locator('td').first();
    assert.strictEqual((await site.innerText()).trim(), `${XSS}+0x10`);
    assert.strictEqual(await view.locator('img').count(), 0, 'no <img> element in the page');
    assert.deepStrictEqual(dialogs, [], 'no alert ran');
    const rows = await tableRows(view, 'categories');
    const heading = await view.locator('h1').innerText();
    // 3 CR3 loads in a.perf.txt, 5 in b.perf.txt.
    assert.deepStrictEqual(rows[0].slice(0, 5), heading.includes('shadow vs') ? ['cr3', '3', '5', '+2', '1.67×'] : ['cr3', '5', '3', '−2', '0.60×']);
    await site.scrollIntoViewIfNeeded();
    await shot(page, 'compare-08-xss-as-text');
    await runCommand(page, 'View: Close All Editors');
  });

  it('writes an HTML report that renders in headless Chromium with no console error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-report-e2e-'));
    const report = path.join(dir, 'fw.html');
    log(cli('report', path.join(ws, 'traces', 'cmpfw-shadow.perf.txt'), path.join(ws, 'traces', 'cmpfw-ept.perf.txt'), '--label', 'shadow run', '-o', report).trim());
    const xssReport = path.join(dir, 'xss.html');
    cli('report', path.join(ws, 'xss', 'a.perf.txt'), path.join(ws, 'xss', 'b.perf.txt'), '-o', xssReport);
    const tab = await wb.browser.newPage({ viewport: { width: 1300, height: 900 } });
    try {
      const problems: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      tab.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      tab.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      tab.on('request', (r) => {
        if (!r.url().startsWith('file:') && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`request: ${r.url()}`);
      });
      await tab.goto(`file://${report}`);
      await tab.locator('#status', { hasText: 'Charts drawn' }).waitFor();
      const rendered = JSON.parse((await tab.locator('body').getAttribute('data-rendered')) ?? '{}');
      assert.deepStrictEqual(rendered.charts, ['categories', 'delta', 'timeline', 'histogram']);
      for (const [cat, s] of Object.entries(expected.categories)) {
        if (s.values.some((v) => v !== 0)) assert.deepStrictEqual(rendered.categoryExits[cat], s.values, cat);
      }
      for (const id of ['categories', 'delta', 'timeline', 'histogram']) {
        const pixels = await colouredPixels(tab.locator(`canvas#chart-${id}`));
        assert.ok(pixels.coloured > 300, `report ${id}: ${pixels.coloured} coloured pixels`);
      }
      // The reason select (a @vscode-elements single select) redraws the histogram for that reason.
      const histogram = tab.locator('canvas#chart-histogram');
      const pixelsOf = () => histogram.evaluate((node) => (node as HTMLCanvasElement).toDataURL());
      const before = await pixelsOf();
      await tab.locator('vscode-single-select#histogram-reason').click();
      await tab.getByRole('option', { name: 'CR_ACCESS' }).click();
      await tab.waitForFunction(() => (document.querySelector('#histogram-reason') as HTMLElement & { value?: string } | null)?.value === 'CR_ACCESS');
      await tab.waitForTimeout(300);
      assert.notStrictEqual(await pixelsOf(), before, 'the histogram was redrawn for CR_ACCESS');
      await tab.screenshot({ path: path.join(process.env.EXITLENS_SHOTS ?? dir, 'compare-09-report.png'), fullPage: true });
      await tab.goto(`file://${xssReport}`);
      await tab.locator('#status', { hasText: 'Charts drawn' }).waitFor();
      assert.strictEqual((await tab.locator('table#table-sites tbody tr td').first().innerText()).trim(), `${XSS}+0x10`);
      assert.strictEqual(await tab.locator('img').count(), 0);
      await tab.screenshot({ path: path.join(process.env.EXITLENS_SHOTS ?? dir, 'compare-10-report-xss.png'), fullPage: true });
      assert.deepStrictEqual(problems, []);
    } finally {
      await tab.close();
    }
  });
});
