/**
 * Reads ExitLens symbol files (`*.syms.json`, version 1; docs/trace-format.md): function ranges and
 * address-range → `file:line` entries, written by the simulator beside its traces or by a build step.
 * The most precise source there is: every RIP maps to exactly the line the writer meant.
 */
import { parseAddress } from './address';
import { jsonErrorLine } from './jsonErrorPosition';
import { RangeTable, type RangeEntry } from './rangeTable';
import type { SymbolMessage } from './symbolModel';

/** The newest symbol-file version this code reads; a larger one is refused with one clear error. */
export const SYMS_FILE_VERSION = 1;

/** A source line range as the file states it; `file` is still relative to the symbol file's folder. */
export interface SymsLine {
  readonly file: string;
  readonly line: number;
}

/** Parsed symbol file: two lookup tables and the messages about malformed parts. */
export interface SymsFile {
  readonly symbols: RangeTable<string>;
  readonly lines: RangeTable<SymsLine>;
  readonly messages: readonly SymbolMessage[];
  /** False when the file could not be used at all (not JSON, wrong kind, newer version). */
  readonly ok: boolean;
}

/** Whether a byte prefix looks like an ExitLens symbol file (for picking a parser by content). */
export function looksLikeSymsFile(head: string): boolean {
  return /^\s*\{/.test(head) && /"exitlens"\s*:\s*"symbols"/.test(head);
}

/** Parses the text of a symbol file; `name` is the file as the user named it, for messages. */
export function parseSymsFile(text: string, name: string): SymsFile {
  const fail = (message: string, line?: number): SymsFile => ({
    symbols: new RangeTable<string>([]),
    lines: new RangeTable<SymsLine>([]),
    messages: [{ severity: 'error', file: name, line, message: line ? `${name}:${line}: ${message}` : `${name}: ${message}` }],
    ok: false,
  });

  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return fail(`not valid JSON (${msg})`, jsonErrorLine(text));
  }
  if (!isObject(doc) || doc.exitlens !== 'symbols') return fail('not an ExitLens symbol file (expected "exitlens": "symbols")');
  if (typeof doc.version !== 'number' || !Number.isInteger(doc.version) || doc.version < 1) {
    return fail('missing or invalid "version"');
  }
  if (doc.version > SYMS_FILE_VERSION) {
    return fail(`version ${doc.version} is newer than this ExitLens reads (${SYMS_FILE_VERSION}); update ExitLens`);
  }

  const problems = new ProblemCounter();
  const symbolEntries: RangeEntry<string>[] = [];
  const lineEntries: RangeEntry<SymsLine>[] = [];
  const symbols = arrayField(doc, 'symbols', problems);
  const lines = arrayField(doc, 'lines', problems);
  symbols.forEach((s, i) => {
    const range = readRange(s);
    if (!range || !isObject(s) || typeof s.name !== 'string' || s.name === '') {
      problems.add(`symbols[${i}] needs "name", "addr" (hex string) and "size"`);
      return;
    }
    symbolEntries.push({ ...range, value: s.name });
  });
  lines.forEach((l, i) => {
    const range = readRange(l);
    if (!range || !isObject(l) || typeof l.file !== 'string' || l.file === '' || !isPositiveInt(l.line)) {
      problems.add(`lines[${i}] needs "addr" (hex string), "size", "file" and a positive "line"`);
      return;
    }
    lineEntries.push({ ...range, value: { file: l.file, line: l.line as number } });
  });
  const messages: SymbolMessage[] = [];
  const summary = problems.summary(name);
  if (summary) messages.push(summary);
  return { symbols: new RangeTable(symbolEntries), lines: new RangeTable(lineEntries), messages, ok: true };
}

/** Collapses entry problems into one warning: the count plus the first. */
class ProblemCounter {
  private count = 0;
  private first?: string;
  add(problem: string): void {
    this.count++;
    this.first ??= problem;
  }
  summary(name: string): SymbolMessage | undefined {
    if (this.count === 0) return undefined;
    const tail = this.count > 1 ? ` (and ${this.count - 1} more entr${this.count === 2 ? 'y' : 'ies'} skipped)` : '';
    return { severity: 'warning', file: name, message: `${name}: ${this.first}; entry skipped${tail}` };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositiveInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function arrayField(doc: Record<string, unknown>, key: string, problems: ProblemCounter): unknown[] {
  const v = doc[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problems.add(`"${key}" is not an array`);
    return [];
  }
  return v;
}

/** `addr` as a hex string (or a safe integer), `size` as a non-negative integer (or hex string). */
function readRange(e: unknown): { start: bigint; size: bigint } | undefined {
  if (!isObject(e)) return undefined;
  const start = typeof e.addr === 'string' ? parseAddress(e.addr) : Number.isSafeInteger(e.addr) && (e.addr as number) >= 0 ? BigInt(e.addr as number) : undefined;
  const size =
    typeof e.size === 'number' && Number.isSafeInteger(e.size) && e.size >= 0 ? BigInt(e.size) : typeof e.size === 'string' ? parseAddress(e.size) : undefined;
  if (start === undefined || size === undefined) return undefined;
  return { start, size };
}
