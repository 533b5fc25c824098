#!/usr/bin/env node
// Integration tier: the mocha suites of test/integration run INSIDE the real VS Code extension host.
// code-server 1.100.3's web workbench takes extensionDevelopmentPath/extensionTestsPath from the `payload`
// URL parameter (what @vscode/test-electron does for a desktop build): the extension host loads ExitLens
// from this checkout, requires out/test/integration/index.js and calls run(); its console (mocha's spec
// reporter and our EXITLENS-RESULT line) reaches us through the exposed codeAutomationLog, the exit code
// through codeAutomationExit.
//
// Usage: node scripts/test-integration.js      (builds unless EXITLENS_BUILT=1; installs code-server once)
// Env:   EXT_TESTS_TIMEOUT_MS (default 300000), KEEP_PROFILE=1 (leave the temp profile for inspection)
const fs = require('fs');
const path = require('path');
const util = require('util');
const { ROOT, OUT, RESULTS, DIST, BIN } = require('./lib/paths');
const { ensureInstalled, makeProfile, startCodeServer, launchChromium } = require('./lib/codeServer');
const { StepError, step } = require('./lib/proc');
const { parseResult, resultLine } = require('./lib/results');
const { makeTestWorkspace } = require('./lib/workspace');

const TIMEOUT = Number(process.env.EXT_TESTS_TIMEOUT_MS || 300000);
const TESTS_ENTRY = path.join(OUT, 'test', 'integration', 'index.js');

async function build() {
  if (process.env.EXITLENS_BUILT === '1') return;
  await step('bundle (webpack)', path.join(BIN, 'webpack'), ['--mode', 'production']);
  await step('compile tests (tsc)', path.join(BIN, 'tsc'), ['-p', 'tsconfig.test.json']);
}

async function main() {
  await ensureInstalled({ browser: true });
  await build();
  for (const needed of [path.join(DIST, 'extension.js'), TESTS_ENTRY]) {
    if (!fs.existsSync(needed)) throw new StepError(`${path.relative(ROOT, needed)} is missing: run \`npm run build && npm run compile-tests\``);
  }
  const shots = path.join(RESULTS, 'integration');
  fs.mkdirSync(shots, { recursive: true });
  const workspace = makeTestWorkspace('integration');
  const profile = makeProfile('integration');
  const server = await startCodeServer({ profile, folder: workspace });
  console.log(`── code-server ${server.base} (log ${server.logFile}), workspace ${workspace}`);
  let browser;
  const log = [];
  let exitCode = null;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const exited = new Promise((resolve) =>
      page.exposeFunction('codeAutomationExit', (code) => {
        exitCode = code;
        resolve();
      }),
    );
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      // The extension host forwards console calls as (format, ...values), like console.log's arguments.
      const line = util.format(...(args || []));
      log.push(line);
      console.log(`[ext-host] ${line}`);
    });
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://remote${ROOT}`],
      ['extensionTestsPath', `vscode-remote://remote${TESTS_ENTRY}`],
    ];
    const url = `${server.url(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    console.log('── running test/integration inside the extension host');
    await page.goto(url);
    let timer;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, TIMEOUT)))]);
    clearTimeout(timer);
    await page.screenshot({ path: path.join(shots, 'extension-host-final.png') }).catch(() => undefined);
  } finally {
    await browser?.close().catch(() => undefined);
    server.stop();
    fs.writeFileSync(path.join(shots, 'extension-host.log'), log.join('\n') + '\n');
    if (process.env.KEEP_PROFILE !== '1') {
      profile.remove();
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }
  const counted = parseResult(log.join('\n'));
  if (exitCode === null) {
    console.error(`integration: TIMEOUT — the extension host did not finish within ${TIMEOUT / 1000} s`);
    console.log(resultLine('integration', counted?.passed ?? 0, (counted?.failed ?? 0) + 1));
    return 1;
  }
  if (!counted) {
    console.error(`integration: the extension host exited with code ${exitCode} without reporting results (did out/test/integration/index.js load?)`);
    console.log(resultLine('integration', 0, 1));
    return 1;
  }
  console.log(`integration: ${counted.passed} passed, ${counted.failed} failed (extension host exit code ${exitCode})`);
  console.log(resultLine('integration', counted.passed, counted.failed));
  return exitCode === 0 && counted.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`integration: ${e instanceof StepError ? e.message : e && e.stack ? e.stack : e}`);
    console.log(resultLine('integration', 0, 1));
    process.exit(1);
  },
);
