/**
 * Workload programs: the built-ins name real, marked lines of the bundled C sources; user files are
 * validated with `file:line` messages; the JSON schema documents exactly what the validator accepts.
 */
import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { BUILTIN_NAMES, BUILTIN_WORKLOADS, WORKLOAD_FUNCTIONS, WORKLOAD_SITE_MARKERS, WORKLOADS_SOURCE } from '../../../src/core/sim/builtinWorkloads';
import { KERNEL_FUNCTIONS, KERNEL_SITE_MARKERS, KERNEL_SITES, KERNEL_SOURCE } from '../../../src/core/sim/sourceMap';
import { simulate } from '../../../src/core/sim/simulator';
import { OP_FIELDS, OP_NAMES, type Op, parseWorkload, scaleWorkload, WorkloadError } from '../../../src/core/sim/workload';

const ROOT = path.resolve(__dirname, '../../..');
const sourceLines = (rel: string): string[] => readFileSync(path.join(ROOT, rel), 'utf8').split('\n');

function linesOf(ops: readonly Op[] | undefined, out: Set<number>): Set<number> {
  for (const op of ops ?? []) {
    for (const k of ['line', 'waitLine', 'exitLine', 'readLine', 'peerReadLine', 'peerWriteLine']) {
      const v = (op as unknown as Record<string, unknown>)[k];
      if (typeof v === 'number') out.add(v);
    }
    if (op.op === 'loop') linesOf(op.body, out);
    if (op.op === 'fork') linesOf(op.child, out);
  }
  return out;
}

function functionSpans(rel: string): { name: string; startLine: number; endLine: number }[] {
  // A function starts at a line "[static [inline]] type name(args)" followed by "{", ends at "}".
  const lines = sourceLines(rel);
  const out: { name: string; startLine: number; endLine: number }[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    const m = /^(?:static\s+)?(?:inline\s+)?[a-z_][a-z0-9_ *]*?\b([A-Za-z_]\w*)\(.*\)\s*$/.exec(lines[i]);
    if (!m || lines[i + 1].trim() !== '{') continue;
    let j = i + 2;
    while (lines[j] !== '}') j++;
    out.push({ name: m[1], startLine: i + 1, endLine: j + 1 });
    i = j;
  }
  return out;
}

