#!/usr/bin/env node
// Benchmark: opening a 1 GB trace in the real VS Code (code-server 4.100.3 = VS Code 1.100.3) keeps the
// editor responsive. Generates (once, into bench-data/, shared with `npm run bench`) a SYNTHETIC
// perf-script KVM trace of ~1 GB with scripts/bench/generate.js, starts code-server with ExitLens from
// this checkout, and runs the measurement INSIDE the extension host (this same file is the
// `extensionTestsPath`; its `run()` below is what the host calls):
//
//   1. cancel: a read of the file through the extension's summary service, cancelled after a few
//      seconds — time from cancel() to the job rejecting and to the worker thread's exit;
//   2. open: the file opened in the ExitLens Summary custom editor, as a user would (vscode.openWith),
//      until its page reports a drawn chart — parse time, throughput, the exits it counted; meanwhile
//      the extension host's event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution), the
//      latency of a command issued every 100 ms, progress reports, and the extension host's RSS
//      (the worker thread's heap is inside it);
//   3. reopen: the editor closed and opened again — time to a drawn chart from the cache.
//
// Then prints the figures. Nothing is asserted: it measures (see test/integration/worker.test.ts for
// the checked, smaller variant). Run it alone on the machine for meaningful numbers, and under the
// team's build lock since it bundles into dist/:
//
//   flock /tmp/exitlens-build.lock node scripts/bench-editor.js [--exits N] [--cancel-after-ms T] [--no-build]
//
// --exits N (default 3100000 ≈ 1.03 GB)   --cancel-after-ms T (default 1500)   --no-build (reuse dist/)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');

const ROOT = path.resolve(__dirname, '..');
const RESULT_PREFIX = 'EXITLENS-BENCH ';

// ---- inside the extension host ----------------------------------------------------------------------

