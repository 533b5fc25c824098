/**
 * Pure path helpers on `/`-separated strings. The core cannot use Node's `path` (it also runs where
 * Node is absent), and debug info mixes POSIX and Windows paths, so everything is normalised to `/`.
 */

/** Backslashes to slashes; the only separator the rest of the symbol code deals with. */
export function toSlash(p: string): string {
  return p.replace(/\\/g, '/');
}

/** True for `/x`, `C:/x` and `//server/share` (after `toSlash`). */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

/**
 * Resolves `.` and `..`, collapses repeated separators and drops a trailing one. Leading `..` of a
 * relative path are kept (there is nothing to cancel them against); `..` above a root is dropped.
 */
export function normalizePath(input: string): string {
  const p = toSlash(input);
  let prefix = '';
  let rest = p;
  const drive = /^([A-Za-z]:)\//.exec(p);
  if (drive) {
    prefix = drive[1] + '/';
    rest = p.slice(3);
  } else if (p.startsWith('/')) {
    prefix = '/';
    rest = p.slice(1);
  }
  const out: string[] = [];
  for (const part of rest.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (prefix === '') out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return prefix + joined || '.';
}

/** `base/rel` normalised; `rel` wins when it is absolute. */
export function joinPath(base: string, rel: string): string {
  const r = toSlash(rel);
  return isAbsolutePath(r) ? normalizePath(r) : normalizePath(toSlash(base) + '/' + r);
}

/** The folder part (`.` for a bare name, the root for a file at the root). */
export function dirnamePath(p: string): string {
  const n = normalizePath(p);
  const i = n.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  if (i === 2 && /^[A-Za-z]:/.test(n)) return n.slice(0, 3);
  return n.slice(0, i);
}

/** The last component. */
export function basenamePath(p: string): string {
  const n = normalizePath(p);
  return n.slice(n.lastIndexOf('/') + 1);
}

/**
 * `p` relative to `root` when `p` is inside it (both normalised first), else undefined.
 * A relative `p` is taken as already relative to the root.
 */
export function relativeToRoot(root: string, p: string): string | undefined {
  const np = normalizePath(p);
  if (!isAbsolutePath(np)) return np === '..' || np.startsWith('../') ? undefined : np;
  const nr = normalizePath(root);
  if (np === nr) return '.';
  const withSep = nr.endsWith('/') ? nr : nr + '/';
  return np.startsWith(withSep) ? np.slice(withSep.length) : undefined;
}
