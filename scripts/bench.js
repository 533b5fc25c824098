#!/usr/bin/env node
// `npm run bench`: how fast and how lean is `exitlens summary` next to the awk one-liner a user would
// otherwise write? Generates (once, into bench-data/, git-ignored) a synthetic perf-script KVM trace
// of ≥ 1 M exits and a 10× larger one, runs mawk's one-pass aggregation and `node dist/cli.js summary
// --json` on each — alternating, best of 3 each, in the same run — and prints wall and CPU times,
// throughputs and ratios (targets: ≥ 5× mawk's throughput on one thread, judged on CPU time because
// the machine may be shared; peak RSS on the 10× file ≤ 1.3× the RSS on the 1× file). Fails loudly if
// the summary's counts differ from mawk's. Then runs the simulator bench (scripts/bench-sim.js) and
// the symbolisation bench (scripts/bench-symbols.js) when they exist.
//
// Options: --exits N (default 1000000)  --scale K (default 10)  --repeat R (default 3)  --no-large
//          --no-split  --no-sim  --no-symbols  --strict
//          (--strict: exit 1 when a target is missed; counts that differ always exit 1)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { generate } = require('./bench/generate');

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(ROOT, 'bench-data');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const AWK = path.join(__dirname, 'bench', 'agg.awk');
const TIME_BIN = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const GENERATOR_VERSION = 1;
const SEED = 1;
const TARGET_SPEEDUP = 5;
const TARGET_RSS_RATIO = 1.3;

function parseArgs(argv) {
  const o = { exits: 1_000_000, scale: 10, repeat: 3, large: true, split: true, sim: true, symbols: true, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--exits') o.exits = Number(argv[++i]);
    else if (a === '--scale') o.scale = Number(argv[++i]);
    else if (a === '--repeat') o.repeat = Number(argv[++i]);
    else if (a === '--no-large') o.large = false;
    else if (a === '--no-split') o.split = false;
    else if (a === '--no-sim') o.sim = false;
    else if (a === '--no-symbols') o.symbols = false;
    else if (a === '--strict') o.strict = true;
    else die(`unknown option ${a}`, 2);
  }
  if (!(o.exits >= 1) || !(o.scale >= 1) || !(o.repeat >= 1)) die('--exits, --scale and --repeat must be ≥ 1', 2);
  return o;
}

function die(message, code = 1) {
  console.error(`bench: ${message}`);
  process.exit(code);
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Rebuilds dist/cli.js when it is missing or older than a source it bundles. */
function ensureCli() {
  const newest = (dir) => {
    let t = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) t = Math.max(t, newest(p));
      else if (/\.(ts|json)$/.test(e.name)) t = Math.max(t, fs.statSync(p).mtimeMs);
    }
    return t;
  };
  const srcTime = Math.max(newest(path.join(ROOT, 'src', 'core')), newest(path.join(ROOT, 'src', 'cli')));
  if (fs.existsSync(CLI) && fs.statSync(CLI).mtimeMs >= srcTime) return;
  console.log('bench: building dist/cli.js (webpack --config-name cli)…');
  // dist/ is shared with the other build and test tiers: bundle under their lock when flock exists.
  const webpack = ['npx', 'webpack', '--mode', 'production', '--config-name', 'cli'];
  // A bounded wait: a caller that already holds the lock (a wrapper around this bench) would otherwise hang it.
  const LOCK = '/tmp/exitlens-build.lock';
  const LOCK_WAIT_S = 300;
  const cmd = which('flock') ? ['flock', '-E', '75', '-w', String(LOCK_WAIT_S), LOCK, ...webpack] : webpack;
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: ROOT, stdio: 'inherit' });
  if (r.status === 75) die(`${LOCK} stayed locked for ${LOCK_WAIT_S} s (another build, or a wrapper of this bench holding it): build dist/cli.js first, then run the bench`);
  if (r.status !== 0 || !fs.existsSync(CLI)) die('building dist/cli.js failed');
}

