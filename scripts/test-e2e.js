#!/usr/bin/env node
// E2E tier: package ExitLens with vsce, install the .vsix into a fresh code-server profile with
// `code-server --install-extension` (the way a user installs it), open a workspace of real fixture traces,
// and drive the workbench from Debian's chromium with playwright-core; mocha runs test/e2e (compiled to
// out/test/e2e) and counts. Screenshots: test-results/e2e/.
//
// Usage: node scripts/test-e2e.js   (builds and packages unless EXITLENS_BUILT=1, then only packages)
// Env:   UPDATE_README_SCREENSHOT=1 copies the summary screenshot to media/screenshot-summary.png
const fs = require('fs');
const path = require('path');
const { ROOT, OUT, RESULTS, VSIX, BIN } = require('./lib/paths');
const { ensureInstalled, makeProfile, installVsix, startCodeServer } = require('./lib/codeServer');
const { StepError, run, step } = require('./lib/proc');
const { parseResult, resultLine } = require('./lib/results');
const { makeTestWorkspace } = require('./lib/workspace');

const E2E_DIR = path.join(OUT, 'test', 'e2e');
const SHOTS = path.join(RESULTS, 'e2e');

async function build() {
  if (process.env.EXITLENS_BUILT !== '1') {
    await step('bundle (webpack)', path.join(BIN, 'webpack'), ['--mode', 'production']);
    await step('compile tests (tsc)', path.join(BIN, 'tsc'), ['-p', 'tsconfig.test.json']);
  }
  fs.rmSync(VSIX, { force: true });
  // Same flags as `npm run package`, minus its rebuild (the bundles were just built).
  await step('package the extension (vsce)', path.join(BIN, 'vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '-o', VSIX]);
}

async function main() {
  await ensureInstalled({ browser: true });
  await build();
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const extensionId = `${pkg.publisher}.${pkg.name}`;
  // EXITLENS_E2E_FILES=editor,compare runs only those files (while working on them; CI runs all).
  const only = (process.env.EXITLENS_E2E_FILES ?? '').split(',').filter(Boolean);
  const tests = fs.existsSync(E2E_DIR)
    ? fs.readdirSync(E2E_DIR).filter((f) => f.endsWith('.test.js') && (only.length === 0 || only.includes(f.replace(/\.test\.js$/, '')))).map((f) => path.join(E2E_DIR, f))
    : [];
  if (tests.length === 0) throw new StepError(`no compiled e2e tests in ${path.relative(ROOT, E2E_DIR)}: run \`npm run compile-tests\``);

  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const workspace = makeTestWorkspace('e2e');
  fs.mkdirSync(path.join(workspace, '.vscode'));
  fs.mkdirSync(path.join(workspace, 'notes'));
  fs.writeFileSync(path.join(workspace, 'notes', 'not-a-trace.txt'), '# synthetic: prose, not a trace (the e2e error case)\nMeeting notes: nothing to see here.\n');
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'exitlens.traceGlob': 'traces/*.txt', 'files.associations': { '**/traces/*.txt': 'exit-trace' } }, null, 2));
  const profile = makeProfile('e2e', { 'workbench.hover.delay': 300 });
  let server;
  let result;
  try {
    await installVsix(profile, VSIX, extensionId);
    server = await startCodeServer({ profile, folder: workspace, logFile: path.join(SHOTS, 'code-server.log') });
    console.log(`── code-server ${server.base}, workspace ${workspace}`);
    result = await run(
      path.join(BIN, 'mocha'),
      ['--reporter', path.join(__dirname, 'lib', 'countingReporter.js'), '--timeout', '120000', '--no-config', ...tests],
      { env: { ...process.env, EXITLENS_TIER: 'e2e', CS_URL: server.url(workspace), EXITLENS_SHOTS: SHOTS }, capture: true },
    );
  } finally {
    server?.stop();
    if (process.env.KEEP_PROFILE !== '1') {
      profile.remove();
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }
  const counted = parseResult(result.output);
  if (!counted) {
    console.log(resultLine('e2e', 0, 1));
    throw new StepError(`mocha exited with code ${result.code} without reporting results`);
  }
  if (process.env.UPDATE_README_SCREENSHOT === '1' && counted.failed === 0) {
    fs.copyFileSync(path.join(SHOTS, '04-summary-webview.png'), path.join(ROOT, 'media', 'screenshot-summary.png'));
    console.log('── copied 04-summary-webview.png to media/screenshot-summary.png');
  }
  console.log(`e2e: ${counted.passed} passed, ${counted.failed} failed (screenshots in ${path.relative(ROOT, SHOTS)}/)`);
  return result.code === 0 && counted.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`e2e: ${e instanceof StepError ? e.message : e && e.stack ? e.stack : e}`);
    console.log(resultLine('e2e', 0, 1));
    process.exit(1);
  },
);
