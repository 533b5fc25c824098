/**
 * The `firstLine` regex in package.json is how VS Code opens a trace as `exit-trace` whatever its file
 * name. It only helps when the name itself decides nothing (no extension, or one no language claims):
 * path associations win, so `trace.txt` stays plain text. The regex is applied here exactly as VS Code
 * does (languagesRegistry.ts / languagesAssociations.ts): `^` is prepended when missing, a UTF-8 BOM is
 * dropped, only the first 1000 characters of line 1 are seen, and `String.prototype.match` decides.
 *
 * Lines come from test/fixtures/ and docs/trace-format.md by file and line number, so nothing here is a
 * hand-written "real" sample; the few strings built from a tool's printf are labelled as such.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..', '..');
const FIRST_LINE_DETECTION_LENGTH_LIMIT = 1000;

/** The exit-trace language contribution, read fresh so the test follows package.json edits. */
function exitTraceLanguage() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const lang = (pkg.contributes.languages || []).find((l) => l.id === 'exit-trace');
  assert.ok(lang, 'package.json contributes no language "exit-trace"');
  return lang;
}

function firstLineRegex() {
  let source = exitTraceLanguage().firstLine;
  assert.equal(typeof source, 'string', 'the exit-trace language has no firstLine');
  if (source.charAt(0) !== '^') source = '^' + source;
  return new RegExp(source);
}

function recognised(firstLine) {
  let line = firstLine.slice(0, FIRST_LINE_DETECTION_LENGTH_LIMIT).split(/\r\n|\r|\n/)[0];
  if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
  // VS Code never consults firstLine for an empty line.
  if (line.length === 0) return false;
  const m = line.match(firstLineRegex());
  return !!(m && m.length > 0);
}

/** Line `n` (1-based) of a repository file, verbatim. */
function lineOf(relPath, n) {
  const lines = fs.readFileSync(path.join(root, relPath), 'utf8').split(/\r?\n/);
  assert.ok(n >= 1 && n <= lines.length, `${relPath} has no line ${n}`);
  return lines[n - 1];
}
const fixture = (name, n) => lineOf(path.join('test', 'fixtures', name), n);

/** The first line of docs/trace-format.md that starts with `prefix` (the examples move as the doc grows). */
function docLine(prefix) {
  const line = fs.readFileSync(path.join(root, 'docs', 'trace-format.md'), 'utf8').split(/\r?\n/).find((l) => l.startsWith(prefix));
  assert.ok(line !== undefined, `docs/trace-format.md has no line starting with ${prefix}`);
  return line;
}

// The first line each tool printed (the fixtures' own line 1 is our provenance note).
const SHOULD_MATCH = [
  ['ftrace trace_pipe, 2.6.3x (no irq flags, markdown indentation kept)', () => fixture('ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt', 5)],
  ['ftrace trace, 4-char irq flags, first event is not kvm_exit/kvm_entry', () => fixture('ftrace-trace_pipe-kvm.c-comment-minimal-kvm-program.txt', 3)],
  ['ftrace, 5-char irq flags', () => fixture('ftrace-kvm-kvmmmu-cr-access.lkml-2023-03-30-cr0wp.txt', 2)],
  ['ftrace, "<...>" comm, SVM', () => fixture('ftrace-svm-npf-vcpu-oldinfo.stable-2020-07-08-wanpengli.txt', 2)],
  ['trace-cmd report event line (mail-quoted)', () => fixture('trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt', 2)],
  ['trace-cmd report, kvm_nested_vmexit with libtraceevent error text', () => fixture('trace-cmd-report-svm-nested-cantfindfield.kvm-list-2020-07-20-vitaly.txt', 3)],
  ['trace-cmd report, plugin-rendered kvm_nested_vmexit', () => fixture('trace-cmd-report-svm-nested-cantfindfield.kvm-list-2020-07-20-vitaly.txt', 6)],
  ['perf script, right-aligned kvm:kvm_entry', () => fixture('perf-script-kvm-newfmt.kvm-list-2022-03-16-lmb-triplefault.txt', 9)],
  ['kvm_stat screen title', () => fixture('kvm_stat-debugfs-mode.codeblueprint-blog-2017.txt', 2)],
  ['ExitLens JSON Lines header (docs/trace-format.md)', () => docLine('{"exitlens":"trace"')],
  ['ExitLens simulated perf-script header (docs/trace-format.md)', () => docLine('# exitlens-simulated:')],
  // Built from the printing code, not captured: kernel trace.c `seq_printf(m, "# tracer: %s\n", ...)` with the
  // default nop tracer, trace-cmd report's `printf("cpus=%d\n", cpus)` and `printf("CPU %d is empty\n", cpu)`.
  ['ftrace `trace` file header', () => '# tracer: nop'],
  ['trace-cmd report header', () => 'cpus=4'],
  ['trace-cmd report, empty CPU buffer printed before cpus=', () => 'CPU 0 is empty'],
];

