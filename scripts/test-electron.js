#!/usr/bin/env node
// The integration suites against a DESKTOP VS Code through @vscode/test-electron (same
// extensionTestsPath as the code-server tier: out/test/integration/index.js). Where the VS Code CDN is
// reachable it downloads VS Code 1.100.3 once into .vscode-test/; elsewhere point VSCODE_EXECUTABLE at
// an installed desktop `code` binary. Without either it fails fast with a clear message (never hangs).
//
// Usage: npm run test:electron     Env: VSCODE_EXECUTABLE, VSCODE_VERSION (default 1.100.3),
//        DOWNLOAD_TIMEOUT_MS (default 60000: total budget for finding/downloading VS Code)
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { ROOT, OUT, VSCODE_TEST, BIN } = require('./lib/paths');
const { StepError, step } = require('./lib/proc');
const { parseResult, resultLine } = require('./lib/results');
const { makeTestWorkspace } = require('./lib/workspace');

const VERSION = process.env.VSCODE_VERSION || '1.100.3';
const DOWNLOAD_BUDGET = Number(process.env.DOWNLOAD_TIMEOUT_MS || 60000);
const TESTS_ENTRY = path.join(OUT, 'test', 'integration', 'index.js');

function withDeadline(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new StepError(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function findVsCode() {
  if (process.env.VSCODE_EXECUTABLE) {
    if (!fs.existsSync(process.env.VSCODE_EXECUTABLE)) throw new StepError(`VSCODE_EXECUTABLE=${process.env.VSCODE_EXECUTABLE} does not exist`);
    return process.env.VSCODE_EXECUTABLE;
  }
  const { downloadAndUnzipVSCode } = require('@vscode/test-electron');
  console.log(`── looking for VS Code ${VERSION} (cached in .vscode-test/ or downloaded from the VS Code CDN)`);
  try {
    return await withDeadline(
      downloadAndUnzipVSCode({ version: VERSION, cachePath: VSCODE_TEST, timeout: Math.min(15000, DOWNLOAD_BUDGET) }),
      DOWNLOAD_BUDGET,
      `downloading VS Code ${VERSION}`,
    );
  } catch (e) {
    throw new StepError(
      `cannot get a desktop VS Code ${VERSION}: ${e && e.message ? e.message : e}\n` +
        '  @vscode/test-electron downloads it from update.code.visualstudio.com; this machine could not get it.\n' +
        '  Run the same suites in the real VS Code this machine has with `npm run test:integration` (code-server),\n' +
        '  or set VSCODE_EXECUTABLE=/path/to/code to use an installed desktop VS Code.',
    );
  }
}

async function main() {
  if (process.env.EXITLENS_BUILT !== '1') {
    await step('bundle (webpack)', path.join(BIN, 'webpack'), ['--mode', 'production']);
    await step('compile tests (tsc)', path.join(BIN, 'tsc'), ['-p', 'tsconfig.test.json']);
  }
  const executable = await findVsCode();
  const { runTests } = require('@vscode/test-electron');
  const workspace = makeTestWorkspace('electron');
  const launchArgs = [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'];
  // A desktop build needs a display; use a virtual one when there is none.
  const headless = process.platform === 'linux' && !process.env.DISPLAY;
  if (headless && spawnSync('which', ['xvfb-run']).status !== 0) {
    throw new StepError('no DISPLAY and no xvfb-run: install Debian `xvfb` to run a desktop VS Code headless');
  }
  // test-electron pipes the VS Code process's output to ours; keep a copy to read the result line.
  let captured = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    captured += chunk.toString();
    return write(chunk, ...rest);
  };
  let code;
  try {
    code = await runTests({
      vscodeExecutablePath: headless ? await xvfbWrapper(executable) : executable,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: TESTS_ENTRY,
      launchArgs,
    });
  } catch (e) {
    code = e && typeof e.code === 'number' ? e.code : 1;
  } finally {
    process.stdout.write = write;
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  const counted = parseResult(captured) || { passed: 0, failed: 1 };
  console.log(`electron: ${counted.passed} passed, ${counted.failed} failed (VS Code exit code ${code})`);
  console.log(resultLine('electron', counted.passed, counted.failed));
  return code === 0 && counted.failed === 0 ? 0 : 1;
}

/** A tiny launcher script that runs VS Code under xvfb-run (runTests takes one executable path). */
async function xvfbWrapper(executable) {
  const wrapper = path.join(VSCODE_TEST, 'code-xvfb.sh');
  fs.mkdirSync(VSCODE_TEST, { recursive: true });
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec xvfb-run -a ${JSON.stringify(executable)} "$@"\n`, { mode: 0o755 });
  return wrapper;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`electron: ${e instanceof StepError ? e.message : e && e.stack ? e.stack : e}`);
    console.log(resultLine('electron', 0, 1));
    process.exit(1);
  },
);
