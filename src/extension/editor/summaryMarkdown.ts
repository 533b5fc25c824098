/**
 * The summary as Markdown, for "Export…" (what users paste into a mail or an issue). Pure: no `vscode`
 * import, the same numbers and wording as the summary page (shares of all exits, HLT apart, host time
 * mean and p95 per category and reason). Trace strings are escaped so a reason name or warning cannot
 * break the table.
 */
import { CATEGORIES } from '../../core/model/exit';
import type { TraceSummary } from '../../core/model/summary';
import { formatCount, formatNs, formatShare, plural } from '../../core/format';

/** Escapes text for a Markdown table cell or paragraph (pipes, backslashes, markup characters, newlines). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

function tableLines(header: readonly string[], rows: ReadonlyArray<readonly string[]>, numeric: readonly number[]): string[] {
  const align = header.map((_, i) => (numeric.includes(i) ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** Warnings listed in the export (the count says how many there were). */
export const MAX_EXPORTED_WARNINGS = 50;

/** Renders `summary` of the trace named `label`; ends with a newline. */
export function summaryMarkdown(label: string, s: TraceSummary): string {
  const out: string[] = [`# ExitLens summary: ${escapeMarkdown(label)}`, ''];
  const facts: Array<[string, string]> = [
    ['Format', s.format + (s.meta.simulated ? ' (simulated)' : '')],
    ['ISA', s.isa],
    ['Exits', formatCount(s.exits)],
    ['Exits without HLT', formatCount(s.overhead.exits)],
    ['HLT exits (idle)', formatCount(s.hlt.exits)],
    ['vCPUs', s.vcpus.length ? `${s.vcpus.length} (${s.vcpus.join(', ')})` : '—'],
    ['Duration', formatNs(s.durationNs)],
    ['Warnings', formatCount(s.warningCount)],
  ];
  if (s.meta.workload) facts.splice(2, 0, ['Workload', s.meta.workload]);
  if (s.meta.paging) facts.splice(2, 0, ['Paging', s.meta.paging]);
  out.push(...facts.map(([k, v]) => `- **${k}:** ${escapeMarkdown(v)}`), '');

  const cats = CATEGORIES.filter((c) => s.byCategory[c] > 0 && c !== 'hlt');
  const catRow = (c: (typeof CATEGORIES)[number]) => {
    const t = s.categoryTiming[c];
    return [c, formatCount(s.byCategory[c]), formatShare(s.byCategory[c], s.exits), formatNs(s.timeByCategory[c]), formatNs(t?.meanNs), formatNs(t?.p95Ns)];
  };
  out.push('## Categories', '');
  const catHeader = ['Category', 'Exits', 'Share', 'Host time', 'Mean', 'p95'];
  if (cats.length > 0) out.push(...tableLines(catHeader, cats.map(catRow), [1, 2, 3, 4, 5]), '');
  else out.push('No exits outside HLT.', '');

  const reasons = Object.entries(s.byReason).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const reasonRow = ([r, n]: [string, number]) => {
    const t = s.timing[r];
    return [escapeMarkdown(r), s.reasonCategory[r] ?? 'other', formatCount(n), formatShare(n, s.exits), formatNs(t?.meanNs), formatNs(t?.p95Ns)];
  };
  const reasonHeader = ['Reason', 'Category', 'Exits', 'Share', 'Mean host time', 'p95'];
  const work = reasons.filter(([r]) => s.reasonCategory[r] !== 'hlt');
  const idle = reasons.filter(([r]) => s.reasonCategory[r] === 'hlt');
  out.push('## Exit reasons (HLT apart)', '');
  if (work.length > 0) out.push(...tableLines(reasonHeader, work.map(reasonRow), [2, 3, 4, 5]), '');
  else out.push('No exit reasons outside HLT.', '');
  if (s.hlt.exits > 0) {
    out.push(`## Idle: HLT (${plural(s.hlt.exits, 'exit')}, ${formatNs(s.hlt.totalNs)} host time — not overhead)`, '');
    if (idle.length > 0) out.push(...tableLines(reasonHeader, idle.map(reasonRow), [2, 3, 4, 5]), '');
  }

  if (s.warningCount > 0) {
    out.push(`## Warnings (${formatCount(s.warningCount)})`, '');
    for (const w of s.warnings.slice(0, MAX_EXPORTED_WARNINGS)) out.push(`- line ${w.line}: ${escapeMarkdown(w.message)}`);
    if (s.warningCount > MAX_EXPORTED_WARNINGS) out.push(`- … ${formatCount(s.warningCount - Math.min(MAX_EXPORTED_WARNINGS, s.warnings.length))} more`);
    out.push('');
  }
  return out.join('\n');
}