describe('sim workloads', () => {
  it('has the eleven built-in workloads of the issue', () => {
    assert.deepEqual([...BUILTIN_NAMES].sort(), ['compute', 'forkwait', 'gups', 'kbuild', 'mmio', 'pgfault', 'pingpong', 'pio', 'ptemod', 'syscall', 'syscall-kpti']);
    assert.deepEqual(Object.keys(BUILTIN_WORKLOADS).sort(), [...BUILTIN_NAMES].sort());
  });

  it('every line a built-in workload names carries its @site marker in samples/workloads.c', () => {
    const lines = sourceLines(WORKLOADS_SOURCE);
    const used = new Set<number>();
    for (const w of Object.values(BUILTIN_WORKLOADS)) {
      assert.equal(w.source, WORKLOADS_SOURCE);
      linesOf(w.setup, used);
      linesOf(w.program, used);
    }
    used.delete(BUILTIN_WORKLOADS.forkwait.line); // the entry line (main) has no operation of its own
    for (const line of used) {
      const marker = WORKLOAD_SITE_MARKERS[line];
      assert.ok(marker, `line ${line} is used but has no marker entry`);
      assert.ok(lines[line - 1].includes(`@site ${marker} `), `samples/workloads.c:${line} should carry "@site ${marker}": ${lines[line - 1]}`);
    }
    // And every marker in the file is listed.
    const inFile = lines.flatMap((l, i) => (/@site (\S+:\S+)/.exec(l) ? [[i + 1, /@site (\S+:\S+)/.exec(l)![1]] as const] : []));
    assert.deepEqual(Object.fromEntries(inFile), Object.fromEntries(Object.entries(WORKLOAD_SITE_MARKERS).map(([k, v]) => [Number(k), v])));
  });

  it('the guest-kernel sites and functions match samples/guest-kernel.c', () => {
    const lines = sourceLines(KERNEL_SOURCE);
    for (const [key, line] of Object.entries(KERNEL_SITES)) {
      const marker = KERNEL_SITE_MARKERS[key as keyof typeof KERNEL_SITES];
      assert.ok(lines[line - 1].includes(`@site kernel:${marker} `), `guest-kernel.c:${line} should carry "@site kernel:${marker}"`);
    }
    assert.deepEqual(functionSpans(KERNEL_SOURCE), KERNEL_FUNCTIONS);
    assert.deepEqual(functionSpans(WORKLOADS_SOURCE), WORKLOAD_FUNCTIONS);
  });

  it('parses and runs the example user workload (its own source file)', () => {
    const file = 'samples/example/server.workload.json';
    const w = parseWorkload(readFileSync(path.join(ROOT, file), 'utf8'), file);
    assert.equal(w.source, 'samples/example/server.c');
    const r = simulate({ workload: w, paging: 'shadow', cpu: 'skylake', pages: '4k', seed: 1, scale: 0.25 });
    assert.ok(r.exits > 0);
    assert.ok(r.sites.some((s) => s.file === 'samples/example/server.c' && s.line === 22));
    // Its lines are real lines of its source.
    const src = sourceLines(w.source);
    for (const line of linesOf(w.program, new Set())) assert.ok(src[line - 1].trim().length > 0, `server.c:${line} is blank`);
  });

  it('reports invalid JSON with file:line:column', () => {
    assert.throws(() => parseWorkload('{\n  "exitlens": "workload",\n  "version": 1,\n  oops\n}', 'w.json'), (e: unknown) => e instanceof WorkloadError && /^w\.json:4:3: invalid JSON/.test(e.message));
  });

  it('reports every problem with the line of the offending object and its path', () => {
    const text = [
      '{ "exitlens": "workload", "version": 1, "name": "x", "source": "a.c",',
      '  "program": [',
      '    { "op": "touch", "region": "r" },',
      '    { "op": "forkk", "line": 3 },',
      '    { "op": "loop", "count": -1, "body": [',
      '      { "op": "pio", "line": 9, "port": 70000, "size": 3 }',
      '    ] }',
      '  ]',
      '}',
    ].join('\n');
    try {
      parseWorkload(text, 'bad.json');
      assert.fail('should have thrown');
    } catch (e) {
      assert.ok(e instanceof WorkloadError);
      assert.deepEqual(e.message.split('\n'), [
        'bad.json:3: $.program[0].line: missing',
        'bad.json:4: $.program[1].op: unknown operation "forkk" (expected one of alloc, free, touch, compute, protect, fork, exec, syscall, file, pingpong, mmio, pio, iowait, sleep, loop)',
        'bad.json:5: $.program[2].count: -1 is out of range [0, 1000000000]',
        'bad.json:6: $.program[2].body[0].port: 70000 is out of range [0, 65535]',
        'bad.json:6: $.program[2].body[0].size: 3 is not one of 1, 2, 4',
      ]);
    }
  });

  it('samples/workload.schema.json documents exactly the fields the validator accepts', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'samples/workload.schema.json'), 'utf8'));
    const refs = schema.definitions.op.oneOf.map((r: { $ref: string }) => r.$ref.replace('#/definitions/', ''));
    assert.deepEqual(refs, [...OP_NAMES]);
    for (const name of OP_NAMES) {
      const def = schema.definitions[name];
      assert.deepEqual(Object.keys(def.properties).sort(), ['op', ...Object.keys(OP_FIELDS[name])].sort(), `schema of ${name}`);
      const required = Object.entries(OP_FIELDS[name]).filter(([, f]) => f.required).map(([k]) => k);
      assert.deepEqual([...def.required].sort(), ['op', ...required].sort(), `required fields of ${name}`);
    }
  });

  it('--scale multiplies the repeat counts of the top-level program operations', () => {
    const w = scaleWorkload(BUILTIN_WORKLOADS.pgfault, 2.5);
    assert.equal((w.program[0] as Extract<Op, { op: 'loop' }>).count, 100); // 40 × 2.5
    const r1 = simulate({ workload: BUILTIN_WORKLOADS.pio, paging: 'ept', cpu: 'skylake', pages: '4k', seed: 1 });
    const r2 = simulate({ workload: BUILTIN_WORKLOADS.pio, paging: 'ept', cpu: 'skylake', pages: '4k', seed: 1, scale: 2 });
    assert.equal(r1.byCategory.io, 1000); // 100 loops × 10 OUTs
    assert.equal(r2.byCategory.io, 2000);
  });
});
