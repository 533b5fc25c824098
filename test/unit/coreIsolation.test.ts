/**
 * The core really runs without VS Code: in a child Node process where a Module._resolveFilename hook
 * makes `vscode` unresolvable, every module under src/core is required (through ts-node, transpile-only)
 * and a small real computation runs — a fixture trace summarised through the core's public entry point.
 * The lint rule bans the import; this proves the bundle-free runtime, transitive imports included.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/** The child's program. It prints one JSON line; the parent asserts on it. */
const CHILD = String.raw`
const Module = require('module');
const fs = require('fs');
const path = require('path');
const blocked = [];
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode' || request.startsWith('vscode/')) {
    blocked.push(request);
    const err = new Error("Cannot find module '" + request + "' (blocked: the core must not need VS Code)");
    err.code = 'MODULE_NOT_FOUND';
    throw err;
  }
  return resolve.call(this, request, ...rest);
};
require('ts-node').register({ transpileOnly: true, project: path.join(process.env.ROOT, 'tsconfig.json') });

const out = { modules: 0, failures: [], blocked, vscodeResolvable: true, control: null, computation: null };
try { require('vscode'); } catch (e) { out.vscodeResolvable = e.code !== 'MODULE_NOT_FOUND'; }
// Control: a module that does import vscode must fail to load under this hook.
try { require(process.env.CONTROL_MODULE); out.control = 'loaded'; } catch (e) { out.control = e.code || String(e); }
blocked.length = 0;

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}
for (const file of walk(path.join(process.env.ROOT, 'src', 'core')).sort()) {
  try { require(file); out.modules++; }
  catch (e) { out.failures.push(path.relative(process.env.ROOT, file) + ': ' + (e && e.message ? e.message.split('\n')[0] : e)); }
}

(async () => {
  const { memorySource } = require(path.join(process.env.ROOT, 'src/core/io/byteSource'));
  const { summarizeSource } = require(path.join(process.env.ROOT, 'src/core/analysis/summarize'));
  const text = fs.readFileSync(process.env.FIXTURE);
  const s = await summarizeSource(memorySource('fixture', text, 64));
  out.computation = { format: s.format, exits: s.exits, byReason: s.byReason, mmio: s.byCategory.mmio, io: s.byCategory.io, timeMmio: s.timeByCategory.mmio, timeIo: s.timeByCategory.io };
})().catch((e) => { out.computation = { error: e && e.message ? e.message : String(e) }; })
  .finally(() => process.stdout.write(JSON.stringify(out) + '\n'));
`;

describe('core isolation: src/core loads and computes with no vscode module', function () {
  this.timeout(120_000);
  let result: {
    modules: number;
    failures: string[];
    blocked: string[];
    vscodeResolvable: boolean;
    control: string | null;
    computation: Record<string, unknown> | null;
  };

  before(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-isolation-'));
    const control = path.join(dir, 'usesVscode.ts');
    fs.writeFileSync(control, "import * as vscode from 'vscode';\nexport const x = vscode.version;\n");
    try {
      const child = spawnSync(process.execPath, ['-e', CHILD], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          ROOT,
          CONTROL_MODULE: control,
          FIXTURE: path.join(ROOT, 'test', 'fixtures', 'ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt'),
        },
        timeout: 110_000,
      });
      assert.strictEqual(child.status, 0, `child failed: ${child.stderr}`);
      result = JSON.parse(child.stdout.trim().split('\n').pop() as string);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the hook really blocks vscode (a module importing it fails to load)', () => {
    assert.strictEqual(result.vscodeResolvable, false);
    assert.strictEqual(result.control, 'MODULE_NOT_FOUND');
  });

  it('requires every module under src/core without touching vscode', () => {
    const expected = (function count(dir: string): number {
      return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
        const p = path.join(dir, e.name);
        return n + (e.isDirectory() ? count(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? 1 : 0);
      }, 0);
    })(path.join(ROOT, 'src', 'core'));
    assert.deepStrictEqual(result.failures, []);
    assert.deepStrictEqual(result.blocked, [], 'a core module asked for vscode');
    assert.strictEqual(result.modules, expected);
  });

  it('summarises a real trace in that process', () => {
    // ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt: `apic_access` at 11906.220181 closed by the
    // kvm_entry at .220185 (4 µs, APIC_ACCESS → mmio) and `io_instruction` at .220188 closed at .220193
    // (5 µs, IO_INSTRUCTION → io); read in 64-byte chunks.
    assert.deepStrictEqual(result.computation, {
      format: 'ftrace',
      exits: 2,
      byReason: { APIC_ACCESS: 1, IO_INSTRUCTION: 1 },
      mmio: 1,
      io: 1,
      timeMmio: 4000,
      timeIo: 5000,
    });
  });
});

describe('core isolation: the lint rule', function () {
  this.timeout(60_000);

  it('rejects a vscode import under src/core, src/cli and src/shared, and allows it in src/extension', async () => {
    // Loaded lazily so the rest of the unit tier does not pay for it.
    const { ESLint } = await import('eslint');
    const eslint = new ESLint({ cwd: ROOT });
    const text = "import * as vscode from 'vscode';\nexport const version = vscode.version;\n";
    const rulesAt = async (file: string) => {
      const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, file) });
      return result.messages.map((m) => m.ruleId);
    };
    for (const file of ['src/core/lintProbe.ts', 'src/cli/lintProbe.ts', 'src/shared/lintProbe.ts']) {
      assert.deepStrictEqual(await rulesAt(file), ['no-restricted-imports'], file);
    }
    assert.deepStrictEqual(await rulesAt('src/extension/lintProbe.ts'), []);
  });
});
