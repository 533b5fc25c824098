/**
 * The Markdown of a hot line's hover: exits by category and reason, host time, share, the change
 * against the baseline, vCPUs, advice, and command links to the charts. Pure (no `vscode`): the
 * hover provider wraps the string in a MarkdownString whose trust is limited to the two linked
 * commands. Every string that comes from a trace or a symbol file goes through {@link escapeMarkdown}.
 */
import { CATEGORIES, type Category } from '../../core/model/exit';
import type { PagingMode } from '../../core/model/trace';
import type { LineStats } from '../../core/sites/siteIndex';
import { adviceFor } from './advice';
import type { AnnotationOptions } from './decorationModel';
import { CATEGORY_LONG, cyclesOf, exitsWord, formatCompact, formatCount, formatDelta, formatNs, formatPercent, formatRatio } from './format';

/** What is known about the trace a hovered line belongs to. */
export interface HoverTrace {
  /** How the trace is named to the user (workspace-relative path). */
  readonly name: string;
  /** Exits of the whole trace: the denominator of "share". */
  readonly exits: number;
  /** Host time of the whole trace, ns (0 when it has none). */
  readonly totalNs: number;
  readonly paging?: PagingMode;
  /** True when `paging` was guessed from the exit mix rather than read from a header. */
  readonly pagingInferred: boolean;
  readonly pages?: '4k' | '2m';
  readonly reasonCategory?: Readonly<Record<string, Category>>;
}

/** Everything one hover shows. */
export interface HoverInput {
  /** The file as the index keys it (workspace-relative or recorded), and the 1-based line. */
  readonly file: string;
  readonly line: number;
  readonly stats: LineStats;
  readonly options: AnnotationOptions;
  readonly trace: HoverTrace;
  /** The baseline trace's name, when one is set (`stats.baseline` then holds the comparison). */
  readonly baselineName?: string;
  /** Ready-made `command:` URIs (see {@link commandUri}); a missing one is left out. */
  readonly links?: { readonly summary?: string; readonly compare?: string };
}

/**
 * Escapes text for inline Markdown: every ASCII punctuation character Markdown (or its GFM
 * autolinks) could act on gets a backslash, `<`, `>` and `&` become entities, and line breaks
 * become spaces, so a symbol named `<img src=x onerror=…>` or `[x](command:…)` stays text.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|~:@<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}

/**
 * A `command:` link target. The arguments are JSON (VS Code revives `$mid`-marked objects such as
 * `Uri.toJSON()` into URIs), percent-encoded, with parentheses encoded too so the Markdown link
 * destination stays balanced whatever a path holds.
 */