/** Called by the extension host (extensionTestsPath). Prints one RESULT_PREFIX line with the figures. */
async function run() {
  const vscode = require('vscode');
  const { monitorEventLoopDelay, performance } = require('perf_hooks');
  const file = process.env.EXITLENS_BENCH_FILE;
  const cancelAfterMs = Number(process.env.EXITLENS_BENCH_CANCEL_MS || 1500);
  const out = { file, bytes: fs.statSync(file).size };
  const ext = vscode.extensions.getExtension('exitlens.exitlens');
  const api = await ext.activate();
  const uri = vscode.Uri.file(file);
  const viewType = 'exitlens.textTraceSummaryEditor';
  const mb = (n) => Math.round(n / 1e6);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /** Samples command latency and RSS every 100 ms until stop() is called. */
  function sampler() {
    const commandMs = [];
    let peakRss = process.memoryUsage().rss;
    let running = true;
    const loop = (async () => {
      while (running) {
        const t0 = performance.now();
        await vscode.commands.executeCommand('exitlens.refreshTraces');
        commandMs.push(performance.now() - t0);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        await sleep(100);
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
        commandMs.sort((a, b) => a - b);
        return {
          commands: commandMs.length,
          commandMedianMs: +(commandMs[Math.floor(commandMs.length / 2)] ?? 0).toFixed(2),
          commandMaxMs: +(commandMs[commandMs.length - 1] ?? 0).toFixed(2),
          peakRssMB: mb(peakRss),
        };
      },
    };
  }

  await sleep(2000); // let the workbench settle
  out.rssBeforeMB = mb(process.memoryUsage().rss);

  // 1. cancel
  {
    const progress = [];
    const job = api.summaries.start(uri, { noCache: true, background: true, onProgress: (read, total, exits) => progress.push({ read, total, exits }) });
    await sleep(cancelAfterMs);
    const last = progress[progress.length - 1];
    const t0 = performance.now();
    job.cancel();
    let rejectedMs = NaN;
    await job.result.then(
      () => undefined,
      () => (rejectedMs = performance.now() - t0),
    );
    await job.stopped;
    out.cancel = {
      afterMs: cancelAfterMs,
      readAtCancelMB: last ? mb(last.read) : 0,
      exitsAtCancel: last ? last.exits : 0,
      progressReports: progress.length,
      toRejectMs: +rejectedMs.toFixed(1),
      toWorkerExitMs: +(performance.now() - t0).toFixed(1),
      busyAfter: api.summaries.busy,
    };
  }

  // 2. open in the custom editor
  {
    const rendered = new Promise((resolve) => {
      const sub = api.onDidRenderSummary((e) => {
        if (e.uri.toString() === uri.toString() && e.surface === 'editor') {
          sub.dispose();
          resolve(e.bars);
        }
      });
    });
    const lag = monitorEventLoopDelay({ resolution: 10 });
    const s = sampler();
    lag.enable();
    const t0 = performance.now();
    await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
    const bars = await rendered;
    const openMs = performance.now() - t0;
    lag.disable();
    const sampled = await s.stop();
    const summary = api.summaries.peek(uri); // remembered by the editor's read
    out.open = {
      ms: Math.round(openMs),
      MBps: Math.round(out.bytes / 1e6 / (openMs / 1000)),
      exitsPerSecond: Math.round(summary.exits / (openMs / 1000)),
      exits: summary.exits,
      format: summary.format,
      bars,
      lagP50Ms: +(lag.percentile(50) / 1e6).toFixed(1),
      lagP99Ms: +(lag.percentile(99) / 1e6).toFixed(1),
      lagMaxMs: +(lag.max / 1e6).toFixed(1),
      ...sampled,
    };
  }

  // 3. reopen from the cache
  {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await sleep(500);
    const rendered = new Promise((resolve) => {
      const sub = api.onDidRenderSummary((e) => {
        if (e.uri.toString() === uri.toString() && e.surface === 'editor') {
          sub.dispose();
          resolve();
        }
      });
    });
    const t1 = performance.now();
    const job = api.summaries.start(uri, { background: true });
    await job.result;
    const summaryMs = performance.now() - t1;
    const t0 = performance.now();
    await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
    await rendered;
    out.reopen = { summaryMs: +summaryMs.toFixed(1), route: await job.route, msToDrawnChart: Math.round(performance.now() - t0) };
  }
  out.rssAfterMB = mb(process.memoryUsage().rss);
  console.log(RESULT_PREFIX + JSON.stringify(out));
}

module.exports = { run };

// ---- as a script ------------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { exits: 3_100_000, cancelAfterMs: 1500, build: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--exits') o.exits = Number(argv[++i]);
    else if (argv[i] === '--cancel-after-ms') o.cancelAfterMs = Number(argv[++i]);
    else if (argv[i] === '--no-build') o.build = false;
    else {
      console.error(`bench-editor: unknown option ${argv[i]}`);
      process.exit(2);
    }
  }
  if (!(o.exits >= 1000) || !(o.cancelAfterMs >= 100)) {
    console.error('bench-editor: --exits must be ≥ 1000 and --cancel-after-ms ≥ 100');
    process.exit(2);
  }
  return o;
}

