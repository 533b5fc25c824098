/**
 * Trace headers that become TraceMeta: the `# exitlens-simulated: k=v …` first line of simulated text
 * traces and the header object of ExitLens JSON Lines (docs/trace-format.md).
 */
import type { Isa } from '../model/exit';
import type { PagingMode, TraceMeta } from '../model/trace';

/** The comment that marks a simulated text trace. */
export const SIMULATED_PREFIX = '# exitlens-simulated:';

type MutableMeta = { -readonly [K in keyof TraceMeta]: TraceMeta[K] };

function setField(meta: MutableMeta, key: string, value: unknown): void {
  switch (key) {
    case 'simulated':
      if (typeof value === 'boolean') meta.simulated = value;
      else if (value === 'true' || value === 'false') meta.simulated = value === 'true';
      break;
    case 'workload':
    case 'cpu':
    case 'symbols':
    case 'label':
      if (typeof value === 'string' && value !== '') meta[key] = value;
      break;
    case 'paging':
      if (value === 'shadow' || value === 'ept') meta.paging = value as PagingMode;
      break;
    case 'pages':
      if (value === '4k' || value === '2m') meta.pages = value;
      break;
    case 'isa':
      if (value === 'vmx' || value === 'svm') meta.isa = value as Isa;
      break;
    case 'seed':
    case 'cpuHz': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value) ? Number(value) : NaN;
      if (Number.isFinite(n)) meta[key] = n;
      break;
    }
  }
}

/**
 * Reads `workload=forkwait paging=shadow cpu=skylake pages=4k seed=1 cpuHz=3000000000 symbols=x.syms.json`
 * (values may be double-quoted to contain spaces). Unknown keys are ignored; the result always has
 * `simulated: true` unless the line says otherwise.
 */
export function parseSimulatedHeader(rest: string): TraceMeta {
  const meta: MutableMeta = { simulated: true };
  const re = /([A-Za-z][\w-]*)=(?:"([^"]*)"|(\S*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest)) !== null) setField(meta, m[1], m[2] ?? m[3]);
  return meta;
}

/** TraceMeta from the JSONL header object (its known keys; `exitlens`/`version` are checked by the caller). */
export function metaFromJsonHeader(header: Record<string, unknown>): TraceMeta {
  const meta: MutableMeta = {};
  for (const [k, v] of Object.entries(header)) setField(meta, k, v);
  return meta;
}
