/**
 * Maps source paths recorded in debug info or symbol files onto the workspace. Guest kernels and
 * binaries are built elsewhere (`/build/linux/arch/x86/kvm/mmu.c`), so the file is found by the
 * longest matching path suffix among the workspace's files (`arch/x86/kvm/mmu.c`).
 */
import { isAbsolutePath, joinPath, normalizePath, relativeToRoot } from './pathUtil';

/** Why a path mapped (or did not), for hovers and for the one "paths not found" message. */
export type PathMatchKind = 'exact' | 'suffix' | 'ambiguous' | 'none';

/** The outcome for one recorded path. `path` is workspace-relative with `/` separators. */
export interface PathMatch {
  readonly kind: PathMatchKind;
  readonly path?: string;
  /** Trailing components that matched (for `suffix`; also the tie length for `ambiguous`). */
  readonly matched?: number;
  /** For `ambiguous`: the equally good candidates, sorted. */
  readonly candidates?: readonly string[];
}

/**
 * Pure and cached: built once from the list of workspace files (relative to `workspaceRoot`), then
 * asked per distinct recorded path. Ties are refused (`ambiguous`) rather than guessed, because
 * annotating the wrong `main.c` is worse than annotating none.
 */
export class PathMapper {
  private readonly files: Set<string>;
  private readonly byBase = new Map<string, string[][]>();
  private readonly cache = new Map<string, PathMatch>();

  /**
   * @param workspaceFiles workspace-relative paths (`src/a.c`; `\` is accepted and normalised).
   * @param workspaceRoot absolute folder the files are relative to; absolute recorded paths inside it
   *        map exactly. Without it only suffix matching applies.
   */
  constructor(
    workspaceFiles: Iterable<string>,
    private readonly workspaceRoot?: string,
  ) {
    this.files = new Set();
    for (const f of workspaceFiles) {
      const rel = normalizePath(f);
      if (this.files.has(rel)) continue;
      this.files.add(rel);
      const parts = rel.split('/');
      const base = parts[parts.length - 1];
      let list = this.byBase.get(base);
      if (!list) this.byBase.set(base, (list = []));
      list.push(parts);
    }
  }

  /** Number of distinct workspace files known. */
  get fileCount(): number {
    return this.files.size;
  }

  /** Finds the workspace file for a recorded path. */
  map(recorded: string): PathMatch {
    let hit = this.cache.get(recorded);
    if (!hit) {
      hit = this.compute(recorded);
      this.cache.set(recorded, hit);
    }
    return hit;
  }

  /** The workspace-relative path when one file matches, else the recorded path normalised to `/`. */
  mapOrKeep(recorded: string): string {
    return this.map(recorded).path ?? normalizePath(recorded);
  }

  private compute(recorded: string): PathMatch {
    const norm = normalizePath(recorded);
    if (this.workspaceRoot !== undefined || !isAbsolutePath(norm)) {
      const rel = this.workspaceRoot !== undefined ? relativeToRoot(this.workspaceRoot, norm) : norm;
      if (rel !== undefined && this.files.has(rel)) return { kind: 'exact', path: rel };
    }
    const parts = norm.split('/').filter((p) => p !== '' && p !== '..' && p !== '.' && !/^[A-Za-z]:$/.test(p));
    if (parts.length === 0) return { kind: 'none' };
    const candidates = this.byBase.get(parts[parts.length - 1]);
    if (!candidates) return { kind: 'none' };
    let best = 0;
    let winners: string[][] = [];
    for (const cand of candidates) {
      let k = 1;
      while (k < cand.length && k < parts.length && cand[cand.length - 1 - k] === parts[parts.length - 1 - k]) k++;
      if (k > best) {
        best = k;
        winners = [cand];
      } else if (k === best) {
        winners.push(cand);
      }
    }
    if (winners.length === 1) return { kind: 'suffix', path: winners[0].join('/'), matched: best };
    return { kind: 'ambiguous', matched: best, candidates: winners.map((w) => w.join('/')).sort() };
  }
}

/** Where the symbol code finds workspace files: an optional mapper and the workspace root. */
export interface SourceLocatorOptions {
  /** Built from the workspace's file list; without it only paths inside `workspaceRoot` become relative. */
  readonly mapper?: PathMapper;
  readonly workspaceRoot?: string;
}

/**
 * Turns recorded source paths into the paths the site index is keyed by, and remembers the ones it
 * could not place so the caller can say so once. Workspace-relative when found, else the recorded
 * path (joined onto `baseDir` when relative) with `/` separators.
 */
export class SourceLocator {
  private readonly missed = new Set<string>();

  constructor(private readonly options: SourceLocatorOptions = {}) {}

  /** @param baseDir folder a relative `recorded` path is relative to (the `.syms.json` folder). */
  locate(recorded: string, baseDir?: string): string {
    const candidate = baseDir !== undefined ? joinPath(baseDir, recorded) : normalizePath(recorded);
    const { mapper, workspaceRoot } = this.options;
    if (mapper) {
      const m = mapper.map(candidate);
      if (m.path !== undefined) return m.path;
      this.missed.add(candidate);
      // A relative path from a symbol file stays as recorded: traces simulated into different folders
      // then still name the same `samples/workloads.c:35`, so their sites match in a comparison.
      const kept = normalizePath(recorded);
      return baseDir !== undefined && !isAbsolutePath(recorded) && !kept.startsWith('..') ? kept : candidate;
    }
    if (workspaceRoot !== undefined) {
      const rel = relativeToRoot(workspaceRoot, candidate);
      if (rel !== undefined && isAbsolutePath(candidate)) return rel;
    }
    return candidate;
  }

  /** Recorded paths the mapper found no (or no unique) workspace file for, and forgets them. */
  takeMissed(): string[] {
    const out = [...this.missed].sort();
    this.missed.clear();
    return out;
  }
}

/** One message for source paths that are not in the workspace (never one per path). */
export function missedPathsMessage(missed: readonly string[], source: string): { severity: 'info'; message: string; file: string } | undefined {
  if (missed.length === 0) return undefined;
  const shown = missed.slice(0, 3).join(', ');
  const more = missed.length > 3 ? ` and ${missed.length - 3} more` : '';
  return {
    severity: 'info',
    file: source,
    message: `${source}: ${missed.length} source file${missed.length === 1 ? '' : 's'} not found in the workspace (${shown}${more}); their lines are shown with the recorded path`,
  };
}
