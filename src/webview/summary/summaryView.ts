/**
 * Builds the summary page's sections from a TraceSummary. Pure DOM construction through textContent
 * (see common/dom.ts); the chart is drawn separately by CategoryChart.
 */
import { CATEGORIES } from '../../core/model/exit';
import type { TraceSummary } from '../../core/model/summary';
import { append, el, table } from '../common/dom';
import { formatCount, formatNs, formatShare } from './format';

/** Reason rows the page shows; the summary may hold more (the CLI's --json has them all). */
export const MAX_REASON_ROWS = 40;
/** Site rows the page shows (the Hot Exit Sites view lists more). */
export const MAX_SITE_ROWS = 20;
/** Warnings the page lists; the count says how many there were in all. */
export const MAX_WARNING_ROWS = 50;

/** "2 (0, 1)": how many vCPUs and which; ids shown up to eight. */
export function vcpuText(vcpus: readonly number[]): string {
  if (vcpus.length === 0) return '—';
  const ids = vcpus.slice(0, 8).join(', ') + (vcpus.length > 8 ? ', …' : '');
  return `${vcpus.length} (${ids})`;
}

/** Key facts about the trace, as a definition list (ids on the values let tests read them). */
export function headerSection(fileLabel: string, s: TraceSummary): HTMLElement {
  const section = el('section', 'header');
  append(section, el('h1', undefined, fileLabel));
  const facts: Array<[string, string, string]> = [
    ['format', 'Format', s.format + (s.meta.simulated ? ' (simulated)' : '')],
    ['isa', 'ISA', s.isa],
    ['exits', 'Exits', formatCount(s.exits)],
    ['overhead', 'Exits without HLT', formatCount(s.overhead.exits)],
    ['hlt', 'HLT exits', formatCount(s.hlt.exits)],
    ['vcpus', 'vCPUs', vcpuText(s.vcpus)],
    ['duration', 'Duration', formatNs(s.durationNs)],
    ['warnings', 'Warnings', formatCount(s.warningCount)],
  ];
  if (s.meta.paging) facts.splice(2, 0, ['paging', 'Paging', s.meta.paging]);
  if (s.meta.workload) facts.splice(2, 0, ['workload', 'Workload', s.meta.workload]);
  const dl = el('dl', 'facts');
  for (const [id, term, value] of facts) {
    const dd = el('dd', undefined, value);
    dd.id = `fact-${id}`;
    append(dl, el('dt', undefined, term), dd);
  }
  return append(section, dl);
}

/** Per-reason counts and host-time statistics, most frequent first. */
export function reasonsSection(s: TraceSummary): HTMLElement {
  const reasons = Object.entries(s.byReason).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const rows = reasons.slice(0, MAX_REASON_ROWS).map(([reason, count]) => {
    const t = s.timing[reason];
    return [reason, s.reasonCategory[reason] ?? 'other', formatCount(count), formatShare(count, s.exits), formatNs(t?.meanNs), formatNs(t?.p95Ns)];
  });
  const section = append(el('section'), el('h2', undefined, 'Exit reasons'));
  if (rows.length === 0) return append(section, el('p', 'muted', 'No exits.'));
  append(section, table(['Reason', 'Category', 'Exits', 'Share', 'Mean host time', 'p95'], rows, [2, 3, 4, 5]));
  if (reasons.length > rows.length) append(section, el('p', 'muted', `${reasons.length - rows.length} more reasons not shown.`));
  return section;
}

/** Exits and host time per category, all categories with exits, in display order. */
export function categoriesSection(s: TraceSummary): HTMLElement {
  const rows = CATEGORIES.filter((c) => s.byCategory[c] > 0).map((c) => [
    c,
    formatCount(s.byCategory[c]),
    formatShare(s.byCategory[c], s.exits),
    formatNs(s.timeByCategory[c]),
  ]);
  return append(el('section'), el('h2', undefined, 'Categories'), table(['Category', 'Exits', 'Share', 'Host time'], rows, [1, 2, 3]));
}

/** The guest addresses with the most exits. */
export function sitesSection(s: TraceSummary): HTMLElement | undefined {
  if (s.sites.length === 0) return undefined;
  const rows = s.sites.slice(0, MAX_SITE_ROWS).map((site) => [
    site.file && site.line ? `${site.file}:${site.line}` : site.symbol ? `${site.symbol}+0x${(site.offset ?? 0).toString(16)}` : '—',
    site.rip,
    formatCount(site.exits),
    Object.entries(site.byCategory)
      .map(([c, n]) => `${c} ${n}`)
      .join(', '),
  ]);
  return append(
    el('section'),
    el('h2', undefined, `Hot sites (top ${rows.length} of ${formatCount(s.siteCount)})`),
    table(['Source', 'Guest RIP', 'Exits', 'Categories'], rows, [2]),
  );
}

/** Lines the parser could not read, with their line numbers. */
export function warningsSection(fileLabel: string, s: TraceSummary): HTMLElement | undefined {
  if (s.warningCount === 0) return undefined;
  const list = el('ul', 'warnings');
  for (const w of s.warnings.slice(0, MAX_WARNING_ROWS)) append(list, el('li', undefined, `${fileLabel}:${w.line}: ${w.message}`));
  const section = append(el('section'), el('h2', undefined, `Warnings (${formatCount(s.warningCount)})`), list);
  if (s.warningCount > MAX_WARNING_ROWS) append(section, el('p', 'muted', `${formatCount(s.warningCount - MAX_WARNING_ROWS)} more not shown (\`exitlens summary --json\` lists the first 1,000).`));
  return section;
}