/** The trace with `exits` exits, generated once and reused (a sidecar records how it was made). */
function dataset(exits) {
  fs.mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `perf-script-kvm-${exits}.txt`);
  const metaFile = file + '.json';
  const want = { generator: GENERATOR_VERSION, seed: SEED, exits };
  if (fs.existsSync(file) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    if (meta.generator === want.generator && meta.seed === want.seed && meta.exits === exits && fs.statSync(file).size === meta.bytes) return file;
  }
  process.stdout.write(`bench: generating ${path.relative(ROOT, file)} (${exits} exits)… `);
  const t0 = process.hrtime.bigint();
  const tmp = file + '.tmp';
  const info = generate(tmp, { exits, seed: SEED });
  fs.renameSync(tmp, file);
  fs.writeFileSync(metaFile, JSON.stringify({ ...want, bytes: info.bytes, lines: info.lines }) + '\n');
  console.log(`${(info.bytes / 1e6).toFixed(0)} MB in ${seconds(t0).toFixed(1)} s`);
  return file;
}

function seconds(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Reads the file once so neither tool pays for the disk. */
function warmCache(file) {
  spawnSync('cat', [file], { stdio: ['ignore', 'ignore', 'ignore'] });
}

/** User + system CPU seconds (all threads of the child) from `/usr/bin/time -v`; NaN without it. */
function cpuSeconds(stderr) {
  const u = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sy = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  return u && sy ? Number(u[1]) + Number(sy[1]) : NaN;
}

/** Runs a command under `/usr/bin/time -v` when there is one: wall, CPU and peak RSS with its output. */
function timed(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = TIME_BIN
    ? spawnSync(TIME_BIN, ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, env })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, env });
  const wall = seconds(t0);
  const rss = TIME_BIN ? /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr) : /exitlens: maxRSS (\d+) kB/.exec(r.stderr);
  return { r, wall, cpu: cpuSeconds(r.stderr), rssKb: rss ? Number(rss[1]) : NaN };
}

function runMawk(file) {
  const { r, wall, cpu } = timed('mawk', ['-f', AWK, file]);
  if (r.status !== 0) die(`mawk failed: ${r.stderr}`);
  const byReason = {};
  const byRip = new Map();
  for (const line of r.stdout.split('\n')) {
    const [kind, key, count] = line.split(' ');
    if (kind === 'reason') byReason[key] = Number(count);
    else if (kind === 'rip') byRip.set(key, Number(count));
  }
  const exits = Object.values(byReason).reduce((a, b) => a + b, 0);
  return { wall, cpu, exits, byReason, byRip };
}

/**
 * Node flags the bundle's shebang asks for (`#!/usr/bin/env -S node --flag …`), so the bench runs the
 * CLI exactly as the installed `exitlens` bin would.
 */
