/**
 * `perf kvm stat report` (and `perf kvm stat live`) tables: aggregated per key, no RIPs, no per-exit
 * times. Each `--event=vmexit|mmio|ioport|msr` block becomes one AggregateTable; the vmexit table's
 * rows are the aggregated exit counts (the analysis reads them through sink.table).
 *
 * Layouts (tools/perf/builtin-kvm.c, see docs/formats.md):
 *   perf 3.7–3.12  `%20s %10s %9s %9s %16s`              KEY Samples Samples% Time% Avg time
 *   perf ≥ 3.13    `%*s %10s %9s %9s %11s %11s %16s`     KEY Samples Samples% Time% Min Time Max Time Avg time
 *   row            `%*s %10llu %8.2f%% %8.2f%% [%9.2fus %9.2fus] %9.2fus ( +-%7.2f%% )`
 * The key column is 20 wide in old perf and 40 in perf 6.x/7.x; keys may contain a space (SVM
 * `PF excp`), so rows are read from the right.
 */
import type { Isa } from '../model/exit';
import type { AggregateRow, AggregateTable, TraceSink } from '../model/trace';
import { guessIsa } from '../taxonomy';
import { TextLineParser, unquote } from './textLineParser';

const TITLE = /^Analyze events for (.*?):?\s*$/;
const HEADER = /^(.*?)\s+Samples\s+Samples%\s+Time%/;
const ROW = /^(.+?)\s+(\d+)\s+([\d.]+)%\s+([\d.]+)%\s+(?:([\d.]+)us\s+([\d.]+)us\s+)?([\d.]+)us(?:\s*\(\s*\+-\s*([\d.]+)\s*%\s*\))?$/;
/** perf's stderr note for a code missing from its own exit-reason table; the next `UNKNOWN` row is that code. */
const UNKNOWN_CODE = /^unknown kvm exit code:\s*(\d+) on (VMX|SVM)\s*$/;
const FOOTER = /^Total Samples:\s*(\d+)\s*,\s*Total events handled time:\s*([\d.]+)\s*us\.?/;

/** Table event names by the key column's title. */
const EVENT_BY_TITLE: Readonly<Record<string, string>> = {
  'VM-EXIT': 'vmexit',
  'MMIO Access': 'mmio',
  'IO Port Access': 'ioport',
  'MSR Access': 'msr',
};

interface OpenTable {
  event: string;
  vcpu: number | 'all' | undefined;
  rows: AggregateRow[];
  line: number;
  hasMinMax: boolean;
}

/** Streaming reader of `perf kvm stat report|live` text; one AggregateTable per block. */
export class PerfKvmStatParser extends TextLineParser {
  private vcpu: number | 'all' | undefined;
  private table: OpenTable | undefined;
  private isaSent = false;
  /** Code from the last `unknown kvm exit code` note, for the UNKNOWN row that follows it. */
  private unknownCode: string | undefined;

  constructor(sink: TraceSink) {
    super('perf-kvm-stat', sink);
  }

  protected onTextLine(raw: string, line: number): void {
    const text = unquote(raw);
    // Blank lines separate header and rows; `#` lines are comments (and root shell prompts).
    if (text === '' || text.startsWith('#')) return;
    const title = TITLE.exec(text);
    if (title) {
      this.close();
      this.vcpu = parseVcpu(title[1]);
      return;
    }
    const header = HEADER.exec(text);
    if (header) {
      this.close();
      const keyTitle = header[1].trim();
      this.table = {
        event: EVENT_BY_TITLE[keyTitle] ?? keyTitle.toLowerCase(),
        vcpu: this.vcpu,
        rows: [],
        line,
        hasMinMax: /Min\s*Time/.test(text),
      };
      return;
    }
    const table = this.table;
    if (!table) return;
    const footer = FOOTER.exec(text);
    if (footer) {
      this.close(Number(footer[1]), Number(footer[2]));
      return;
    }
    const unknown = UNKNOWN_CODE.exec(text);
    if (unknown) {
      // Unknown numbers are kept as `0x..`, like the kernel prints them, so several UNKNOWN rows stay apart.
      this.unknownCode = '0x' + Number(unknown[1]).toString(16);
      return;
    }
    const row = ROW.exec(text);
    const code = this.unknownCode;
    this.unknownCode = undefined;
    if (row) {
      const key = row[1].trim();
      const r: { -readonly [K in keyof AggregateRow]: AggregateRow[K] } = {
        key: key === 'UNKNOWN' && code !== undefined ? code : key,
        samples: Number(row[2]),
        samplesPct: Number(row[3]),
        timePct: Number(row[4]),
        avgUs: Number(row[7]),
      };
      if (row[5] !== undefined) {
        r.minUs = Number(row[5]);
        r.maxUs = Number(row[6]);
      }
      if (row[8] !== undefined) r.stddevPct = Number(row[8]);
      if (table.hasMinMax && row[5] === undefined) {
        this.sink.warning({ line, message: `perf kvm stat row without the Min/Max columns its header announces: "${text}"; not counted` });
        return;
      }
      table.rows.push(r);
      return;
    }
    // `Lost events: N` and similar notes are not rows; anything else inside a table is damage.
    if (/^Lost events:/i.test(text)) return;
    this.sink.warning({ line, message: `unreadable perf kvm stat row: "${text.slice(0, 80)}"; not counted` });
  }

  protected finish(): void {
    this.close();
  }

  private close(totalSamples?: number, totalTimeUs?: number): void {
    const t = this.table;
    if (!t) return;
    this.table = undefined;
    if (t.event === 'vmexit' && !this.isaSent) {
      const isa: Isa | undefined = guessIsa(t.rows.map((r) => r.key));
      if (isa) {
        this.isaSent = true;
        this.sink.meta?.({ isa });
      }
    }
    const table: AggregateTable = {
      event: t.event,
      ...(t.vcpu !== undefined ? { vcpu: t.vcpu } : {}),
      rows: t.rows,
      ...(totalSamples !== undefined ? { totalSamples } : {}),
      ...(totalTimeUs !== undefined ? { totalTimeUs } : {}),
      line: t.line,
    };
    this.sink.table?.(table);
  }
}

/** `all VCPUs`, `all VMs, all VCPUs`, `pid(s) 123, VCPU 0`, `VCPU 0` → 'all' or the number. */
function parseVcpu(text: string): number | 'all' | undefined {
  const m = /VCPU\s+(\d+)/.exec(text);
  if (m) return Number(m[1]);
  if (/all VCPUs/.test(text)) return 'all';
  return undefined;
}
