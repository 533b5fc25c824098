/**
 * `exitlens simulate`, run in-process: JSON shape per paging mode, trace files for both modes with
 * their symbol files, and exit codes (2 for usage errors listing the valid values, 1 for a bad
 * workload file naming file and line).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import { formatFor, outputNameFor, registerSimulate, symbolsNameFor } from '../../../src/cli/simulateCommand';
import type { CommandResult } from '../../../src/cli/summaryCommand';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `exitlens simulate …` on a program holding only the simulate command, as main.ts wires it. */
async function simulateCli(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s), isTTY: false, columns: 100 }, now: () => 0 };
  const result: CommandResult = { exitCode: 0 };
  const program = new Command().name('exitlens').exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerSimulate(program, io, result);
  try {
    await program.parseAsync(['node', 'exitlens', 'simulate', ...args]);
    return { code: result.exitCode, out, err };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, out, err };
    throw e;
  }
}

describe('exitlens simulate', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-sim-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--json with --paging both prints {shadow, ept}, each with the documented fields', async () => {
    const r = await simulateCli('--workload', 'pio', '--paging', 'both', '--json', '--scale', '0.2');
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['shadow', 'ept']);
    for (const mode of ['shadow', 'ept']) {
      const x = j[mode];
      for (const k of ['workload', 'paging', 'cpu', 'pages', 'seed', 'cycles', 'exits', 'byCategory', 'byReason', 'walks', 'tlb', 'shadowTableBytes', 'sites']) assert.ok(k in x, `${mode}.${k}`);
      assert.deepEqual(Object.keys(x.cycles).sort(), ['exitHandling', 'exitRoundTrip', 'guest', 'idle', 'pageWalk', 'total']);
      assert.deepEqual(Object.keys(x.walks).sort(), ['count', 'maxRefs', 'meanRefs', 'refs']);
      assert.ok('accesses' in x.tlb && 'misses' in x.tlb);
      assert.equal(x.paging, mode);
      assert.equal(x.workload, 'pio');
      assert.equal(x.cpu, 'skylake');
      assert.equal(x.pages, '4k');
      assert.equal(x.seed, 1);
      assert.equal(x.byCategory.io, 200); // 0.2 × 100 loops × 10 OUTs
    }
  });

  it('--json with one mode prints that run only', async () => {
    const r = await simulateCli('-w', 'syscall', '-p', 'ept', '--json', '--cpu', 'nehalem', '--pages', '2m', '--seed', '5', '--scale', '0.1');
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.equal(j.paging, 'ept');
    assert.equal(j.cpu, 'nehalem');
    assert.equal(j.pages, '2m');
    assert.equal(j.seed, 5);
  });

  it('the table report compares both modes', async () => {
    const r = await simulateCli('-w', 'ptemod', '--scale', '0.05');
    assert.equal(r.code, 0);
    assert.match(r.out, /^ExitLens simulation — ptemod on skylake \(4k pages, fresh memory, seed 1, scale 0\.05\) — simulated, not measured/);
    assert.match(r.out, /^ {2}invlpg +2400 +0$/m, 'shadow: one INVLPG exit per page per mprotect; none under EPT');
    assert.match(r.out, /shadow\/ept total cycles: \d+\.\d\dx/);
    assert.match(r.out, /invlpg/);
  });

  it('--memory warm starts with backed free memory: forkwait under EPT then takes no EPT violation', async () => {
    const fresh = JSON.parse((await simulateCli('-w', 'forkwait', '-p', 'ept', '--json')).out);
    const warm = JSON.parse((await simulateCli('-w', 'forkwait', '-p', 'ept', '--memory', 'warm', '--json')).out);
    assert.equal(fresh.memory, 'fresh');
    assert.ok(fresh.byCategory.ept > 0, 'the first child touches never-backed frames');
    assert.equal(warm.memory, 'warm');
    assert.equal(warm.byCategory.ept, 0);
    const bad = await simulateCli('-w', 'forkwait', '--memory', 'tepid');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown --memory "tepid" \(valid: fresh, warm\)/);
  });

  it('--out with --paging both writes FILE-shadow… and FILE-ept… each with its .syms.json', async () => {
    const out = path.join(dir, 'trace.perf.txt');
    const r = await simulateCli('-w', 'mmio', '--out', out, '--scale', '0.1');
    assert.equal(r.code, 0);
    for (const mode of ['shadow', 'ept']) {
      const trace = fs.readFileSync(path.join(dir, `trace-${mode}.perf.txt`), 'utf8');
      assert.ok(trace.startsWith(`# exitlens-simulated: workload=mmio paging=${mode} cpu=skylake pages=4k seed=1 cpuHz=3000000000 symbols=trace-${mode}.syms.json\n`));
      assert.match(trace, /kvm:kvm_mmio: mmio write len 4 gpa 0xfebf0040/);
      const syms = JSON.parse(fs.readFileSync(path.join(dir, `trace-${mode}.syms.json`), 'utf8'));
      assert.ok(syms.lines.some((l: { file: string; line: number }) => l.file === 'samples/workloads.c' && l.line === 117));
    }
    assert.match(r.err, /wrote .*trace-shadow\.perf\.txt/);
  });

  it('writes JSONL when --out ends in .jsonl (or with --format jsonl)', async () => {
    const out = path.join(dir, 'one.exitlens.jsonl');
    const r = await simulateCli('-w', 'pio', '-p', 'ept', '-o', out, '--scale', '0.1');
    assert.equal(r.code, 0);
    const first = JSON.parse(fs.readFileSync(out, 'utf8').split('\n')[0]);
    assert.equal(first.exitlens, 'trace');
    assert.equal(first.symbols, 'one.syms.json');
    assert.ok(fs.existsSync(path.join(dir, 'one.syms.json')));
  });

  it('names outputs and formats as documented', () => {
    assert.equal(outputNameFor('trace.perf.txt', 'shadow'), 'trace-shadow.perf.txt');
    assert.equal(outputNameFor(path.join('out', 'build.exitlens.jsonl'), 'ept'), path.join('out', 'build-ept.exitlens.jsonl'));
    assert.equal(outputNameFor('trace', 'ept'), 'trace-ept');
    assert.equal(symbolsNameFor(path.join('d', 'trace-ept.perf.txt')), path.join('d', 'trace-ept.syms.json'));
    assert.equal(formatFor(undefined, 'x.exitlens.jsonl'), 'jsonl');
    assert.equal(formatFor(undefined, 'x.perf.txt'), 'perf-script');
    assert.equal(formatFor('jsonl', 'x.perf.txt'), 'jsonl');
  });

  it('an unknown workload or CPU is a usage error (2) listing the valid values', async () => {
    const w = await simulateCli('-w', 'nope');
    assert.equal(w.code, 2);
    assert.match(w.err, /unknown workload "nope" \(built-in: forkwait, ptemod, pgfault, compute, syscall, syscall-kpti, pingpong, gups, mmio, pio, kbuild; or a path to a workload \.json file\)/);
    const c = await simulateCli('-w', 'pio', '--cpu', 'k6');
    assert.equal(c.code, 2);
    assert.match(c.err, /unknown --cpu "k6" \(valid: prescott, nehalem, sandybridge, skylake, modern\)/);
    const p = await simulateCli('-w', 'pio', '--paging', 'npt');
    assert.equal(p.code, 2);
    assert.match(p.err, /valid: shadow, ept, both/);
    const s = await simulateCli('-w', 'pio', '--seed', 'x');
    assert.equal(s.code, 2);
  });

  it('a broken workload file exits 1 naming the file and line', async () => {
    const f = path.join(dir, 'bad.workload.json');
    fs.writeFileSync(f, '{ "exitlens": "workload", "version": 1, "name": "b", "source": "b.c",\n  "program": [ { "op": "touch" } ] }\n');
    const r = await simulateCli('-w', f);
    assert.equal(r.code, 1);
    assert.ok(r.err.includes(`${f}:2: $.program[0].region: missing`), r.err);
    assert.equal(r.out, '');
    const missing = await simulateCli('-w', path.join(dir, 'absent.json'));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /cannot read workload file .*absent\.json: ENOENT/);
  });

  it('a workload that does something impossible exits 1 naming the operation in the file and in the source', async () => {
    const f = path.join(dir, 'impossible.workload.json');
    fs.writeFileSync(f, '{ "exitlens": "workload", "version": 1, "name": "i", "source": "i.c",\n  "program": [\n    { "op": "loop", "count": 2, "body": [\n      { "op": "touch", "region": "nowhere", "line": 7 }\n    ] }\n  ] }\n');
    const r = await simulateCli('-w', f, '-p', 'ept');
    assert.equal(r.code, 1);
    assert.equal(r.err, `exitlens: ${f}:4: touch (i.c:7): process 1 has no region "nowhere" (allocate it with an "alloc" operation first)\n`);
  });

  it('is registered in the real CLI (main): usage errors exit 2', async () => {
    let err = '';
    const io: CliIo = { stdout: { write: () => undefined }, stderr: { write: (s: string) => (err += s), isTTY: false, columns: 100 }, now: () => 0 };
    assert.equal(await main(['node', 'exitlens', 'simulate', '--workload', 'nope'], io), 2);
    assert.match(err, /unknown workload "nope"/);
  });
});
