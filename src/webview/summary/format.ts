/** Number formatting for the summary page; pure so the rules are the same wherever a value is shown. */

/** `1234567` → `1,234,567` (fixed locale: output must not depend on the browser's language). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Nanoseconds in the largest unit that keeps at least one integer digit: `1530` → `1.53 µs`. */
export function formatNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return '—';
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

/** Bytes for progress messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1 << 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1 << 30) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  return `${(bytes / (1 << 30)).toFixed(2)} GiB`;
}