export function commandUri(id: string, args: readonly unknown[]): string {
  const query = encodeURIComponent(JSON.stringify(args)).replace(/[()'!*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `command:${id}?${query}`;
}

/** The hover's Markdown. */
export function hoverMarkdown(input: HoverInput): string {
  const { stats, trace, options } = input;
  const out: string[] = [];
  const where = `${escapeMarkdown(input.file)}:${input.line}`;
  const fn = stats.symbol !== undefined ? ` in ${escapeMarkdown(stats.symbol)}` : '';
  out.push(`**ExitLens** · ${where}${fn}`);
  out.push('');
  out.push(`**${formatCount(stats.exits)} ${exitsWord(stats.exits)}** · ${formatPercent(stats.share)} of all ${formatCount(trace.exits)} exits in ${escapeMarkdown(trace.name)}`);
  out.push('');

  const rows = tableRows(stats, trace.exits);
  if (rows.length > 0) {
    out.push('| Category / reason | Exits | Share of all exits |', '|:--|--:|--:|', ...rows, '');
  }

  const filtered = CATEGORIES.filter((c) => (stats.byCategory[c] ?? 0) > 0 && !options.categories.has(c));
  if (filtered.length > 0) {
    const n = filtered.reduce((s, c) => s + (stats.byCategory[c] ?? 0), 0);
    out.push(`*Not in the line's annotation (category filter):* ${filtered.map((c) => `${c} ${formatCount(stats.byCategory[c] ?? 0)}`).join(', ')} — ${formatCount(n)} ${exitsWord(n)}`, '');
  }

  out.push(...timingLines(stats, trace, options), '');

  if (stats.baseline) {
    const b = stats.baseline;
    const name = input.baselineName !== undefined ? escapeMarkdown(input.baselineName) : 'the baseline';
    out.push(`**Against ${name}:** ${formatCount(b.exits)} ${exitsWord(b.exits)} there → Δ ${formatDelta(b.delta)} (${formatRatio(b.ratio)}), all categories`, '');
  }

  const facts: string[] = [];
  if (stats.vcpus.length > 0) facts.push(`vCPU${stats.vcpus.length === 1 ? '' : 's'} ${stats.vcpus.join(', ')}`);
  if (stats.rips.length > 0) {
    const shown = stats.rips.slice(0, 4).map(escapeMarkdown).join(', ');
    facts.push(`RIP${stats.rips.length === 1 ? '' : 's'} ${shown}${stats.rips.length > 4 ? ` and ${stats.rips.length - 4} more` : ''}`);
  }
  if (trace.paging) facts.push(`${trace.paging === 'ept' ? 'EPT' : 'shadow paging'} ${trace.pagingInferred ? '(guessed from the exit mix)' : '(from the trace header)'}`);
  if (facts.length > 0) out.push(facts.join(' · '), '');

  const advice = adviceFor({ byCategory: stats.byCategory, byReason: stats.byReason, reasonCategory: trace.reasonCategory, paging: trace.paging, pages: trace.pages });
  if (advice.length > 0) {
    out.push('---', '');
    for (const a of advice) out.push(`- **${a.title}** — ${a.text}`);
    out.push('');
  }

  const links: string[] = [];
  if (input.links?.summary) links.push(`[Open trace summary](${input.links.summary})`);
  if (input.links?.compare) links.push(`[${stats.baseline ? 'Compare with the baseline' : 'Compare builds…'}](${input.links.compare})`);
  if (links.length > 0) out.push(links.join(' · '));
  return out.join('\n').trimEnd() + '\n';
}

/** Category rows (bold) then reason rows, each most exits first. */
function tableRows(stats: LineStats, traceExits: number): string[] {
  const share = (n: number) => (traceExits > 0 ? formatPercent(n / traceExits) : 'n/a');
  const rows: string[] = [];
  const cats = CATEGORIES.filter((c) => (stats.byCategory[c] ?? 0) > 0).sort((a, b) => (stats.byCategory[b] ?? 0) - (stats.byCategory[a] ?? 0) || CATEGORIES.indexOf(a) - CATEGORIES.indexOf(b));
  for (const c of cats) {
    const n = stats.byCategory[c] ?? 0;
    rows.push(`| **${escapeMarkdown(CATEGORY_LONG[c])}** | ${formatCount(n)} | ${share(n)} |`);
  }
  const reasons = Object.entries(stats.byReason)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [r, n] of reasons) rows.push(`| reason ${escapeMarkdown(r)} | ${formatCount(n)} | ${share(n)} |`);
  return rows;
}

function timingLines(stats: LineStats, trace: HoverTrace, options: AnnotationOptions): string[] {
  if (trace.totalNs <= 0) return ['Host time: n/a (the trace has no exit-to-entry times)'];
  const parts = [`**Host time** ${formatNs(stats.totalNs)} (${formatPercent(stats.timeShare)} of all host time)`];
  parts.push(`mean ${stats.meanNs !== undefined ? formatNs(stats.meanNs) : 'n/a'}`);
  parts.push(stats.p95Ns !== undefined ? `p95 ${formatNs(stats.p95Ns)}` : 'p95 n/a (no per-site timing in this summary)');
  const lines = [parts.join(' · ')];
  if (options.metric === 'cycles') {
    const cycles = cyclesOf(stats.totalNs, options.cpuHz);
    lines.push(
      cycles !== undefined
        ? `**Estimated cycles** ${formatCompact(cycles)} (host ns × ${(options.cpuHz! / 1e9).toFixed(2)} GHz from the trace header)`
        : '**Estimated cycles** n/a (the trace does not give its CPU frequency)',
    );
  }
  return lines.length > 1 ? [lines[0], '', lines[1]] : lines;
}
