// Running the real VS Code (code-server 4.100.3 = VS Code 1.100.3) for the integration and e2e tiers and
// the demo: install once, make a throw-away profile, install a .vsix, start it on loopback, stop the
// whole process group afterwards.
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');
const { ROOT, CODE_SERVER_BIN, CODE_SERVER_MARKER, CODE_SERVER_VERSION, CHROMIUM } = require('./paths');
const { StepError, run, step } = require('./proc');

/** Installs code-server (and chromium unless `browser` is false) when they are not there yet. */
async function ensureInstalled({ browser = true } = {}) {
  const haveServer = fs.existsSync(CODE_SERVER_MARKER) && fs.existsSync(CODE_SERVER_BIN);
  const haveBrowser = !browser || fs.existsSync(CHROMIUM);
  if (haveServer && haveBrowser) return;
  await step('install the test VS Code', 'bash', [path.join(ROOT, 'scripts', 'install-test-vscode.sh'), ...(browser ? [] : ['--no-browser'])]);
}

/** Settings for a quiet, reproducible workbench (no welcome page, no trust prompt, no update checks). */
const PROFILE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'window.dialogStyle': 'custom',
  'chat.disableAIFeatures': true,
};

/**
 * A fresh user-data dir, extensions dir and XDG dirs under a temp folder (code-server otherwise writes
 * ~/.config/code-server/config.yaml). `keep` leaves it for inspection.
 */
function makeProfile(prefix, extraSettings = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `exitlens-${prefix}-`));
  const userData = path.join(dir, 'user-data');
  const extensions = path.join(dir, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...PROFILE_SETTINGS, ...extraSettings }, null, 2));
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    XDG_DATA_HOME: path.join(dir, 'data'),
    XDG_CACHE_HOME: path.join(dir, 'cache'),
  };
  return { dir, userData, extensions, env, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `code-server --install-extension <vsix> --force` into the profile (--force: a rebuilt .vsix of the
 * same version replaces the old one); checks the extension is then listed.
 */
async function installVsix(profile, vsix, expectedId) {
  const args = ['--user-data-dir', profile.userData, '--extensions-dir', profile.extensions];
  await step('install the packaged .vsix into code-server', CODE_SERVER_BIN, [...args, '--install-extension', vsix, '--force'], { env: profile.env });
  const listed = await run(CODE_SERVER_BIN, [...args, '--list-extensions', '--show-versions'], { env: profile.env, capture: true, quiet: true });
  const ids = listed.output.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!ids.some((id) => id.toLowerCase().startsWith(expectedId.toLowerCase() + '@'))) {
    throw new StepError(`code-server accepted ${path.basename(vsix)} but does not list ${expectedId} (it lists: ${ids.join(', ') || 'nothing'})`);
  }
  console.log(`── installed extensions: ${ids.join(', ')}`);
  return ids;
}

/** A free TCP port on 127.0.0.1 (bound then released; code-server takes it right after). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function healthy(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts code-server on 127.0.0.1 (webviews need a secure context: loopback counts) in its own process
 * group, waits for /healthz. Returns { url(folder), port, stop(), done, logFile }. `killOnSignal` (default
 * true) stops it and exits on SIGINT/SIGTERM; pass false when the caller handles those signals.
 */
async function startCodeServer({ profile, port, folder, logFile, timeoutMs = 60000, killOnSignal = true }) {
  port = port || (await freePort());
  logFile = logFile || path.join(profile.dir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', profile.userData,
    '--extensions-dir', profile.extensions,
  ];
  if (folder) args.push(folder);
  // detached: a new process group, so stop() can take the extension host and watchers down with it.
  const child = spawn(CODE_SERVER_BIN, args, { env: profile.env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = null;
  const done = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const stop = () => stopGroup(child.pid);
  const cleanup = () => stop();
  // Never leave a code-server behind: on normal exit, and (unless the caller handles signals itself,
  // like the demo) on Ctrl-C / kill, which skip 'exit' handlers.
  const onSignal = (sig) => {
    console.log(`\n── ${sig}: stopping code-server`);
    stop();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', cleanup);
  if (killOnSignal) for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, onSignal);
  const t0 = Date.now();
  while (!(await healthy(port))) {
    if (exited) throw new StepError(`code-server exited (${exited.code ?? exited.signal}) before answering; see ${logFile}`);
    if (Date.now() - t0 > timeoutMs) {
      stop();
      throw new StepError(`code-server did not answer on 127.0.0.1:${port} within ${timeoutMs / 1000} s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const base = `http://127.0.0.1:${port}/`;
  return {
    port,
    pid: child.pid,
    logFile,
    /** Resolves with { code, signal } when code-server exits. */
    done,
    base,
    // Readable folder URLs: code-server takes the path unencoded (spaces and the like still encoded).
    url: (dir) => (dir ? `${base}?folder=${encodeURIComponent(dir).replace(/%2F/g, '/')}` : base),
    stop: () => {
      process.removeListener('exit', cleanup);
      for (const sig of ['SIGINT', 'SIGTERM']) process.removeListener(sig, onSignal);
      stop();
    },
  };
}

/** SIGTERM the process group, SIGKILL whatever is left shortly after (code-server leaves children). */
function stopGroup(pid) {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Launches Debian's chromium through playwright-core with the flags that work headless here. */
async function launchChromium() {
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(CHROMIUM)) throw new StepError(`chromium not found at ${CHROMIUM} (run scripts/install-test-vscode.sh)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

module.exports = { CODE_SERVER_VERSION, ensureInstalled, makeProfile, installVsix, freePort, startCodeServer, stopGroup, launchChromium };
