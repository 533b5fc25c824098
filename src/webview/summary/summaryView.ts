/**
 * Builds the summary page's sections from a TraceSummary. Pure DOM construction through textContent
 * (see common/dom.ts); the chart is drawn separately by CategoryChart. HLT is shown apart everywhere: a
 * halted vCPU is idle, not overhead (the CLI's table does the same). Shares are of all exits.
 */
import { CATEGORIES, type Category } from '../../core/model/exit';
import type { TraceSummary } from '../../core/model/summary';
import { append, el, table } from '../common/dom';
import { formatCount, formatNs, formatShare } from '../../core/format';

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

/** The columns of both reason tables. */
const REASON_HEADER = ['Reason', 'Category', 'Exits', 'Share', 'Mean host time', 'p95'];

/** Reasons (name, exits) most frequent first, HLT's apart. */
export function splitReasons(s: TraceSummary): { work: Array<[string, number]>; idle: Array<[string, number]> } {
  const reasons = Object.entries(s.byReason).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { work: reasons.filter(([r]) => s.reasonCategory[r] !== 'hlt'), idle: reasons.filter(([r]) => s.reasonCategory[r] === 'hlt') };
}

function reasonRow(s: TraceSummary, [reason, count]: [string, number]): string[] {
  const t = s.timing[reason];
  return [reason, s.reasonCategory[reason] ?? 'other', formatCount(count), formatShare(count, s.exits), formatNs(t?.meanNs), formatNs(t?.p95Ns)];
}

/** Per-reason counts and host-time statistics (mean, p95), most frequent first; HLT reasons apart. */
export function reasonsSection(s: TraceSummary): HTMLElement {
  const { work, idle } = splitReasons(s);
  const rows = work.slice(0, MAX_REASON_ROWS).map((r) => reasonRow(s, r));
  const section = append(el('section'), el('h2', undefined, 'Exit reasons'));
  if (rows.length === 0) append(section, el('p', 'muted', idle.length ? 'No exits besides HLT.' : 'No exits.'));
  else append(section, table(REASON_HEADER, rows, [2, 3, 4, 5]));
  if (work.length > rows.length) append(section, el('p', 'muted', `${work.length - rows.length} more reasons not shown.`));
  return section;
}

/** HLT reasons on their own: idle time, not overhead. Undefined when the trace has none. */
export function idleSection(s: TraceSummary): HTMLElement | undefined {
  const { idle } = splitReasons(s);
  if (idle.length === 0) return undefined;
  const section = append(el('section', 'idle'), el('h2', undefined, `Idle: HLT (${formatCount(s.hlt.exits)} ${s.hlt.exits === 1 ? 'exit' : 'exits'}, ${formatNs(s.hlt.totalNs)} host time — not overhead)`));
  return append(section, table(REASON_HEADER, idle.map((r) => reasonRow(s, r)), [2, 3, 4, 5]));
}

function categoryRow(s: TraceSummary, c: Category): string[] {
  const t = s.categoryTiming?.[c];
  return [c === 'hlt' ? 'hlt (idle)' : c, formatCount(s.byCategory[c]), formatShare(s.byCategory[c], s.exits), formatNs(s.timeByCategory[c]), formatNs(t?.meanNs), formatNs(t?.p95Ns)];
}

/** Exits and host time (total, mean, p95) per category, in display order; HLT last, in its own row group. */
export function categoriesSection(s: TraceSummary): HTMLElement {
  const work = CATEGORIES.filter((c) => c !== 'hlt' && s.byCategory[c] > 0).map((c) => categoryRow(s, c));
  const t = table(['Category', 'Exits', 'Share', 'Host time', 'Mean', 'p95'], work, [1, 2, 3, 4, 5]);
  if (s.byCategory.hlt > 0) {
    const row = append(el('tr'), ...categoryRow(s, 'hlt').map((cell, i) => el('td', i === 0 ? undefined : 'num', cell)));
    append(t, append(el('tbody', 'idle'), row));
  }
  return append(el('section'), el('h2', undefined, 'Categories'), t);
}

/** The guest addresses with the most exits. */
export function sitesSection(s: TraceSummary): HTMLElement | undefined {
  if (s.sites.length === 0) return undefined;
  const rows = s.sites.slice(0, MAX_SITE_ROWS).map((site) => [
    site.file && site.line ? `${site.file}:${site.line}` : site.symbol ? `${site.symbol}+0x${(site.offset ?? 0).toString(16)}` : '—',
    site.rip,
    formatCount(site.exits),
    formatNs(site.timing?.meanNs),
    formatNs(site.timing?.p95Ns),
    Object.entries(site.byCategory)
      .map(([c, n]) => `${c} ${n}`)
      .join(', '),
  ]);
  return append(
    el('section'),
    el('h2', undefined, `Hot sites (top ${rows.length} of ${formatCount(s.siteCount)})`),
    table(['Source', 'Guest RIP', 'Exits', 'Mean host time', 'p95', 'Categories'], rows, [2, 3, 4]),
  );
}

/**
 * Lines the parser could not read; each line number is a link (`onLine`) that opens the trace as text
 * at that line.
 */
export function warningsSection(fileLabel: string, s: TraceSummary, onLine?: (line: number) => void): HTMLElement | undefined {
  if (s.warningCount === 0) return undefined;
  const list = el('ul', 'warnings');
  for (const w of s.warnings.slice(0, MAX_WARNING_ROWS)) {
    const where = el('button', 'line-link', `${fileLabel}:${w.line}`);
    where.type = 'button';
    where.title = `Open ${fileLabel} at line ${w.line}`;
    where.dataset.line = String(w.line);
    if (onLine) where.addEventListener('click', () => onLine(w.line));
    append(list, append(el('li'), where, document.createTextNode(`: ${w.message}`)));
  }
  const section = append(el('section'), el('h2', undefined, `Warnings (${formatCount(s.warningCount)})`), list);
  if (s.warningCount > MAX_WARNING_ROWS) append(section, el('p', 'muted', `${formatCount(s.warningCount - MAX_WARNING_ROWS)} more not shown (\`exitlens summary --json\` lists the first 1,000).`));
  return section;
}
