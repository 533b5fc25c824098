/**
 * Decides which symbol file belongs to a trace, from the `exitlens.symbolFiles` setting (glob → file,
 * relative to the workspace) and the symbol file a simulated trace names in its header. Pure: it
 * looks at names only; the opener sniffs contents later.
 */
import { matchGlob } from './globMatcher';
import { basenamePath, dirnamePath, isAbsolutePath, joinPath, normalizePath, relativeToRoot } from './pathUtil';

/** The three kinds of symbol source, most precise first. */
export type SymbolSourceKind = 'syms' | 'elf' | 'map';

/** Precision order: `.syms.json` (exact lines) > ELF with DWARF (lines via a tool) > listing (symbol+offset). */
export const SYMBOL_SOURCE_PRECISION: readonly SymbolSourceKind[] = ['syms', 'elf', 'map'];

/** A chosen symbol source. */
export interface SymbolSourceChoice {
  /** Absolute, normalised path with `/` separators. */
  readonly path: string;
  /** Guessed from the name; `openSymbolSource` trusts the file's content over this. */
  readonly kind: SymbolSourceKind;
  /** Where the choice came from, for "symbols from …" status text. */
  readonly origin: 'trace-header' | 'setting';
  /** The setting's glob, for `origin: 'setting'`. */
  readonly pattern?: string;
}

/** Extra facts about the trace the picker may use. */
export interface PickOptions {
  /** `TraceMeta.symbols`: the symbol file a simulated trace names, relative to the trace file. */
  readonly traceSymbols?: string;
}

/** Guesses the kind from a file name (`*.syms.json`, `System.map*`, `*kallsyms*`, `*.map`, `*.nm`…; else ELF). */
export function guessSymbolSourceKind(path: string): SymbolSourceKind {
  const base = basenamePath(path).toLowerCase();
  if (base.endsWith('.json')) return 'syms';
  if (/^system\.map/.test(base) || base.includes('kallsyms') || /\.(map|nm|sym|txt)$/.test(base)) return 'map';
  return 'elf';
}

/**
 * Every candidate symbol source for `tracePath`, most precise first (header before setting within a
 * kind, settings in declaration order). A glob without `/` also matches the trace's file name in any
 * folder, like `.gitignore`; globs are matched against the workspace-relative trace path (or the
 * absolute one for absolute globs). `${workspaceFolder}` in a value is replaced by the root.
 */
export function pickSymbolSources(
  mapping: Readonly<Record<string, string>> | undefined,
  tracePath: string,
  workspaceRoot: string,
  options: PickOptions = {},
): SymbolSourceChoice[] {
  const root = normalizePath(workspaceRoot);
  const absTrace = joinPath(root, tracePath);
  const relTrace = relativeToRoot(root, absTrace);
  const out: SymbolSourceChoice[] = [];
  const seen = new Set<string>();
  const add = (c: SymbolSourceChoice) => {
    if (seen.has(c.path)) return;
    seen.add(c.path);
    out.push(c);
  };

  if (options.traceSymbols) {
    const path = joinPath(dirnamePath(absTrace), options.traceSymbols);
    add({ path, kind: guessSymbolSourceKind(path), origin: 'trace-header' });
  }
  for (const [pattern, value] of Object.entries(mapping ?? {})) {
    if (typeof value !== 'string' || value.trim() === '' || pattern.trim() === '') continue;
    if (!traceMatches(pattern.trim(), absTrace, relTrace)) continue;
    const file = value.trim().replace(/\$\{workspaceFolder\}/g, root);
    const path = joinPath(root, file);
    add({ path, kind: guessSymbolSourceKind(path), origin: 'setting', pattern });
  }
  const rank = (k: SymbolSourceKind) => SYMBOL_SOURCE_PRECISION.indexOf(k);
  return out.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c.kind) - rank(b.c.kind) || a.i - b.i).map((x) => x.c);
}

/** The most precise symbol source for `tracePath`, or undefined when neither setting nor header names one. */
export function pickSymbolSource(
  mapping: Readonly<Record<string, string>> | undefined,
  tracePath: string,
  workspaceRoot: string,
  options: PickOptions = {},
): SymbolSourceChoice | undefined {
  return pickSymbolSources(mapping, tracePath, workspaceRoot, options)[0];
}

function traceMatches(pattern: string, absTrace: string, relTrace: string | undefined): boolean {
  const p = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  if (isAbsolutePath(p)) return matchGlob(p, absTrace);
  if (relTrace !== undefined && matchGlob(p, relTrace)) return true;
  return !p.includes('/') && matchGlob(p, basenamePath(absTrace));
}
