#!/usr/bin/env node
/**
 * Runs every test of the exit-trace language and prints one count line for the harness:
 *   grammar: N passed, M failed
 * N and M count single checks: each `^^^`/`<--` scope assertion in test/grammar/*.test.* (checked with
 * vscode-tmgrammar-test's own parser and scope comparison, so the result matches
 * `npx vscode-tmgrammar-test -g syntaxes/exit-trace.tmLanguage.json 'test/grammar/*.test.*'`) plus each
 * mocha test in test/grammar/node/. Exit status is 1 when anything failed.
 */
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');
const { parseGrammarTestCase, missingScopes_ } = require('vscode-tmgrammar-test/dist/unit/index');
const { createRegistry } = require('vscode-tmgrammar-test/dist/common/index');

const root = path.join(__dirname, '..');
const GRAMMAR = path.join(root, 'syntaxes', 'exit-trace.tmLanguage.json');
const CASES_DIR = path.join(root, 'test', 'grammar');
const NODE_TESTS_DIR = path.join(CASES_DIR, 'node');
const rel = (p) => path.relative(root, p);

/** Checks one parsed case the way vscode-tmgrammar-test does, but reports per assertion. */
function checkCase(grammar, testCase) {
  const byLine = new Map(testCase.assertions.map((a) => [a.sourceLineNumber, a]));
  const results = [];
  let ruleStack = null;
  testCase.source.forEach((line, n) => {
    const tokenized = grammar.tokenizeLine(line, ruleStack);
    ruleStack = tokenized.ruleStack;
    const lineAssertions = byLine.get(n);
    if (!lineAssertions) return;
    for (const { from, to, scopes, exclude } of lineAssertions.scopeAssertions) {
      const tokens = tokenized.tokens.filter((t) => from < t.endIndex && to > t.startIndex);
      const problems = [];
      if (tokens.length === 0 && scopes.length > 0) problems.push(`no token at columns ${from}-${to}`);
      for (const token of tokens) {
        const missing = missingScopes_(scopes, token.scopes);
        const unexpected = exclude.filter((s) => token.scopes.includes(s));
        if (missing.length || unexpected.length) {
          const text = JSON.stringify(line.slice(token.startIndex, token.endIndex));
          problems.push(
            `${text}: ${missing.length ? 'missing ' + missing.join(' ') + '; ' : ''}${unexpected.length ? 'unexpected ' + unexpected.join(' ') + '; ' : ''}actual ${token.scopes.join(' ')}`,
          );
        }
      }
      results.push({ line: lineAssertions.testCaseLineNumber + 1, column: from, problems });
    }
  });
  return results;
}

async function runGrammarCases() {
  const registry = createRegistry([{ path: GRAMMAR, scopeName: '' }]);
  const files = fs
    .readdirSync(CASES_DIR)
    .filter((f) => /\.test\./.test(f) && fs.statSync(path.join(CASES_DIR, f)).isFile())
    .sort();
  let passed = 0;
  let failed = 0;
  for (const f of files) {
    const file = path.join(CASES_DIR, f);
    let testCase;
    try {
      testCase = parseGrammarTestCase(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      console.log(`  ✖ ${rel(file)}: cannot parse: ${err.message}`);
      failed++;
      continue;
    }
    const grammar = await registry.loadGrammar(testCase.metadata.scope);
    if (!grammar) {
      console.log(`  ✖ ${rel(file)}: no grammar for scope ${testCase.metadata.scope}`);
      failed++;
      continue;
    }
    const results = checkCase(grammar, testCase);
    const bad = results.filter((r) => r.problems.length);
    passed += results.length - bad.length;
    failed += bad.length;
    console.log(`  ${bad.length ? '✖' : '✓'} ${rel(file)}: ${results.length - bad.length}/${results.length} assertions`);
    for (const r of bad) {
      for (const p of r.problems) console.log(`      ${rel(file)}:${r.line}:${r.column} ${p}`);
    }
  }
  return { passed, failed };
}

function runNodeTests() {
  const mocha = new Mocha({ reporter: 'spec', timeout: 20000 });
  for (const f of fs.readdirSync(NODE_TESTS_DIR).filter((n) => n.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(NODE_TESTS_DIR, f));
  }
  return new Promise((resolve) => {
    let passed = 0;
    let failed = 0;
    const runner = mocha.run(() => resolve({ passed, failed }));
    runner.on('pass', () => passed++);
    runner.on('fail', () => failed++);
  });
}

async function main() {
  console.log('grammar cases (vscode-tmgrammar-test):');
  const cases = await runGrammarCases();
  const nodeTests = await runNodeTests();
  const passed = cases.passed + nodeTests.passed;
  const failed = cases.failed + nodeTests.failed;
  console.log(`grammar cases: ${cases.passed} passed, ${cases.failed} failed; node tests: ${nodeTests.passed} passed, ${nodeTests.failed} failed`);
  console.log(`grammar: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(`test-grammar: ${err && err.message ? err.message : err}`);
  console.log('grammar: 0 passed, 1 failed');
  process.exitCode = 1;
});
