/**
 * kvm_stat output (tools/kvm/kvm_stat/kvm_stat) as aggregated counts, one AggregateTable
 * `{event: 'kvm_stat'}` per screen or block:
 *   interactive screen  `kvm statistics - summary`, header ` Event  Total %Total CurAvg/s` (≥ 4.14)
 *                       or ` Event  Total Current` (older), rows ` %-40s %10d%7.1f %8s`, child rows
 *                       `kvm_exit(HLT)` after pressing x, footer ` Total  <n>  <n>` (→ totalSamples);
 *   batch `-1`          `'%-42s%10d%10d' % (key, total, delta)` per line, no header;
 *   log `-l`            a banner of key names every 20 lines, then rows of ` %9d` deltas (since 5.7
 *                       prefixed by `YYYY-mm-dd HH:MM:SS`); `-c` CSV: `timestamp,key,…` / `ts,n,…`.
 * Rows keep the key as printed (`exits`, `kvm_exit(HLT)`); `samples` is the total (log mode: the sum
 * of the deltas) and `current` the last delta / CurAvg value.
 */
import type { AggregateRow, TraceSink } from '../model/trace';
import { guessIsa } from '../taxonomy';
import { TextLineParser, unquote } from './textLineParser';

const TITLE = /^kvm statistics\b/;
const SCREEN_HEADER = /^(?:Event|Guest Name)\s+Total\b(.*)$/;
const KEY = /^[A-Za-z_][\w.-]*(?:\([\w .:/-]*\))?$/;
const BATCH_ROW = /^([A-Za-z_][\w.-]*(?:\([\w .:/-]*\))?)\s+(\d+)\s+(-?\d+)$/;
const LOG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}:\d{2}\s*/;

type Mode = 'none' | 'screen' | 'batch' | 'log';

interface Block {
  rows: AggregateRow[];
  line: number;
  totalSamples?: number;
}

/** Streaming reader of kvm_stat screens, batch rows and logs (see the module comment). */
export class KvmStatParser extends TextLineParser {
  private mode: Mode = 'none';
  private block: Block | undefined;
  /** Screen layout: whether a %Total column sits between Total and the current value. */
  private pctColumn = false;
  /** The screen lists guests (`b` in the TUI): keys are guest names and may contain blanks. */
  private guestNames = false;
  /** Log mode: the banner keys, and per-key sums / last values. */
  private banner: string[] | undefined;
  private bannerLine = 0;
  private csv = false;
  private sums: number[] = [];
  private lasts: number[] = [];
  private logRows = 0;
  private isaSent = false;

  constructor(sink: TraceSink) {
    super('kvm-stat', sink);
  }

  protected onTextLine(raw: string, line: number): void {
    const text = unquote(raw);
    if (text.startsWith('#')) return;
    if (this.mode === 'screen' && this.screenLine(text, line)) return;
    if (this.mode === 'log' && this.logLine(text)) return;
    if (this.mode === 'batch' && this.batchLine(text)) return;
    if (this.mode !== 'none') this.close();
    if (text === '') return;
    if (TITLE.test(text)) return;
    const header = SCREEN_HEADER.exec(text);
    if (header) {
      this.mode = 'screen';
      this.pctColumn = /%Total/.test(header[1]);
      this.guestNames = text.startsWith('Guest Name');
      this.block = { rows: [], line };
      return;
    }
    if (this.startLog(text, line)) return;
    if (BATCH_ROW.test(text)) {
      this.mode = 'batch';
      this.block = { rows: [], line };
      this.batchLine(text);
    }
  }

  protected finish(): void {
    this.close();
  }

