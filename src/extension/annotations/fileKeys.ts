/**
 * Which site-index file a document is. The index keys files by workspace-relative path when the
 * path mapper found them, else by the path the symbols recorded; a document is found under its
 * relative path, its absolute path, or — for recorded relative paths of files that were not in the
 * workspace when the trace was symbolised — the longest key that is a whole-component suffix of its
 * path. Pure (paths as `/`-separated strings), so the unit tests pin the rules.
 */
import type { SiteIndex } from '../../core/sites/siteIndex';
import { isAbsolutePath, normalizePath, relativeToRoot } from '../../core/symbols/pathUtil';

/** The keys a document at `docPath` (absolute) may have, most specific first. */
export function fileKeyCandidates(docPath: string, root: string | undefined): string[] {
  const full = normalizePath(docPath);
  const rel = root !== undefined ? relativeToRoot(root, full) : undefined;
  return rel !== undefined && rel !== '.' && !isAbsolutePath(rel) ? [rel, full] : [full];
}

/** The key under which `index` holds the document at `docPath`, or undefined. */
export function matchFileKey(index: Pick<SiteIndex, 'file' | 'files'>, docPath: string, root: string | undefined): string | undefined {
  const candidates = fileKeyCandidates(docPath, root);
  for (const c of candidates) if (index.file(c)) return c;
  const full = candidates[candidates.length - 1];
  let best: string | undefined;
  for (const key of Object.keys(index.files)) {
    if (isAbsolutePath(key) || key.startsWith('..')) continue;
    if (full.endsWith('/' + key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best;
}
