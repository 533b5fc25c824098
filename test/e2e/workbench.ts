/**
 * Driving the real VS Code workbench (code-server, started by scripts/test-e2e.js with the packaged
 * ExitLens .vsix installed) from Debian's chromium through playwright-core, like a person would:
 * keyboard, mouse, visible text. Every step can take a screenshot under test-results/e2e/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

/** Where screenshots go (git-ignored). */
export const SHOTS = process.env.EXITLENS_SHOTS || path.resolve(__dirname, '..', '..', '..', 'test-results', 'e2e');

const started = Date.now();

/** Timestamped progress line in the mocha output. */
export function log(...parts: unknown[]): void {
  console.log(`      [${((Date.now() - started) / 1000).toFixed(1)}s]`, ...parts);
}

/** The running workbench: one browser page on code-server's URL with the test workspace open. */
export interface Workbench {
  readonly browser: Browser;
  readonly page: Page;
  /** Content-Security-Policy violations the browser reported in any frame (webviews included). */
  readonly cspViolations: string[];
}

/** Opens the workbench and waits until the Explorer shows the workspace. */
export async function openWorkbench(): Promise<Workbench> {
  const url = process.env.CS_URL;
  if (!url) throw new Error('CS_URL is not set: run the e2e tier through `npm run test:e2e`');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30_000);
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${m.location().url}: ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench');
  await page.waitForSelector('.explorer-folders-view .monaco-list-row');
  log('workbench ready');
  return { browser, page, cspViolations };
}

/** Saves `test-results/e2e/<name>.png` and returns its path. */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  log('screenshot', path.relative(process.cwd(), file));
  return file;
}

/** Opens the command palette with `>query` typed; returns the visible rows' text once `expect` shows. */
export async function openPalette(page: Page, query: string, expect: string, attempts = 6): Promise<string[]> {
  // The palette lists the commands known when it opens; while the extension host is still starting
  // ExitLens' commands may be missing, so close and retry.
  for (let i = 1; i <= attempts; i++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    try {
      // A webview that opens just now takes the focus and closes the palette: then open it again.
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill('>' + query, { timeout: 5000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: expect }).first().waitFor({ timeout: 4000 });
      return await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    } catch {
      log(`"${expect}" not in the palette yet, or the palette closed (attempt ${i})`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
  }
  throw new Error(`"${expect}" never appeared in the command palette`);
}

/** Runs a command by its palette title ("ExitLens: Open Trace Summary"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await openPalette(page, title, title);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).waitFor();
  await page.keyboard.press('Enter');
}

/** The inner document of the n-th webview (VS Code nests it: iframe.webview → iframe#active-frame). */
function webviewDocument(page: Page, n: number): FrameLocator {
  return page.locator('iframe.webview').nth(n).contentFrame().locator('iframe#active-frame').contentFrame();
}

/**
 * The visible webview whose page heading contains `heading` (several summaries may be open; the old one
 * can stay visible for a moment after a new one was asked for). Polls until it shows or time runs out.
 */
export async function webviewWithHeading(page: Page, heading: string, timeoutMs = 60_000): Promise<FrameLocator> {
  const t0 = Date.now();
  for (;;) {
    const frames = page.locator('iframe.webview');
    const count = await frames.count();
    for (let i = 0; i < count; i++) {
      if (!(await frames.nth(i).isVisible())) continue;
      const doc = webviewDocument(page, i);
      if ((await doc.locator('h1', { hasText: heading }).count()) > 0) return doc;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`no visible webview with the heading "${heading}" within ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}

/** A row of the named tree view in the side bar (e.g. "Traces"). */
export function viewRow(page: Page, viewTitle: string, text: string): Locator {
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: viewTitle }) });
  return pane.locator('.monaco-list-row', { hasText: text }).first();
}

/**
 * Counts saturated pixels of a canvas (|max(r,g,b) − min(r,g,b)| > 60 and opaque): chart.js draws the
 * axes, grid and labels in theme greys, so only bars are colourful. An empty or failed chart gives 0.
 */
export async function colouredPixels(canvas: Locator): Promise<{ coloured: number; width: number; height: number }> {
  return canvas.evaluate((node) => {
    const c = node as HTMLCanvasElement;
    const ctx = c.getContext('2d');
    if (!ctx) return { coloured: 0, width: c.width, height: c.height };
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i];
      const g = data[i + 1];
      const b = data[i + 2];
      if (data[i + 3] > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
    }
    return { coloured, width: c.width, height: c.height };
  });
}
