/**
 * Workloads: small programs of guest operations at named source lines. Built-in workloads and
 * users' workload files share this one format (documented in docs/simulator.md and
 * samples/workload.schema.json); `parseWorkload` validates a user's file and reports problems as
 * `file:line: path: message`.
 */
import { JsonSyntaxError, parseJsonWithLines } from './jsonLines';
import type { FunctionSpan } from './sourceMap';

/** Access pattern of a touch or compute operation. */
export type Pattern = 'seq' | 'random';

/** One guest operation. `line` is the source line (in the workload's `source`) it executes at. */
export type Op =
  | { readonly op: 'alloc'; readonly region: string; readonly bytes: number; readonly kind?: 'anon' | 'file' | 'mmio'; readonly writable?: boolean; readonly line?: number }
  | { readonly op: 'free'; readonly region: string; readonly line?: number }
  | { readonly op: 'touch'; readonly region: string; readonly line: number; readonly pages?: number; readonly first?: number; readonly pattern?: Pattern; readonly write?: boolean }
  | {
      readonly op: 'compute';
      readonly line: number;
      readonly instructions?: number;
      readonly refs?: number;
      readonly region?: string;
      readonly span?: number;
      readonly pattern?: Pattern;
      readonly writes?: number;
    }
  | { readonly op: 'protect'; readonly region: string; readonly line: number; readonly writable: boolean; readonly first?: number; readonly pages?: number }
  | { readonly op: 'fork'; readonly line: number; readonly child: readonly Op[]; readonly waitLine?: number; readonly exitLine?: number }
  | { readonly op: 'exec'; readonly line: number; readonly textPages?: number }
  | { readonly op: 'syscall'; readonly line: number; readonly count?: number; readonly kernelRefs?: number; readonly kernelInstructions?: number }
  | { readonly op: 'file'; readonly line: number; readonly region: string; readonly bytes: number; readonly direction: 'read' | 'write'; readonly count?: number; readonly sync?: boolean }
  | { readonly op: 'pingpong'; readonly messages: number; readonly line: number; readonly readLine?: number; readonly peerReadLine?: number; readonly peerWriteLine?: number }
  | { readonly op: 'mmio'; readonly region: string; readonly line: number; readonly count?: number; readonly value?: number; readonly instructions?: number }
  | { readonly op: 'pio'; readonly line: number; readonly port: number; readonly count?: number; readonly size?: 1 | 2 | 4; readonly value?: number; readonly direction?: 'out' | 'in'; readonly instructions?: number }
  | { readonly op: 'iowait'; readonly line: number; readonly microseconds: number }
  | { readonly op: 'sleep'; readonly line: number; readonly microseconds: number }
  | { readonly op: 'loop'; readonly count: number; readonly body: readonly Op[] };

/** The operation names, in documentation order. */
export const OP_NAMES = ['alloc', 'free', 'touch', 'compute', 'protect', 'fork', 'exec', 'syscall', 'file', 'pingpong', 'mmio', 'pio', 'iowait', 'sleep', 'loop'] as const;

/** A workload program. */
export interface Workload {
  readonly name: string;
  readonly description?: string;
  /** The guest source file the lines refer to, relative to the workspace (e.g. samples/workloads.c). */
  readonly source: string;
  /** Line of the program's entry point, used for operations without a line of their own. */
  readonly line: number;
  /** Functions of `source` (for the symbol file); optional. */
  readonly functions?: readonly FunctionSpan[];
  /** Guest kernel uses page-table isolation (a CR3 switch on every kernel entry and exit). */
  readonly kpti?: boolean;
  /** Guest timer frequency (default 250 Hz). */
  readonly hz?: number;
  /** Operations run before tracing starts (warm-up): not in the trace, not in the result. */
  readonly setup?: readonly Op[];
  /** The traced program. `--scale N` multiplies the count of its top-level loops. */
  readonly program: readonly Op[];
}

/** A problem in a workload file, with where it is. */
export class WorkloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkloadError';
  }
}

type Obj = Record<string, unknown>;

/** Where each operation of a parsed workload file was written (`file:line`), for runtime errors. */
const OP_ORIGIN = new WeakMap<object, string>();

/** `file:line` of an operation read from a workload file, if it came from one. */
export function opOrigin(op: Op): string | undefined {
  return OP_ORIGIN.get(op);
}

function recordOrigins(ops: unknown, file: string, where: (o: object) => number | undefined): void {
  if (!Array.isArray(ops)) return;
  for (const op of ops) {
    if (typeof op !== 'object' || op === null) continue;
    const l = where(op);
    if (l !== undefined) OP_ORIGIN.set(op, `${file}:${l}`);
    recordOrigins((op as Obj).body, file, where);
    recordOrigins((op as Obj).child, file, where);
  }
}

