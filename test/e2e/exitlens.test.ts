/**
 * ExitLens in the real workbench, end to end, as a user sees it. The steps share one browser page and
 * run in order (each leaves the workbench where the next one starts). Expected numbers are counted by
 * hand from the fixture text: see the derivations in test/integration/summaryPanel.test.ts.
 */
import * as assert from 'assert';
import type { FrameLocator, Page } from 'playwright-core';
import { colouredPixels, log, openPalette, openWorkbench, runCommand, shot, viewRow, webviewWithHeading, type Workbench } from './workbench';

const DIRTY_RING = 'trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt'; // 7 EPT_VIOLATION exits
const CHINAUNIX = 'ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt'; // APIC_ACCESS + IO_INSTRUCTION

/**
 * Reads the summary page once its chart is drawn; fails at once with the page's own message if it shows
 * an error instead.
 */
async function readSummary(page: Page, title: string): Promise<{ view: FrameLocator; status: string; exits: string; format: string; title: string }> {
  const view = await webviewWithHeading(page, title);
  const outcome = view.locator('#status.error, #status:has-text("Chart drawn")');
  await outcome.waitFor({ timeout: 60_000 });
  const status = (await outcome.innerText()).trim();
  assert.ok(status.startsWith('Chart drawn'), `the summary page shows an error: ${status}`);
  return {
    view,
    status,
    exits: (await view.locator('#fact-exits').innerText()).trim(),
    format: (await view.locator('#fact-format').innerText()).trim(),
    title: (await view.locator('h1').innerText()).trim(),
  };
}

