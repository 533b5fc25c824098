#!/usr/bin/env node
// `npm run demo`: build ExitLens, write demo-workspace/ (real fixture traces, simulated traces and the
// guest sources they point at), package the .vsix and install it into a real VS Code (code-server
// 4.100.3 = VS Code 1.100.3, installed once under .vscode-test/), then serve that VS Code with the demo
// workspace on 127.0.0.1 and print the URL. Runs until Ctrl-C.
//
// Options: --port N (default 8080, or the next free one)   --no-serve (prepare everything, do not serve)
//          --check (serve, verify the URL answers, stop: what CI/tests use)
const fs = require('fs');
const http = require('http');
const path = require('path');
const { ROOT, DIST, VSIX, BIN, VSCODE_TEST } = require('./lib/paths');
const { ensureInstalled, installVsix, startCodeServer, freePort } = require('./lib/codeServer');
const { StepError, run, step } = require('./lib/proc');
const { copyFixtures } = require('./lib/workspace');

const DEMO = path.join(ROOT, 'demo-workspace');
const PROFILE_DIR = path.join(VSCODE_TEST, 'demo-profile');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};

/** Simulated traces to write when the CLI has `simulate` (issue 4); each --paging both gives two files. */
const SIMULATIONS = [
  { workload: 'forkwait', format: 'perf-script', out: 'forkwait.perf.txt' },
  { workload: 'ptemod', format: 'perf-script', out: 'ptemod.perf.txt' },
  { workload: 'gups', format: 'jsonl', out: 'gups.exitlens.jsonl' },
  { workload: 'mmio', format: 'perf-script', out: 'mmio.perf.txt' },
];

async function simulate() {
  const cli = path.join(DIST, 'cli.js');
  const help = await run(process.execPath, [cli, 'simulate', '--help'], { capture: true, quiet: true });
  if (help.code !== 0 || !help.output.includes('--workload')) {
    console.log('── simulated traces: skipped (this build of `exitlens simulate` has no --workload yet)');
    return [];
  }
  const dir = path.join(DEMO, 'simulated');
  fs.mkdirSync(dir, { recursive: true });
  const written = [];
  for (const sim of SIMULATIONS) {
    const cliArgs = [cli, 'simulate', '--workload', sim.workload, '--paging', 'both', '--seed', '1', '--format', sim.format, '--out', path.join(dir, sim.out)];
    const result = await run(process.execPath, cliArgs, { capture: true, quiet: true });
    if (result.code !== 0) {
      console.log(`── simulate ${sim.workload}: failed (exit code ${result.code}): ${result.output.trim().split('\n').slice(-3).join(' | ')}`);
      continue;
    }
    written.push(sim.workload);
  }
  const files = fs.readdirSync(dir).sort();
  console.log(`── simulated traces: ${files.length} files for ${written.join(', ') || 'no workload'} in demo-workspace/simulated/`);
  return files;
}

/** Re-creates demo-workspace/ with the fixtures, the guest sources and workspace settings. */
function writeWorkspace() {
  fs.rmSync(DEMO, { recursive: true, force: true });
  fs.mkdirSync(path.join(DEMO, '.vscode'), { recursive: true });
  const traces = copyFixtures(DEMO, { realOnly: true });
  const samples = path.join(ROOT, 'samples');
  if (fs.existsSync(samples)) fs.cpSync(samples, path.join(DEMO, 'samples'), { recursive: true });
  fs.writeFileSync(
    path.join(DEMO, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'exitlens.traceGlob': '{traces,simulated}/**/*.{txt,jsonl}',
        // The fixtures keep their provenance comment as the first line, so the language's firstLine
        // pattern cannot recognise them: associate them by folder instead.
        'files.associations': { '**/traces/*.txt': 'exit-trace' },
      },
      null,
      2,
    ) + '\n',
  );
  return traces;
}