/** A field of the workload format, as the validator checks it (the JSON schema mirrors these). */
export interface FieldSpec {
  readonly type: 'string' | 'int' | 'number' | 'boolean' | 'ops' | 'functions';
  readonly required?: boolean;
  readonly values?: readonly (string | number)[];
  readonly min?: number;
  readonly max?: number;
}

const LINE: FieldSpec = { type: 'int', min: 1, required: true };
const OPT_LINE: FieldSpec = { type: 'int', min: 1 };
const COUNT: FieldSpec = { type: 'int', min: 0, max: 1e9 };

/** Fields of each operation (besides `op`); samples/workload.schema.json must agree (unit-tested). */
export const OP_FIELDS: Readonly<Record<(typeof OP_NAMES)[number], Readonly<Record<string, FieldSpec>>>> = {
  alloc: { region: { type: 'string', required: true }, bytes: { type: 'int', min: 1, max: 64 * 2 ** 30, required: true }, kind: { type: 'string', values: ['anon', 'file', 'mmio'] }, writable: { type: 'boolean' }, line: OPT_LINE },
  free: { region: { type: 'string', required: true }, line: OPT_LINE },
  touch: { region: { type: 'string', required: true }, line: LINE, pages: COUNT, first: COUNT, pattern: { type: 'string', values: ['seq', 'random'] }, write: { type: 'boolean' } },
  compute: { line: LINE, instructions: { type: 'number', min: 0, max: 1e12 }, refs: COUNT, region: { type: 'string' }, span: { type: 'int', min: 64 }, pattern: { type: 'string', values: ['seq', 'random'] }, writes: { type: 'number', min: 0, max: 1 } },
  protect: { region: { type: 'string', required: true }, line: LINE, writable: { type: 'boolean', required: true }, first: COUNT, pages: COUNT },
  fork: { line: LINE, child: { type: 'ops', required: true }, waitLine: OPT_LINE, exitLine: OPT_LINE },
  exec: { line: LINE, textPages: { type: 'int', min: 1, max: 65536 } },
  syscall: { line: LINE, count: COUNT, kernelRefs: { type: 'int', min: 0, max: 100000 }, kernelInstructions: { type: 'number', min: 0, max: 1e9 } },
  file: { line: LINE, region: { type: 'string', required: true }, bytes: { type: 'int', min: 1, max: 2 ** 30, required: true }, direction: { type: 'string', values: ['read', 'write'], required: true }, count: COUNT, sync: { type: 'boolean' } },
  pingpong: { messages: { type: 'int', min: 0, max: 1e9, required: true }, line: LINE, readLine: OPT_LINE, peerReadLine: OPT_LINE, peerWriteLine: OPT_LINE },
  mmio: { region: { type: 'string', required: true }, line: LINE, count: COUNT, value: { type: 'int', min: 0, max: 0xffffffff }, instructions: { type: 'number', min: 0, max: 1e9 } },
  pio: { line: LINE, port: { type: 'int', min: 0, max: 0xffff, required: true }, count: COUNT, size: { type: 'int', values: [1, 2, 4] }, value: { type: 'int', min: 0, max: 0xffffffff }, direction: { type: 'string', values: ['out', 'in'] }, instructions: { type: 'number', min: 0, max: 1e9 } },
  iowait: { line: LINE, microseconds: { type: 'number', min: 0, max: 1e7, required: true } },
  sleep: { line: LINE, microseconds: { type: 'number', min: 0, max: 1e7, required: true } },
  loop: { count: { type: 'int', min: 0, max: 1e9, required: true }, body: { type: 'ops', required: true } },
};

/** Top-level fields of a workload file. */
export const TOP_FIELDS: Readonly<Record<string, FieldSpec>> = {
  exitlens: { type: 'string', values: ['workload'], required: true },
  version: { type: 'int', values: [1], required: true },
  name: { type: 'string', required: true },
  description: { type: 'string' },
  source: { type: 'string', required: true },
  line: OPT_LINE,
  functions: { type: 'functions' },
  kpti: { type: 'boolean' },
  hz: { type: 'int', min: 10, max: 10000 },
  setup: { type: 'ops' },
  program: { type: 'ops', required: true },
};

/**
 * Validates a parsed workload. `where(obj)` gives the 1-based line of an object in the file.
 * Collects every problem and throws one WorkloadError listing them (at most 20).
 */
