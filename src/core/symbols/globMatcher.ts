/**
 * A small glob matcher for the `exitlens.symbolFiles` setting (VS Code-style globs on `/` paths):
 * `*` and `?` stay within one path component, `**` spans components, `[abc]`/`[!a-z]` classes and
 * `{a,b}` alternatives. Written here because the core takes no npm dependency for it.
 */
import { toSlash } from './pathUtil';

const cache = new Map<string, RegExp>();

/** The anchored RegExp for a glob; cached, since settings are matched against many trace paths. */
export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp('^' + translate(toSlash(pattern)) + '$');
    cache.set(pattern, re);
  }
  return re;
}

/** True when the whole `path` matches `pattern` (both taken with `/` separators, case-sensitive). */
export function matchGlob(pattern: string, path: string): boolean {
  return globToRegExp(pattern).test(toSlash(path));
}

function translate(p: string): string {
  let out = '';
  let depth = 0; // inside {…}
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*') {
      if (p[i + 1] === '*') {
        const atStart = i === 0 || p[i - 1] === '/';
        let j = i + 2;
        while (p[j] === '*') j++;
        if (atStart && p[j] === '/') {
          out += '(?:[^/]*/)*'; // `**/` : zero or more whole components
          i = j;
        } else if (atStart && j === p.length) {
          out += '.*';
          i = j - 1;
        } else {
          out += '[^/]*'; // `a**b` behaves like `a*b`
          i = j - 1;
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = p.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = p.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += (negate ? '[^/' : '[') + body.replace(/[\\\]^]/g, '\\$&') + ']';
      i = close;
    } else if (c === '{' && p.indexOf('}', i + 1) > 0) {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) {
      out += '|';
    } else {
      out += c.replace(/[.+^$()|\\{}\]]/g, '\\$&');
    }
  }
  // `{a,{b}` style nesting left open: close it rather than produce an invalid RegExp.
  while (depth-- > 0) out += ')';
  return out;
}
