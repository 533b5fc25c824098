#!/usr/bin/env node
// Compare Builds on big traces: does comparing two traces show its charts in the time it takes to parse
// them, and no more?
//
//   node scripts/bench-compare.js [--exits N] [--runs R]
//
// 1. Generates two SYNTHETIC perf-script traces with scripts/bench/generate.js into bench-data/
//    (compare-a-N.txt with N exits, compare-b-N.txt with N + 1 % — default N = 3,000,000, about 1 GB
//    each), once; later runs reuse them.
// 2. The extension's route, in this process with the built dist/parseWorker.js: parse A alone, B alone
//    (one worker thread each, as TraceSummaries does), then A and B at once (two workers: what the
//    compare panel starts), then the compare step the panel runs on the two summaries
//    (compareSummaries + buildComparePayload, and the EPT what-if's simulator run, cold and warm).
//    "First charts" = both parses in parallel + the compare step (the page draws in well under a
//    second after that). Also: how long Cancel takes to stop both workers.
// 3. The CLI's route: `exitlens summary --json` of each file and `exitlens compare --json A B`
//    (one process, one thread: its parses interleave).
// Prints every time (best of R runs, default 1) and the ratios. Needs `npm run build` first.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(ROOT, 'bench-data');
const DIST = path.join(ROOT, 'dist');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const EXITS = arg('--exits', 3_000_000);
const RUNS = arg('--runs', 1);

function ensureTrace(name, exits) {
  const file = path.join(DATA, name);
  if (fs.existsSync(file) && fs.statSync(file).size > 0) return file;
  fs.mkdirSync(DATA, { recursive: true });
  const t0 = Date.now();
  execFileSync(process.execPath, [path.join(__dirname, 'bench', 'generate.js'), file, String(exits)], { stdio: 'inherit' });
  console.log(`generated ${name} (${mib(fs.statSync(file).size)}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return file;
}

const mib = (bytes) => `${(bytes / (1 << 20)).toFixed(0)} MiB`;
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function best(runs, f) {
  let min = Infinity;
  let value;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await f();
    min = Math.min(min, performance.now() - t0);
  }
  return { ms: min, value };
}

async function main() {
  for (const f of ['parseWorker.js', 'cli.js']) {
    if (!fs.existsSync(path.join(DIST, f))) throw new Error(`dist/${f} is missing: run \`npm run build\` first`);
  }
  require('ts-node').register({ transpileOnly: true, project: path.join(ROOT, 'tsconfig.json') });
  const { startWorkerJob } = require('../src/extension/editor/workerJob');
  const { compareSummaries } = require('../src/core/compare/compareModel');
  const { buildComparePayload } = require('../src/core/compare/payload');
  const { measureWalkModel } = require('../src/core/compare/walkModel');
  const worker = path.join(DIST, 'parseWorker.js');

  const a = ensureTrace(`compare-a-${EXITS}.txt`, EXITS);
  const b = ensureTrace(`compare-b-${EXITS}.txt`, Math.round(EXITS * 1.01));
  const sizeA = fs.statSync(a).size;
  const sizeB = fs.statSync(b).size;
  console.log(`\ntraces: A ${mib(sizeA)}, B ${mib(sizeB)} (SYNTHETIC, scripts/bench/generate.js); ${require('os').cpus().length} CPUs; best of ${RUNS}\n`);

  const parse = (file) => startWorkerJob(worker, { kind: 'summarize', name: path.basename(file), file }).result.then((m) => m.summary);
  // Warm the page cache so every run reads from memory, as the second open of a trace does.
  for (const f of [a, b]) spawnSync('cat', [f], { stdio: ['ignore', 'ignore', 'ignore'] });

  const alone = { a: await best(RUNS, () => parse(a)), b: await best(RUNS, () => parse(b)) };
  const both = await best(RUNS, () => Promise.all([parse(a), parse(b)]));
  const [sa, sb] = both.value;
  const coldWhatIf = await best(1, () => measureWalkModel('skylake', '4k'));
  const step = await best(RUNS, () => buildComparePayload([sa, sb], compareSummaries([{ summary: sa }, { summary: sb }])));

  // Cancel: start both, cancel after 500 ms, time until both threads have exited.
  const jobs = [a, b].map((file) => startWorkerJob(worker, { kind: 'summarize', name: path.basename(file), file }));
  for (const j of jobs) j.result.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 500));
  const tc = performance.now();
  for (const j of jobs) j.cancel();
  await Promise.all(jobs.map((j) => j.stopped));
  const cancelMs = performance.now() - tc;

  const cli = (...args) => best(RUNS, () => {
    const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`exitlens ${args.join(' ')} failed: ${r.stderr}`);
  });
  const cliA = await cli('summary', '--json', a);
  const cliB = await cli('summary', '--json', b);
  const cliCompare = await cli('compare', '--json', a, b);

  const first = both.ms + step.ms;
  const slower = Math.max(alone.a.ms, alone.b.ms);
  const rows = [
    ['extension route (worker threads, as the compare panel)', ''],
    ['  parse A alone', secs(alone.a.ms)],
    ['  parse B alone', secs(alone.b.ms)],
    ['  parse A and B at once (two workers)', secs(both.ms)],
    ['  compare + payload (2 summaries)', `${step.ms.toFixed(0)} ms`],
    ['  EPT what-if walk model, first use (simulator; shadow traces only)', `${coldWhatIf.ms.toFixed(0)} ms`],
    ['  first charts ready (parallel parse + compare)', secs(first)],
    ['  … over the slower parse alone', `${(first / slower).toFixed(2)}×`],
    ['  … over the two parses one after the other', `${(first / (alone.a.ms + alone.b.ms)).toFixed(2)}×`],
    ['  cancel → both workers stopped', `${cancelMs.toFixed(0)} ms`],
    ['CLI route (one thread)', ''],
    ['  exitlens summary --json A', secs(cliA.ms)],
    ['  exitlens summary --json B', secs(cliB.ms)],
    ['  exitlens compare --json A B', secs(cliCompare.ms)],
    ['  … over summary A + summary B', `${(cliCompare.ms / (cliA.ms + cliB.ms)).toFixed(2)}×`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log(`\nexits: A ${sa.exits.toLocaleString('en-US')}, B ${sb.exits.toLocaleString('en-US')}; throughput at once ${((sizeA + sizeB) / (1 << 20) / (both.ms / 1000)).toFixed(0)} MiB/s`);
}

main().catch((e) => {
  console.error(`bench-compare: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