/** The README VS Code shows when the demo opens (workbench.startupEditor = readme). */
function writeReadme(traces, simulated) {
  fs.writeFileSync(
    path.join(DEMO, 'README.md'),
    [
      '# ExitLens demo workspace',
      '',
      'Written by `npm run demo` (re-created on every run; git-ignored).',
      '',
      `- \`traces/\` — ${traces.length} real KVM traces from mailing lists and blogs (the test fixtures; each`,
      '  starts with a line saying where it comes from).',
      simulated.length === 0
        ? '- `simulated/` — simulated shadow-paging and EPT traces (added here once the simulator lands).'
        : `- \`simulated/\` — ${simulated.length} files written by \`exitlens simulate\` (shadow paging and EPT).`,
      '- `samples/` — the guest C sources the simulated traces\' addresses map to.',
      '',
      'Try: open the **ExitLens** view in the activity bar and click a trace, or open a trace and run',
      '**ExitLens: Open Trace Summary** from the command palette (F1).',
      '',
    ].join('\n'),
  );
}

function answers(url) {
  return new Promise((resolve) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
      .on('error', () => resolve(0));
  });
}

async function main() {
  await step('build (webpack production bundles)', path.join(BIN, 'webpack'), ['--mode', 'production']);
  const traces = writeWorkspace();
  const simulated = await simulate();
  writeReadme(traces, simulated);
  console.log(`── demo-workspace/: ${traces.length} fixture traces${simulated.length ? `, ${simulated.length} simulated files` : ''}`);

  fs.rmSync(VSIX, { force: true });
  await step('package the extension (vsce)', path.join(BIN, 'vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '-o', VSIX]);
  await ensureInstalled({ browser: false });

  // A persistent profile under .vscode-test/ (layout and opened files survive restarts of the demo).
  const profile = {
    dir: PROFILE_DIR,
    userData: path.join(PROFILE_DIR, 'user-data'),
    extensions: path.join(PROFILE_DIR, 'extensions'),
    env: { ...process.env, XDG_CONFIG_HOME: path.join(PROFILE_DIR, 'config'), XDG_DATA_HOME: path.join(PROFILE_DIR, 'data'), XDG_CACHE_HOME: path.join(PROFILE_DIR, 'cache') },
  };
  fs.mkdirSync(path.join(profile.userData, 'User'), { recursive: true });
  fs.mkdirSync(profile.extensions, { recursive: true });
  const settings = path.join(profile.userData, 'User', 'settings.json');
  if (!fs.existsSync(settings)) {
    fs.writeFileSync(
      settings,
      JSON.stringify({ 'workbench.startupEditor': 'readme', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoUpdate': false, 'security.workspace.trust.enabled': false }, null, 2),
    );
  }
  await installVsix(profile, VSIX, 'exitlens.exitlens');
  if (flag('--no-serve')) {
    console.log('── --no-serve: demo-workspace/ and the profile are ready; not starting code-server');
    return 0;
  }

  let port = Number(option('--port', process.env.EXITLENS_DEMO_PORT || 8080));
  if ((await answers(`http://127.0.0.1:${port}/healthz`)) !== 0) {
    const taken = port;
    port = await freePort();
    console.log(`── port ${taken} is taken; using ${port}`);
  }
  const server = await startCodeServer({ profile, port, folder: DEMO, logFile: path.join(PROFILE_DIR, 'code-server.log') });
  const url = server.url(DEMO);
  const status = await answers(url);
  if (status !== 200) {
    server.stop();
    throw new StepError(`code-server started but ${url} answered ${status || 'nothing'}; see ${server.logFile}`);
  }
  console.log('\n  ExitLens demo is running in VS Code 1.100.3 (code-server, ExitLens installed from exitlens.vsix):\n');
  console.log(`    ${url}\n`);
  console.log(`  Open it in a browser on this machine (or forward the port: ssh -L ${port}:127.0.0.1:${port} …).`);
  console.log('  Press Ctrl-C to stop.\n');
  if (flag('--check')) {
    server.stop();
    console.log('── --check: the URL answered 200; stopped');
    return 0;
  }
  // Ctrl-C (SIGINT) or SIGTERM stop code-server and exit (see startCodeServer); otherwise wait for it.
  const how = await server.done;
  console.error(`demo: code-server exited on its own (${how.code ?? how.signal}); see ${server.logFile}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`demo: ${e instanceof StepError ? e.message : e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