describe('ExitLens in the real VS Code workbench (code-server + chromium)', function () {
  this.timeout(120_000);
  let wb: Workbench;
  let page: Page;

  before(async () => {
    wb = await openWorkbench();
    page = wb.page;
  });

  after(async () => {
    if (page) await shot(page, '99-final').catch(() => undefined);
    await wb?.browser.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await shot(page, `FAIL-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
  });

  it('shows the packaged extension as installed in the Extensions view', async () => {
    await page.keyboard.press('Control+Shift+X');
    const search = page.locator('.extensions-viewlet .suggest-input-container textarea, .extensions-viewlet .monaco-inputbox textarea').first();
    await search.waitFor();
    await search.fill('@installed ExitLens');
    const item = page.locator('.extensions-viewlet .extension-list-item', { hasText: 'ExitLens — VM-exit analysis' });
    await item.waitFor();
    log('extensions view:', (await item.innerText()).replace(/\s+/g, ' ').slice(0, 120));
    await shot(page, '01-extension-installed');
    await page.keyboard.press('Control+Shift+E');
  });

  it('lists the ExitLens commands in the command palette', async () => {
    const rows = await openPalette(page, 'ExitLens', 'ExitLens: Open Trace Summary');
    log('palette rows:', rows.map((r) => r.split('\n')[0]).join(' | '));
    for (const title of ['Open Trace Summary', 'Compare Builds', 'Simulate Workload', 'Toggle Exit Annotations']) {
      assert.ok(rows.some((r) => r.includes(`ExitLens: ${title}`)), `palette lacks "ExitLens: ${title}"`);
    }
    assert.ok(!rows.some((r) => r.includes('Reveal Exit Site')), 'Reveal Exit Site is hidden from the palette (when: false)');
    await shot(page, '02-command-palette');
    await page.keyboard.press('Escape');
  });

  it('opens a real trace from the Explorer', async () => {
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'traces' }).first().click();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: DIRTY_RING }).first().click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'EPT_VIOLATION' }).first().waitFor();
    const tab = page.locator('.tabs-container .tab.active');
    assert.ok((await tab.innerText()).includes(DIRTY_RING));
    await shot(page, '03-trace-open');
  });

  it('runs "ExitLens: Open Trace Summary" from the palette and draws the chart in the webview', async () => {
    await page.locator('.monaco-editor .view-lines').first().click();
    await runCommand(page, 'ExitLens: Open Trace Summary');
    const { view, ...facts } = await readSummary(page, DIRTY_RING);
    log('summary webview:', JSON.stringify(facts));
    assert.strictEqual(facts.title, `traces/${DIRTY_RING}`);
    assert.strictEqual(facts.exits, '7');
    assert.strictEqual(facts.format, 'trace-cmd');
    assert.strictEqual(facts.status, 'Chart drawn: 1 category.');
    const pixels = await colouredPixels(view.locator('canvas#chart'));
    log('chart canvas:', JSON.stringify(pixels));
    assert.ok(pixels.width > 100 && pixels.height > 100, 'the canvas has a real size');
    assert.ok(pixels.coloured > 500, `the bar should colour hundreds of pixels, found ${pixels.coloured}`);
    const reasons = await view.locator('table.data').nth(1).innerText();
    assert.ok(/EPT_VIOLATION\s+ept\s+7\s+100\.0 %/.test(reasons), reasons);
    if (wb.cspViolations.length) log('CSP reports seen in the workbench:', wb.cspViolations.join('\n'));
    // The page needs nothing its CSP forbids (no inline script or style, nothing from elsewhere).
    assert.deepStrictEqual(wb.cspViolations.filter((v) => /summary\.(js|css)|exitlens/i.test(v)), []);
    // …and the CSP is really enforced: an injected inline script does not run, and the browser says so.
    const before = wb.cspViolations.length;
    const ran = await view.locator('body').evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.exitlensInjected = true;';
      document.head.appendChild(script);
      return (window as unknown as { exitlensInjected?: boolean }).exitlensInjected === true;
    });
    assert.strictEqual(ran, false, 'an inline script ran despite the CSP');
    await page.waitForTimeout(500);
    assert.ok(wb.cspViolations.slice(before).some((v) => /inline script/i.test(v)), `no CSP report: ${wb.cspViolations.slice(before).join(' | ')}`);
    await page.waitForTimeout(300);
    await shot(page, '04-summary-webview');
  });

  it('shows a Traces view item\'s tooltip on hover in the ExitLens side bar', async () => {
    await page.locator('.activitybar .action-item a[aria-label="ExitLens"], .activitybar .action-item [aria-label^="ExitLens"]').first().click();
    const row = viewRow(page, 'Traces', CHINAUNIX);
    await row.waitFor();
    let hover = page.locator('.workbench-hover, .monaco-hover', { hasText: `Open the exit summary of traces/${CHINAUNIX}` });
    for (let attempt = 1; attempt <= 4; attempt++) {
      const box = await row.boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + 40, box.y + box.height / 2);
      try {
        await hover.first().waitFor({ state: 'visible', timeout: 5000 });
        break;
      } catch (e) {
        log(`tooltip not shown yet (attempt ${attempt})`);
        await page.mouse.move(5, 450);
        if (attempt === 4) throw e;
      }
    }
    hover = hover.first();
    log('hover text:', (await hover.innerText()).trim());
    await shot(page, '05-traces-view-hover');
    await page.mouse.move(5, 450);
  });

  it('opens a summary by clicking a trace in the Traces view', async () => {
    await viewRow(page, 'Traces', CHINAUNIX).click();
    const { view, ...facts } = await readSummary(page, CHINAUNIX);
    log('summary webview:', JSON.stringify(facts));
    assert.strictEqual(facts.title, `traces/${CHINAUNIX}`);
    assert.strictEqual(facts.exits, '2');
    assert.strictEqual(facts.format, 'ftrace');
    assert.strictEqual(facts.status, 'Chart drawn: 2 categories.');
    const pixels = await colouredPixels(view.locator('canvas#chart'));
    assert.ok(pixels.coloured > 500, `two bars should colour hundreds of pixels, found ${pixels.coloured}`);
    // The Hot Exit Sites view follows the latest summary: the fixture's two guest RIPs, one exit each.
    await viewRow(page, 'Hot Exit Sites', '0xc011518c').waitFor();
    assert.match(await viewRow(page, 'Hot Exit Sites', '0xc011518c').innerText(), /1 exit — mmio 1/);
    assert.match(await viewRow(page, 'Hot Exit Sites', '0xc01e4473').innerText(), /1 exit — io 1/);
    await page.waitForTimeout(300);
    await shot(page, '06-traces-view-summary');
  });

  it('keeps the chosen chart metric when the panel is hidden and shown again (getState/setState)', async () => {
    let view = await webviewWithHeading(page, CHINAUNIX);
    await view.getByRole('button', { name: 'Host time' }).click();
    await view.locator('#status', { hasText: 'Chart drawn: 2 categories.' }).waitFor();
    assert.strictEqual(await view.getByRole('button', { name: 'Host time' }).getAttribute('aria-pressed'), 'true');
    await view.locator('body').evaluate(() => Object.assign(window, { exitlensMarker: 1 }));
    // Showing the other summary hides this one; VS Code discards a hidden webview's page (no
    // retainContextWhenHidden), so coming back rebuilds it from its saved state.
    await page.locator('.tabs-container .tab', { hasText: `Exits: ${DIRTY_RING}` }).click();
    await webviewWithHeading(page, DIRTY_RING);
    await page.locator('.tabs-container .tab', { hasText: `Exits: ${CHINAUNIX}` }).click();
    view = await webviewWithHeading(page, CHINAUNIX);
    await view.locator('#status', { hasText: 'Chart drawn' }).waitFor();
    const marker = await view.locator('body').evaluate(() => (window as unknown as { exitlensMarker?: number }).exitlensMarker);
    assert.strictEqual(marker, undefined, 'the page was rebuilt, so the metric came from the saved state');
    assert.strictEqual(await view.getByRole('button', { name: 'Host time' }).getAttribute('aria-pressed'), 'true');
    assert.strictEqual(await view.getByRole('button', { name: 'Exits' }).getAttribute('aria-pressed'), 'false');
    await page.waitForTimeout(300);
    await shot(page, '07-metric-restored');
  });

  it('explains in the panel and a notification why a file that is not a trace has no summary', async () => {
    await page.keyboard.press('Control+Shift+E');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'notes' }).first().click();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'not-a-trace.txt' }).first().click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'Meeting notes' }).first().waitFor();
    await page.locator('.monaco-editor .view-lines', { hasText: 'Meeting notes' }).first().click();
    await runCommand(page, 'ExitLens: Open Trace Summary');
    const view = await webviewWithHeading(page, 'not-a-trace.txt');
    const error = view.locator('#status.error');
    await error.waitFor();
    const text = (await error.innerText()).trim();
    log('error shown:', text);
    assert.match(text, /^Could not summarise notes\/not-a-trace\.txt: no VM-exit trace recognised/);
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Could not summarise notes/not-a-trace.txt' });
    await toast.waitFor();
    await page.waitForTimeout(700); // the toast slides in
    await shot(page, '08-not-a-trace');
  });
});