  /** A screen row / footer; false when the screen ended. */
  private screenLine(text: string, line: number): boolean {
    const block = this.block as Block;
    if (text === '') return true;
    const tokens = text.split(/\s+/);
    const isInt = (t: string | undefined) => t !== undefined && /^\d+$/.test(t);
    // Footer `' %-40s %10d        %8s' % ('Total', total, tavg)`: no %Total cell.
    if (tokens[0] === 'Total' && tokens.length <= 3 && tokens.slice(1).every(isInt)) {
      if (tokens.length >= 2) block.totalSamples = Number(tokens[1]);
      this.close();
      return true;
    }
    // Cells from the right. New layout: Total, %Total (`%7.1f`, always with a point), CurAvg/s
    // (empty when nothing happened); old layout: Total, Current.
    let n: number;
    const last = tokens[tokens.length - 1];
    if (this.pctColumn) n = /^\d+\.\d$/.test(last) ? 2 : 3;
    else n = tokens.length >= 3 && isInt(tokens[tokens.length - 2]) ? 2 : 1;
    const cells = tokens.slice(tokens.length - n);
    const key = tokens.slice(0, tokens.length - n).join(' ');
    const pctOk = !this.pctColumn || /^\d+\.\d$/.test(cells[1] ?? '');
    const curOk = this.pctColumn ? n === 2 || isInt(cells[2]) : n === 1 || isInt(cells[1]);
    const keyOk = key !== '' && (this.guestNames || KEY.test(key));
    if (tokens.length > n && isInt(cells[0]) && pctOk && curOk && keyOk) {
      const row: { -readonly [K in keyof AggregateRow]: AggregateRow[K] } = { key, samples: Number(cells[0]) };
      if (this.pctColumn) {
        row.samplesPct = Number(cells[1]);
        if (n === 3) row.current = Number(cells[2]);
      } else if (n === 2) row.current = Number(cells[1]);
      block.rows.push(row);
      return true;
    }
    // Something with numbers in it where a row belongs is a damaged row; anything else ends the screen.
    if (tokens.length >= 2 && /\d/.test(text) && KEY.test(tokens[0])) {
      this.sink.warning({ line, message: `unreadable kvm_stat row: "${text.slice(0, 80)}"; not counted` });
      return true;
    }
    return false;
  }

  private batchLine(text: string): boolean {
    const m = BATCH_ROW.exec(text);
    if (!m) return false;
    (this.block as Block).rows.push({ key: m[1], samples: Number(m[2]), current: Number(m[3]) });
    return true;
  }

  /** A log banner: key names only (space separated) or `timestamp,key,…`. Confirmed by the next line. */
  private startLog(text: string, line: number): boolean {
    const csv = text.startsWith('timestamp,');
    const keys = csv ? text.split(',').slice(1) : text.split(/\s+/);
    if (keys.length < 2 || !keys.every((k) => KEY.test(k)) || !keys.some((k) => k.startsWith('kvm_') || k === 'exits')) return false;
    this.mode = 'log';
    this.banner = keys;
    this.bannerLine = line;
    this.csv = csv;
    this.sums = new Array(keys.length).fill(0);
    this.lasts = new Array(keys.length).fill(0);
    this.logRows = 0;
    this.block = { rows: [], line };
    return true;
  }

  private logLine(text: string): boolean {
    const keys = this.banner as string[];
    if (text === '') return true;
    // The banner repeats every 20 rows.
    if ((this.csv ? text.split(',').slice(1) : text.split(/\s+/)).join(' ') === keys.join(' ')) return true;
    const values = this.csv ? text.split(',').slice(1) : text.replace(LOG_TIMESTAMP, '').split(/\s+/);
    if (values.length !== keys.length || !values.every((v) => /^-?\d+$/.test(v))) return false;
    values.forEach((v, i) => {
      this.sums[i] += Number(v);
      this.lasts[i] = Number(v);
    });
    this.logRows++;
    return true;
  }

  private close(): void {
    const mode = this.mode;
    const block = this.block;
    this.mode = 'none';
    this.block = undefined;
    if (!block) return;
    let rows = block.rows;
    if (mode === 'log') {
      // A banner without value rows was prose that looked like one.
      if (this.logRows === 0) return;
      rows = (this.banner as string[]).map((key, i) => ({ key, samples: this.sums[i], current: this.lasts[i] }));
      block.line = this.bannerLine;
    }
    if (!this.isaSent) {
      const reasons = rows.map((r) => /^kvm_exit\((.+)\)$/.exec(r.key)?.[1]).filter((x): x is string => x !== undefined);
      const isa = guessIsa(reasons);
      if (isa) {
        this.isaSent = true;
        this.sink.meta?.({ isa });
      }
    }
    this.sink.table?.({
      event: 'kvm_stat',
      rows,
      ...(block.totalSamples !== undefined ? { totalSamples: block.totalSamples } : {}),
      line: block.line,
    });
  }
}
