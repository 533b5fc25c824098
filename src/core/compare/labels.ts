/**
 * How a trace is named in a comparison: a build label and a paging mode, taken from the simulator
 * header when there is one, else guessed from the file name, else left for the user to give.
 */
import type { PagingMode, TraceMeta } from '../model/trace';

/** Who a trace is in a comparison. */
export interface TraceLabel {
  /** Shown in charts and tables: short and unique within one comparison. */
  readonly label: string;
  /** Build name without the paging part (`A`, `v2`, `kbuild`…), for the build × paging matrix. */
  readonly build?: string;
  readonly paging?: PagingMode;
  readonly file?: string;
}

// Words that name a paging mode in file names people give their captures: `ept=0`, `noept`,
// `shadow`, `spt` (KVM's name for shadow page tables), `tdp`, `npt` (AMD nested paging).
const SHADOW_WORDS = /(?:^|[^a-z0-9])(shadow|spt|noept|no-ept|ept=0|ept0|nonpt|npt=0)(?=$|[^a-z0-9])/i;
const EPT_WORDS = /(?:^|[^a-z0-9])(ept|ept=1|ept1|npt|tdp|nested)(?=$|[^a-z0-9])/i;

/** Paging mode named in a file name, if any. Shadow words win: `noept` contains `ept`. */
export function pagingFromName(name: string): PagingMode | undefined {
  const base = baseName(name);
  if (SHADOW_WORDS.test(base)) return 'shadow';
  if (EPT_WORDS.test(base)) return 'ept';
  return undefined;
}

/** File name without folders and without trace extensions (`.perf.txt`, `.exitlens.jsonl`, …). */
export function baseName(file: string): string {
  const last = file.split(/[\\/]/).pop() ?? file;
  return last.replace(/(\.(exitlens\.jsonl|jsonl|perf\.txt|trace\.txt|exittrace|kvmtrace|txt|dat|log))+$/i, '');
}

/** The build part of a name: the base name with the paging word and its separator removed. */
export function buildFromName(name: string): string {
  const base = baseName(name);
  const stripped = base
    .replace(/(^|[-_.\s])(shadow|spt|noept|no-ept|ept=0|ept0|nonpt|npt=0|ept=1|ept1|ept|npt|tdp|nested)(?=$|[-_.\s])/gi, '')
    .replace(/^[-_.\s]+|[-_.\s]+$/g, '');
  return stripped || base;
}

/**
 * Labels for a set of traces: the simulator header or the user's label first, else the file name.
 * Duplicate labels get `#2`, `#3` so every column stays distinguishable.
 */
export function labelTraces(inputs: ReadonlyArray<{ readonly file?: string; readonly meta?: TraceMeta; readonly label?: string }>): TraceLabel[] {
  const labels = inputs.map((input, i) => {
    const meta = input.meta ?? {};
    const fileName = input.file ?? `trace ${i + 1}`;
    const paging = meta.paging ?? pagingFromName(fileName);
    const build = meta.label ?? (meta.workload ? meta.workload : buildFromName(fileName));
    const label = input.label ?? (meta.simulated && meta.workload && paging ? `${meta.workload} · ${paging}` : baseName(fileName));
    return { label, build, paging, file: input.file };
  });
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const n = (seen.get(l.label) ?? 0) + 1;
    seen.set(l.label, n);
    return n === 1 ? l : { ...l, label: `${l.label} #${n}` };
  });
}
