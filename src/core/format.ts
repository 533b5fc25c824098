/**
 * Number wording shared by every surface — CLI tables, summary and compare pages, HTML report, hovers,
 * CodeLens, status bar, exports — so a value reads the same wherever it is shown. Fixed locale
 * (`en-US` grouping): output must not depend on the reader's machine or browser language. Pure; the
 * webview bundles import it too.
 */

/** `1234567` → `1,234,567`. By hand rather than toLocaleString: annotations call it per line, and Intl is slow. */
export function formatCount(n: number): string {
  const r = Math.round(n);
  const digits = String(Math.abs(r));
  let out = '';
  for (let i = digits.length; i > 0; i -= 3) out = digits.slice(Math.max(0, i - 3), i) + (out ? ',' + out : '');
  return r < 0 ? '-' + out : out;
}

/** `1 exit` / `2 exits` (any noun with a plain plural). */
export function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Nanoseconds in the largest unit that keeps an integer digit, 3 significant digits: `1530` → `1.53 µs`;
 * `missing` (default `—`) when there is no value.
 */
export function formatNs(ns: number | null | undefined, missing = '—'): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return missing;
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${Math.round(ns)} ns`;
  if (abs < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (abs < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

/** A share as a percentage with one decimal; `—` when the whole is zero. */
export function formatShare(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '—';
}

/** Bytes in binary units for progress messages (`1.5 MiB`). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1 << 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1 << 30) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  return `${(bytes / (1 << 30)).toFixed(2)} GiB`;
}

/** Bytes in MB with one decimal (size limits, as VS Code's own large-file message words them). */
export function formatMB(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MB`;
}

/** B / A as `0.25×`; `—` when the baseline is zero (no finite ratio). */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  return ratio >= 100 ? `${formatCount(ratio)}×` : `${ratio.toFixed(2)}×`;
}
