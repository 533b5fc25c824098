#!/usr/bin/env node
// `npm test`: every tier, counted. Fail-fast checks first (typecheck, lint), then one build (webpack
// production bundles + tsc for the test tiers), then the tiers in order:
//   unit        mocha + ts-node on test/unit (core, CLI, manifest, core isolation)
//   grammar     scripts/test-grammar.js, when present (vscode-tmgrammar-test; prints `grammar: N passed, M failed`)
//   integration mocha inside the real VS Code extension host (scripts/test-integration.js)
//   e2e         the packaged .vsix installed into code-server, driven from chromium (scripts/test-e2e.js)
// The test VS Code and chromium are installed on first use. The last line is `N passed, M failed` over
// all tiers; the exit code is non-zero if anything failed or a tier could not run.
// Usage: node scripts/run-tests.js [tier…]   (e.g. `node scripts/run-tests.js unit integration`)
const fs = require('fs');
const path = require('path');
const { ROOT, BIN } = require('./lib/paths');
const { run } = require('./lib/proc');
const { parseResult } = require('./lib/results');

const GRAMMAR_SCRIPT = path.join(ROOT, 'scripts', 'test-grammar.js');
const BUILT_ENV = { ...process.env, EXITLENS_BUILT: '1' };

/** Each tier: how to run it and how to read its counts from its output. */
const TIERS = {
  unit: {
    cmd: [path.join(BIN, 'mocha'), '--config', 'test/unit/.mocharc.json', '--reporter', path.join(__dirname, 'lib', 'countingReporter.js')],
    env: { ...BUILT_ENV, EXITLENS_TIER: 'unit' },
    count: parseResult,
  },
  grammar: {
    optional: () => fs.existsSync(GRAMMAR_SCRIPT),
    cmd: [process.execPath, GRAMMAR_SCRIPT],
    env: BUILT_ENV,
    count: (text) => {
      let found;
      for (const m of String(text).matchAll(/^grammar: (\d+) passed, (\d+) failed\s*$/gm)) found = { passed: Number(m[1]), failed: Number(m[2]) };
      return found;
    },
  },
  integration: { cmd: [process.execPath, path.join(__dirname, 'test-integration.js')], env: BUILT_ENV, count: parseResult },
  e2e: { cmd: [process.execPath, path.join(__dirname, 'test-e2e.js')], env: BUILT_ENV, count: parseResult },
};

function banner(text) {
  console.log(`\n════ ${text} ${'═'.repeat(Math.max(0, 70 - text.length))}`);
}

async function check(what, cmd, args, env = process.env) {
  banner(what);
  const t0 = Date.now();
  const { code } = await run(cmd, args, { env });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(code === 0 ? `${what}: ok (${secs} s)` : `${what}: FAILED (exit code ${code}, ${secs} s)`);
  return code === 0;
}

async function main(argv) {
  const wanted = argv.length ? argv : Object.keys(TIERS);
  for (const t of wanted) if (!TIERS[t]) throw new Error(`unknown tier "${t}" (tiers: ${Object.keys(TIERS).join(', ')})`);
  const started = Date.now();
  const rows = [];
  const finish = () => {
    banner('results');
    for (const r of rows) console.log(`${r.tier.padEnd(12)} ${r.note}`);
    const passed = rows.reduce((n, r) => n + r.passed, 0);
    const failed = rows.reduce((n, r) => n + r.failed, 0);
    console.log(`total time ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 && rows.every((r) => r.ran) ? 0 : 1;
  };
  const fatal = (tier, note) => {
    rows.push({ tier, passed: 0, failed: 1, ran: false, note });
    return finish();
  };

  // Fail fast: nothing else is worth running if the code does not type-check or lint.
  if (!(await check('typecheck', 'npm', ['run', '--silent', 'typecheck']))) return fatal('typecheck', 'FAILED — tiers not run');
  if (!(await check('lint', 'npm', ['run', '--silent', 'lint']))) return fatal('lint', 'FAILED — tiers not run');
  if (!(await check('build (webpack production bundles)', path.join(BIN, 'webpack'), ['--mode', 'production']))) return fatal('build', 'FAILED — tiers not run');
  if (!(await check('compile tests (tsc -p tsconfig.test.json)', path.join(BIN, 'tsc'), ['-p', 'tsconfig.test.json']))) {
    return fatal('compile-tests', 'FAILED — tiers not run');
  }

  for (const tier of wanted) {
    const spec = TIERS[tier];
    if (spec.optional && !spec.optional()) {
      console.log(`\n(${tier}: not present yet, skipped)`);
      continue;
    }
    banner(`tier: ${tier}`);
    const t0 = Date.now();
    const { code, output } = await run(spec.cmd[0], spec.cmd.slice(1), { env: spec.env, capture: true });
    const secs = ((Date.now() - t0) / 1000).toFixed(0);
    const counted = spec.count(output);
    if (!counted) {
      rows.push({ tier, passed: 0, failed: 1, ran: false, note: `could not run (exit code ${code}, no result line) — ${secs} s` });
    } else {
      // A tier that exits non-zero with zero failures still failed (e.g. a crash after the count).
      const failed = counted.failed + (code !== 0 && counted.failed === 0 ? 1 : 0);
      rows.push({ tier, passed: counted.passed, failed, ran: true, note: `${counted.passed} passed, ${failed} failed — ${secs} s${code !== 0 && counted.failed === 0 ? ` (exit code ${code})` : ''}` });
    }
  }
  return finish();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`run-tests: ${e && e.message ? e.message : e}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