export function validateWorkload(value: unknown, file: string, where: (o: object) => number | undefined): Workload {
  const problems: string[] = [];
  const at = (o: object, path: string, msg: string): void => {
    const l = where(o);
    problems.push(`${file}${l !== undefined ? `:${l}` : ''}: ${path}: ${msg}`);
  };
  const checkFields = (o: Obj, spec: Record<string, FieldSpec>, path: string): void => {
    for (const k of Object.keys(o)) {
      if (!(k in spec)) at(o, `${path}.${k}`, `unknown field (expected ${Object.keys(spec).join(', ')})`);
    }
    for (const [k, f] of Object.entries(spec)) {
      const v = o[k];
      const p = `${path}.${k}`;
      if (v === undefined) {
        if (f.required) at(o, p, 'missing');
        continue;
      }
      switch (f.type) {
        case 'string':
          if (typeof v !== 'string' || v.length === 0) at(o, p, 'must be a non-empty string');
          else if (f.values && !f.values.includes(v)) at(o, p, `"${v}" is not one of ${f.values.join(', ')}`);
          break;
        case 'int':
        case 'number':
          if (typeof v !== 'number' || !Number.isFinite(v) || (f.type === 'int' && !Number.isInteger(v))) at(o, p, `must be ${f.type === 'int' ? 'an integer' : 'a number'}`);
          else if (f.values && !f.values.includes(v)) at(o, p, `${v} is not one of ${f.values.join(', ')}`);
          else if ((f.min !== undefined && v < f.min) || (f.max !== undefined && v > f.max)) at(o, p, `${v} is out of range [${f.min ?? '-∞'}, ${f.max ?? '∞'}]`);
          break;
        case 'boolean':
          if (typeof v !== 'boolean') at(o, p, 'must be true or false');
          break;
        case 'ops':
          checkOps(v, o, p);
          break;
        case 'functions':
          if (!Array.isArray(v)) at(o, p, 'must be an array of {name, startLine, endLine}');
          else
            v.forEach((fn, i) => {
              if (typeof fn !== 'object' || fn === null || Array.isArray(fn)) return at(o, `${p}[${i}]`, 'must be an object');
              checkFields(fn as Obj, { name: { type: 'string', required: true }, startLine: LINE, endLine: LINE }, `${p}[${i}]`);
            });
          break;
      }
    }
  };
  const checkOps = (v: unknown, parent: object, path: string): void => {
    if (!Array.isArray(v)) return at(parent, path, 'must be an array of operations');
    v.forEach((op, i) => {
      const p = `${path}[${i}]`;
      if (typeof op !== 'object' || op === null || Array.isArray(op)) return at(Array.isArray(v) ? v : parent, p, 'must be an object with an "op" field');
      const name = (op as Obj).op;
      if (typeof name !== 'string' || !(OP_NAMES as readonly string[]).includes(name)) {
        return at(op, `${p}.op`, `${typeof name === 'string' ? `unknown operation "${name}"` : 'missing'} (expected one of ${OP_NAMES.join(', ')})`);
      }
      checkFields(op as Obj, { op: { type: 'string' }, ...OP_FIELDS[name as (typeof OP_NAMES)[number]] }, p);
    });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WorkloadError(`${file}:1: the workload must be a JSON object with "exitlens": "workload"`);
  }
  checkFields(value as Obj, TOP_FIELDS, '$');
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    if (problems.length > 20) shown.push(`… and ${problems.length - 20} more`);
    throw new WorkloadError(shown.join('\n'));
  }
  const w = value as Obj;
  recordOrigins(w.setup, file, where);
  recordOrigins(w.program, file, where);
  return { ...(w as unknown as Workload), line: (w.line as number | undefined) ?? 1 };
}

/** Parses and validates a user's workload file; throws WorkloadError naming `file:line`. */
export function parseWorkload(text: string, file: string): Workload {
  let parsed;
  try {
    parsed = parseJsonWithLines(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new WorkloadError(`${file}:${e.line}:${e.column}: invalid JSON: ${e.message}`);
    throw e;
  }
  return validateWorkload(parsed.value, file, (o) => parsed.lineOf.get(o));
}

/**
 * A copy of `w` with `scale` times the work: every top-level program operation's repeat count
 * (`loop.count`, `count`, `pingpong.messages`) is multiplied (rounded, at least 1 when it was).
 */
export function scaleWorkload(w: Workload, scale: number): Workload {
  if (scale === 1) return w;
  const times = (n: number): number => (n === 0 ? 0 : Math.max(1, Math.round(n * scale)));
  const program = w.program.map((op): Op => {
    let scaled: Op = op;
    if (op.op === 'loop') scaled = { ...op, count: times(op.count) };
    else if (op.op === 'pingpong') scaled = { ...op, messages: times(op.messages) };
    else if ('count' in op) scaled = { ...op, count: times(op.count ?? 1) } as Op;
    const origin = OP_ORIGIN.get(op);
    if (origin !== undefined && scaled !== op) OP_ORIGIN.set(scaled, origin);
    return scaled;
  });
  return { ...w, program };
}