/** bench-data/perf-script-kvm-<N>.txt, generated once (same file and sidecar as scripts/bench.js). */
function dataset(exits) {
  const { generate } = require('./bench/generate');
  const dir = path.join(ROOT, 'bench-data');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `perf-script-kvm-${exits}.txt`);
  const want = { generator: 1, seed: 1, exits };
  if (fs.existsSync(file) && fs.existsSync(file + '.json')) {
    const meta = JSON.parse(fs.readFileSync(file + '.json', 'utf8'));
    if (meta.generator === 1 && meta.seed === 1 && meta.exits === exits && fs.statSync(file).size === meta.bytes) return { file, ...meta };
  }
  process.stdout.write(`bench-editor: generating ${path.relative(ROOT, file)} (${exits} exits, SYNTHETIC)… `);
  const t0 = Date.now();
  const info = generate(file + '.tmp', { exits, seed: 1 });
  fs.renameSync(file + '.tmp', file);
  const meta = { ...want, bytes: info.bytes, lines: info.lines };
  fs.writeFileSync(file + '.json', JSON.stringify(meta) + '\n');
  console.log(`${(info.bytes / 1e9).toFixed(2)} GB in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { file, ...meta };
}

function report(r, data) {
  const n = (x) => Number(x).toLocaleString('en-US');
  const ok = r.open.exits === data.exits ? '= generated' : `≠ generated ${n(data.exits)}!`;
  console.log(`
ExitLens editor benchmark — ${(r.bytes / 1e9).toFixed(2)} GB SYNTHETIC perf-script trace, ${n(data.exits)} exits, in code-server 4.100.3 (VS Code 1.100.3), ${os.cpus().length} CPUs
  open in the ExitLens Summary editor (worker thread): ${(r.open.ms / 1000).toFixed(1)} s to a drawn chart — ${n(r.open.MBps)} MB/s, ${n(r.open.exitsPerSecond)} exits/s; ${n(r.open.exits)} exits (${ok}), ${r.open.bars} categories
  extension host event-loop delay during the parse: p50 ${r.open.lagP50Ms} ms, p99 ${r.open.lagP99Ms} ms, max ${r.open.lagMaxMs} ms (10 ms sampling resolution)
  a command issued every 100 ms during the parse: ${r.open.commands} runs, median ${r.open.commandMedianMs} ms, max ${r.open.commandMaxMs} ms
  cancel after ${r.cancel.afterMs} ms (${r.cancel.readAtCancelMB} MB, ${n(r.cancel.exitsAtCancel)} exits read, ${r.cancel.progressReports} progress reports): job rejected in ${r.cancel.toRejectMs} ms, worker exited ${r.cancel.toWorkerExitMs} ms after cancel
  extension host RSS: ${r.rssBeforeMB} MB before, peak ${r.open.peakRssMB} MB during the parse (+${r.open.peakRssMB - r.rssBeforeMB} MB), ${r.rssAfterMB} MB after
  reopen: the summary in ${r.reopen.summaryMs} ms (route: ${r.reopen.route}); the editor opened and its page drew the chart in ${r.reopen.msToDrawnChart} ms`);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const { ensureInstalled, makeProfile, startCodeServer, launchChromium } = require('./lib/codeServer');
  const { step } = require('./lib/proc');
  const data = dataset(o.exits);
  // The extension host inherits code-server's environment, which makeProfile() copies now.
  process.env.EXITLENS_BENCH_FILE = data.file;
  process.env.EXITLENS_BENCH_CANCEL_MS = String(o.cancelAfterMs);
  await ensureInstalled({ browser: true });
  if (o.build) await step('bundle (webpack)', path.join(ROOT, 'node_modules', '.bin', 'webpack'), ['--mode', 'production']);
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-bench-editor-ws-'));
  const profile = makeProfile('bench-editor');
  const server = await startCodeServer({ profile, folder: workspace });
  const lines = [];
  let browser;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let exited;
    const done = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve((exited = code))));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = util.format(...(args || []));
      lines.push(line);
      if (!line.startsWith(RESULT_PREFIX)) console.log(`[ext-host] ${line}`);
    });
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://remote${ROOT}`],
      ['extensionTestsPath', `vscode-remote://remote${__filename}`],
    ];
    console.log(`bench-editor: measuring inside the extension host (${server.base})…`);
    await page.goto(`${server.url(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await Promise.race([done, new Promise((r) => setTimeout(r, 15 * 60_000))]);
    if (exited === undefined) throw new Error('the extension host did not finish within 15 minutes');
  } finally {
    await browser?.close().catch(() => undefined);
    server.stop();
    profile.remove();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
  const result = lines.find((l) => l.startsWith(RESULT_PREFIX));
  if (!result) throw new Error('the extension host printed no result (see the [ext-host] lines above)');
  report(JSON.parse(result.slice(RESULT_PREFIX.length)), data);
}

if (require.main === module) {
  // Exit explicitly: code-server's stopped children can keep a handle open after the report.
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(`bench-editor: ${e && e.message ? e.message : e}`);
      process.exit(1);
    },
  );
}
