/**
 * Number formatting for comparisons, shared by the panel, the HTML report and the CSV/Markdown
 * exports, so a value reads the same wherever it is shown. Fixed locale (`en-US`): output must not
 * depend on the reader's browser language. Pure; imported by the webview bundle too.
 */
import { formatCount } from '../format';

export { formatCount, formatNs, formatRatio } from '../format';

/** B − A with an explicit sign (`+7`, `−1.20 ms`, `0`); the minus is U+2212 so columns line up. */
export function formatDelta(delta: number, unit: (n: number) => string = formatCount): string {
  if (delta > 0) return `+${unit(delta)}`;
  if (delta < 0) return `−${unit(-delta)}`;
  return '0';
}

/** The one sentence that defines Δ and ratio, shown above every comparison table and chart. */
export function definitionText(baselineLabel: string): string {
  return `Every trace is compared with the baseline A = ${baselineLabel}: Δ = B − A, ratio = B / A (— when A is 0).`;
}