const FIXTURES = fs.readdirSync(path.join(root, 'test', 'fixtures')).filter((f) => f.endsWith('.txt')).sort();

const SHOULD_NOT_MATCH = [
  ['C source (arch/x86/kvm/trace.h line 1)', () => '/* SPDX-License-Identifier: GPL-2.0 */'],
  ['SYNTHETIC C comment that names the tracepoint', () => '/* Count kvm:kvm_exit events per vCPU. */'],
  ['shell command that records kvm:kvm_exit (kvm_stat fixture)', () => fixture('kvm_stat-debugfs-mode.codeblueprint-blog-2017.txt', 28)],
  ['shell command before a perf kvm stat report', () => fixture('perf-kvm-stat-report-vmexit.blog-2020-09-28.txt', 2)],
  ['perf kvm stat report: its first line is blank', () => fixture('perf-kvm-stat-report-vmexit.blog-2020-09-28.txt', 3)],
  ['ExitLens symbol file, not a trace (docs/trace-format.md)', () => docLine('{"exitlens":"symbols"')],
  ...FIXTURES.map((f) => [`provenance note, line 1 of ${f}`, () => fixture(f, 1)]),
];

describe('package.json firstLine for exit-trace', () => {
  it('compiles and cannot match an empty line (VS Code drops regexes that loop on "")', () => {
    assert.equal(firstLineRegex().test(''), false);
  });

  for (const [what, line] of SHOULD_MATCH) {
    it(`recognises ${what}`, () => {
      const text = line();
      assert.ok(recognised(text), `firstLine ${JSON.stringify(exitTraceLanguage().firstLine)} does not match: ${JSON.stringify(text)}`);
    });
  }

  for (const [what, line] of SHOULD_NOT_MATCH) {
    it(`does not claim ${what}`, () => {
      const text = line();
      assert.ok(!recognised(text), `firstLine ${JSON.stringify(exitTraceLanguage().firstLine)} wrongly matches: ${JSON.stringify(text)}`);
    });
  }
});

describe('exit-trace language contribution', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

  it('points at the grammar file, whose scopeName matches', () => {
    const contributed = pkg.contributes.grammars.find((g) => g.language === 'exit-trace');
    assert.ok(contributed, 'no grammar contributed for exit-trace');
    const grammar = JSON.parse(fs.readFileSync(path.join(root, contributed.path), 'utf8'));
    assert.equal(grammar.scopeName, contributed.scopeName);
    assert.equal(contributed.scopeName, 'source.exit-trace');
  });

  it('points at a language configuration with "#" line comments', () => {
    const config = JSON.parse(fs.readFileSync(path.join(root, exitTraceLanguage().configuration), 'utf8'));
    assert.equal(config.comments.lineComment, '#');
  });

  it('claims the file names docs/trace-format.md gives ExitLens traces', () => {
    assert.ok(exitTraceLanguage().filenamePatterns.includes('*.exitlens.jsonl'));
  });
});