function shebangFlags() {
  const first = fs.readFileSync(CLI, 'utf8').slice(0, 200).split('\n')[0];
  const m = /^#!\S*env\s+(?:-S\s+)?node((?:\s+--?\S+)*)\s*$/.exec(first) ?? /^#!\S*node((?:\s+--?\S+)*)\s*$/.exec(first);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}

function runCli(file) {
  const { r, wall, cpu, rssKb } = timed(process.execPath, [...shebangFlags(), CLI, 'summary', '--json', file], { ...process.env, EXITLENS_REPORT_MAXRSS: '1' });
  if (r.status !== 0) die(`exitlens summary failed (exit ${r.status}):\n${r.stderr}`);
  return { wall, cpu, rssKb, summary: JSON.parse(r.stdout) };
}

/** The summary must agree with mawk exactly: exits, per-reason counts, distinct RIPs, top sites. */
function checkCounts(summary, awk, file) {
  const problems = [];
  if (summary.exits !== awk.exits) problems.push(`exits: exitlens ${summary.exits}, mawk ${awk.exits}`);
  const reasons = new Set([...Object.keys(summary.byReason), ...Object.keys(awk.byReason)]);
  for (const r of reasons)
    if (summary.byReason[r] !== awk.byReason[r]) problems.push(`byReason.${r}: exitlens ${summary.byReason[r]}, mawk ${awk.byReason[r]}`);
  if (summary.siteCount !== awk.byRip.size) problems.push(`distinct RIPs: exitlens ${summary.siteCount}, mawk ${awk.byRip.size}`);
  for (const site of summary.sites)
    if (awk.byRip.get(site.rip) !== site.exits) problems.push(`site ${site.rip}: exitlens ${site.exits}, mawk ${awk.byRip.get(site.rip)}`);
  if (problems.length > 0) die(`COUNTS DIFFER on ${path.relative(ROOT, file)}:\n  ${problems.slice(0, 20).join('\n  ')}`);
}

/** Parse-only versus parse + summary, in-process through ts-node: the summarizer's own cost. */
function runSplit(file) {
  const r = spawnSync(process.execPath, [...shebangFlags(), path.join(__dirname, 'bench', 'split.js'), file], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(r.stdout);
}

/** The lowest of a number over runs (NaN-safe). */
function best(runs, key) {
  return runs.reduce((m, r) => (Number.isNaN(r[key]) ? m : Math.min(m, r[key])), Infinity);
}

function loadAverage() {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

function measure(exits, label, repeat) {
  const file = dataset(exits);
  const bytes = fs.statSync(file).size;
  warmCache(file);
  const loadBefore = loadAverage();
  const awkRuns = [];
  const cliRuns = [];
  // Alternate the tools so both see the same machine load.
  for (let i = 0; i < repeat; i++) {
    awkRuns.push(runMawk(file));
    const cli = runCli(file);
    checkCounts(cli.summary, awkRuns[i], file);
    cliRuns.push(cli);
  }
  const awk = { wall: best(awkRuns, 'wall'), cpu: best(awkRuns, 'cpu'), exits: awkRuns[0].exits, byReason: awkRuns[0].byReason, byRip: awkRuns[0].byRip };
  const cli = { wall: best(cliRuns, 'wall'), cpu: best(cliRuns, 'cpu'), rssKb: best(cliRuns, 'rssKb'), summary: cliRuns[0].summary };
  const mb = bytes / 1e6;
  const lines = cli.summary.exits * 2;
  console.log(`\n${label}: ${path.relative(ROOT, file)}  ${mb.toFixed(0)} MB, ${exits} exits (${lines} lines), ${cli.summary.siteCount} RIPs`);
  console.log(`  best of ${repeat} alternating runs; load average ${loadBefore} before, ${loadAverage()} after`);
  const hasCpu = Number.isFinite(awk.cpu) && Number.isFinite(cli.cpu);
  const row = (name, x) =>
    `  ${name.padEnd(30)} wall ${x.wall.toFixed(2).padStart(6)} s ${(mb / x.wall).toFixed(0).padStart(5)} MB/s` +
    (hasCpu ? `   CPU ${x.cpu.toFixed(2).padStart(6)} s ${(mb / x.cpu).toFixed(0).padStart(5)} MB/s ${((x.cpu / lines) * 1e9).toFixed(0).padStart(5)} ns/line` : '');
  console.log(row('mawk one-pass (reason + RIP):', awk));
  console.log(row('exitlens summary --json:', cli) + `   peak RSS ${(cli.rssKb / 1024).toFixed(0)} MB`);
  const wallRatio = awk.wall / cli.wall;
  const cpuRatio = hasCpu ? awk.cpu / cli.cpu : NaN;
  const judged = hasCpu ? cpuRatio : wallRatio;
  console.log(
    `  exitlens / mawk throughput: ${wallRatio.toFixed(2)}× wall${hasCpu ? `, ${cpuRatio.toFixed(2)}× CPU` : ''}` +
      `  (target ≥ ${TARGET_SPEEDUP}× on ${hasCpu ? 'CPU time' : 'wall time'}: ${judged >= TARGET_SPEEDUP ? 'met' : 'MISSED'})`,
  );
  console.log(`  counts: exits, ${Object.keys(awk.byReason).length} reasons, ${awk.byRip.size} RIPs and the top ${cli.summary.sites.length} sites equal mawk's in every run`);
  return { file, bytes, awk, cli, speedup: judged };
}

/** Runs another bench script (owned elsewhere) when it exists; its output goes through unchanged. */
function runOther(script, label, strict) {
  const file = path.join(__dirname, script);
  if (!fs.existsSync(file)) {
    console.log(`\nbench: ${label}: ${path.relative(ROOT, file)} not found; skipped`);
    return true;
  }
  console.log(`\n== ${label} (${path.relative(ROOT, file)}${strict ? ' --strict' : ''}) ==`);
  const r = spawnSync(process.execPath, [file, ...(strict ? ['--strict'] : [])], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) console.log(`bench: ${label} exited with ${r.status}`);
  return r.status === 0;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!which('mawk')) die('mawk not found (Debian/Ubuntu: apt-get install mawk)');
  ensureCli();
  const flags = shebangFlags();
  console.log(
    `bench: node ${process.version}${flags.length ? ' ' + flags.join(' ') : ''}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${loadAverage()}, ` +
      `times and RSS via ${TIME_BIN ? '/usr/bin/time -v' : 'process.resourceUsage()'}`,
  );
  const missed = [];
  const base = measure(o.exits, `1× (${o.exits} exits)`, o.repeat);
  if (!(base.speedup >= TARGET_SPEEDUP)) missed.push('speed-up');
  if (o.split) {
    const split = runSplit(base.file);
    if (split.error) console.log(`  split: unavailable (${split.error})`);
    else {
      const ns = (s) => ((s / split.lines) * 1e9).toFixed(0);
      console.log(
        `  in-process, ts-node, warm JIT, best CPU of 3: parse only ${split.parseSeconds.toFixed(2)} s (${ns(split.parseSeconds)} ns/line), ` +
          `parse + summary ${split.summarySeconds.toFixed(2)} s (${ns(split.summarySeconds)} ns/line; ${(base.bytes / 1e6 / split.summarySeconds).toFixed(0)} MB/s); ` +
          `first pass (cold JIT) ${split.firstSeconds.toFixed(2)} s`,
      );
    }
  }
  if (o.large) {
    const large = measure(o.exits * o.scale, `${o.scale}× (${o.exits * o.scale} exits)`, o.repeat);
    if (!(large.speedup >= TARGET_SPEEDUP)) missed.push(`speed-up at ${o.scale}×`);
    const ratio = large.cli.rssKb / base.cli.rssKb;
    console.log(
      `\npeak RSS ${o.scale}× / 1×: ${(large.cli.rssKb / 1024).toFixed(0)} MB / ${(base.cli.rssKb / 1024).toFixed(0)} MB = ${ratio.toFixed(2)}  (target ≤ ${TARGET_RSS_RATIO}: ${ratio <= TARGET_RSS_RATIO ? 'met' : 'MISSED'})`,
    );
    if (!(ratio <= TARGET_RSS_RATIO)) missed.push('RSS ratio');
  }
  if (o.sim && !runOther('bench-sim.js', 'simulator bench', o.strict)) missed.push('simulator bench');
  if (o.symbols && !runOther('bench-symbols.js', 'symbol bench', false)) missed.push('symbol bench');
  if (missed.length > 0) {
    console.log(`\nbench: targets missed: ${missed.join(', ')}`);
    if (o.strict) process.exit(1);
  } else console.log('\nbench: all targets met');
}

main();
