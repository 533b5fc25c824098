#!/usr/bin/env node
// The simulator part of `npm run bench`: how fast does the simulator core run? For every built-in
// workload and both paging modes it runs the default simulation (skylake, 4 KB pages, seed 1) and
// prints wall and CPU time and simulated memory references per second (data + page-walk references,
// warm-up included). Reference-bound workloads (compute, gups) measure the per-reference core; the
// OS-heavy ones (forkwait, kbuild, ...) spend most of their time in the guest-kernel and VMM models.
// Targets (issue 4): every default run < 2 s; ≥ 10 M simulated references/s. CPU time is reported
// next to wall time because the machine may be shared.
//
// Options: --workloads a,b  --repeat N (best of N, default 3)  --json  --strict (exit 1 on a missed target)
'use strict';
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
require(path.join(ROOT, 'node_modules', 'ts-node')).register({ transpileOnly: true, project: path.join(ROOT, 'tsconfig.json') });
const { simulate, BUILTIN_WORKLOADS, BUILTIN_NAMES } = require(path.join(ROOT, 'src', 'core', 'sim', 'index.ts'));

const TARGET_REFS_PER_S = 10e6;
const TARGET_RUN_MS = 2000;

function parseArgs(argv) {
  const o = { workloads: BUILTIN_NAMES, repeat: 3, json: false, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--workloads') o.workloads = argv[++i].split(',');
    else if (a === '--repeat') o.repeat = Number(argv[++i]);
    else if (a === '--json') o.json = true;
    else if (a === '--strict') o.strict = true;
    else {
      console.error(`bench-sim: unknown option ${a}`);
      process.exit(2);
    }
  }
  for (const w of o.workloads) {
    if (!BUILTIN_WORKLOADS[w]) {
      console.error(`bench-sim: unknown workload ${w} (valid: ${BUILTIN_NAMES.join(', ')})`);
      process.exit(2);
    }
  }
  if (!(o.repeat >= 1)) o.repeat = 1;
  return o;
}

/** One measured run: best (lowest CPU time) of `repeat`. */
function measure(workload, paging, repeat) {
  let best;
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const r = simulate({ workload: BUILTIN_WORKLOADS[workload], paging, cpu: 'skylake', pages: '4k', seed: 1 });
    const c = process.cpuUsage(c0);
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpuMs = (c.user + c.system) / 1000;
    if (!best || cpuMs < best.cpuMs) best = { workload, paging, wallMs, cpuMs, refs: r.simulatedRefs, exits: r.exits, cycles: r.cycles.total };
  }
  best.refsPerSecCpu = best.refs / (best.cpuMs / 1000);
  best.refsPerSecWall = best.refs / (best.wallMs / 1000);
  return best;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  // Warm the JIT so the first workload is not penalised.
  simulate({ workload: BUILTIN_WORKLOADS.compute, paging: 'ept', cpu: 'skylake', pages: '4k', seed: 1, scale: 0.5 });
  const rows = [];
  for (const w of o.workloads) for (const paging of ['shadow', 'ept']) rows.push(measure(w, paging, o.repeat));
  const totalRefs = rows.reduce((a, r) => a + r.refs, 0);
  const totalCpu = rows.reduce((a, r) => a + r.cpuMs, 0) / 1000;
  const totalWall = rows.reduce((a, r) => a + r.wallMs, 0) / 1000;
  const core = rows.filter((r) => r.workload === 'compute' || r.workload === 'gups');
  const coreRefs = core.reduce((a, r) => a + r.refs, 0);
  const coreCpu = core.reduce((a, r) => a + r.cpuMs, 0) / 1000;
  const summary = {
    totalRefsPerSecCpu: totalRefs / totalCpu,
    totalRefsPerSecWall: totalRefs / totalWall,
    coreRefsPerSecCpu: core.length ? coreRefs / coreCpu : null,
    slowestRunMs: Math.max(...rows.map((r) => r.wallMs)),
    slowestRunCpuMs: Math.max(...rows.map((r) => r.cpuMs)),
  };
  const runsOk = rows.every((r) => r.cpuMs < TARGET_RUN_MS);
  const coreOk = summary.coreRefsPerSecCpu === null || summary.coreRefsPerSecCpu >= TARGET_REFS_PER_S;
  if (o.json) {
    process.stdout.write(JSON.stringify({ rows, summary, targets: { refsPerSec: TARGET_REFS_PER_S, runMs: TARGET_RUN_MS }, runsOk, coreOk }, null, 2) + '\n');
  } else {
    const M = (x) => (x / 1e6).toFixed(2);
    console.log('simulator throughput (skylake, 4k pages, seed 1; best of ' + o.repeat + ')');
    console.log('workload       paging   wall ms   cpu ms   sim refs    M refs/s (cpu)  M refs/s (wall)  exits');
    for (const r of rows) {
      console.log(
        `${r.workload.padEnd(14)} ${r.paging.padEnd(6)} ${r.wallMs.toFixed(0).padStart(8)} ${r.cpuMs.toFixed(0).padStart(8)} ${String(r.refs).padStart(10)} ${M(r.refsPerSecCpu).padStart(15)} ${M(r.refsPerSecWall).padStart(16)} ${String(r.exits).padStart(6)}`,
      );
    }
    console.log(`all runs: ${M(summary.totalRefsPerSecCpu)} M refs/s of CPU (${M(summary.totalRefsPerSecWall)} wall)`);
    if (summary.coreRefsPerSecCpu !== null) console.log(`reference-bound core (compute + gups): ${M(summary.coreRefsPerSecCpu)} M refs/s of CPU — target ≥ ${M(TARGET_REFS_PER_S)}: ${coreOk ? 'met' : 'MISSED'}`);
    console.log(`slowest default run: ${summary.slowestRunMs.toFixed(0)} ms wall, ${summary.slowestRunCpuMs.toFixed(0)} ms CPU — target < ${TARGET_RUN_MS} ms: ${runsOk ? 'met' : 'MISSED'}`);
  }
  if (o.strict && !(runsOk && coreOk)) process.exit(1);
}

main();
