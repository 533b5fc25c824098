/**
 * The self-contained HTML comparison report (`exitlens report`): one file that opens in any browser
 * without VS Code or a network — the compare page's bundle and stylesheet inlined, the payload in a
 * `<script type="application/json">` block, and a strict CSP in a meta tag (nothing may load from
 * anywhere; only the inlined script and style, by nonce, run). Pure: the caller reads the assets and
 * supplies the nonce (the core does no I/O and draws no randomness).
 */
import type { ComparePayload } from '../compare/payload';

/** The compare page's built files (dist/webview/compare.js and compare.css), as text. */
export interface ReportAssets {
  readonly script: string;
  readonly style: string;
}

export interface ReportOptions {
  /** Base64 or hex, ≥ 128 random bits (the CSP spec's advice), fresh per report. */
  readonly nonce: string;
  /** Document title (default: the payload's). */
  readonly title?: string;
}

/** The id of the JSON block the page's standalone host reads. */
export const REPORT_DATA_ID = 'exitlens-compare-data';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * JSON that cannot end its `<script>` block or open a comment: `<` (and the JS line separators)
 * become `\u` escapes, which JSON.parse reads back as the same characters.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Script text safe to inline: the HTML parser ends a script at `</script` whatever the JS means, so
 * that sequence (and `<!--`, which switches the parser into an escaped state) is broken with a
 * backslash — `<\/script` reads the same inside JS strings, templates and regular expressions.
 * The source-map comment is dropped: the report ships no map.
 */
export function inlineScript(js: string): string {
  return js
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--')
    .replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
}

/** Style text safe to inline (`</style` would end the block). */
export function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1').replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '');
}

/** The Content-Security-Policy of a report with this nonce. */
export function reportCsp(nonce: string): string {
  return [
    "default-src 'none'",
    // chart PNG exports are data: URLs; CSV/Markdown downloads are blob: URLs
    'img-src data: blob:',
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Builds the report document. */
export function buildHtmlReport(payload: ComparePayload, assets: ReportAssets, options: ReportOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(options.nonce)) throw new RangeError('the report nonce must be at least 16 base64 or hex characters');
  const title = options.title ?? `ExitLens comparison — ${payload.title}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(reportCsp(options.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="ExitLens">
<title>${escapeHtml(title)}</title>
<style nonce="${options.nonce}">
${inlineStyle(assets.style)}
</style>
</head>
<body class="exitlens-standalone">
<main id="app" aria-live="polite"><p id="status" class="status">Loading…</p></main>
<script type="application/json" id="${REPORT_DATA_ID}">${jsonForScript(payload)}</script>
<script nonce="${options.nonce}">
${inlineScript(assets.script)}
</script>
</body>
</html>
`;
}
