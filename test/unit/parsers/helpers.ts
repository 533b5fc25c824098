/**
 * Test helpers: run a parser over bytes (in given chunks) and collect what it reports, in a form
 * that deep-equals across runs (records are plain JSON copies).
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import type { ExitRecord } from '../../../src/core/model/exit';
import type { AggregateTable, TraceFormat, TraceMeta, TraceWarning } from '../../../src/core/model/trace';
import { createParser, detectFormat } from '../../../src/core/parsers/index';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures');

export interface Collected {
  format: TraceFormat | undefined;
  records: ExitRecord[];
  warnings: TraceWarning[];
  tables: AggregateTable[];
  metas: TraceMeta[];
}

/** The bytes of a fixture file. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** Every regular file directly in test/fixtures. */
export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => statSync(join(FIXTURES, f)).isFile())
    .sort();
}

/** Drops undefined keys (records carry every key) so expectations can be written compactly. */
function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Pushes `bytes` into `parser` cut at the offsets `cuts` (ascending), then ends it. */
export function feed(parser: { push(c: Uint8Array): void; end(): void }, bytes: Uint8Array, cuts: readonly number[] = []): void {
  let at = 0;
  for (const cut of cuts) {
    parser.push(bytes.subarray(at, cut));
    at = cut;
  }
  parser.push(bytes.subarray(at));
  parser.end();
}

/**
 * Parses `bytes` with `format` (detected from the bytes when absent), feeding the chunks that
 * `cuts` (ascending byte offsets) delimit.
 */
export function parseBytes(bytes: Uint8Array, format?: TraceFormat, cuts: readonly number[] = []): Collected {
  const fmt = format ?? detectFormat(bytes) ?? 'ftrace';
  const out: Collected = { format: detectFormat(bytes), records: [], warnings: [], tables: [], metas: [] };
  const parser = createParser(fmt, {
    exit: (r) => out.records.push(plain(r)),
    warning: (w) => out.warnings.push(plain(w)),
    table: (t) => out.tables.push(plain(t)),
    meta: (m) => out.metas.push(plain(m)),
  });
  feed(parser, bytes, cuts);
  return out;
}

/** parseBytes() over a string. */
export function parseText(text: string, format?: TraceFormat, cuts: readonly number[] = []): Collected {
  return parseBytes(new TextEncoder().encode(text), format, cuts);
}

/** Counts of a key over records, as a plain object with sorted keys. */
export function countBy(records: readonly ExitRecord[], key: (r: ExitRecord) => string | number | undefined): Record<string, number> {
  const m: Record<string, number> = {};
  for (const r of records) {
    const k = String(key(r));
    m[k] = (m[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `[line, entryNs - timeNs | null]` per record, in kvm_exit line order. */
export function durations(records: readonly ExitRecord[]): Array<[number, number | null]> {
  return [...records].sort((a, b) => a.line - b.line).map((r) => [r.line, r.entryNs === undefined ? null : r.entryNs - r.timeNs]);
}

/** Distinct vCPUs (undefined shown as -1), sorted. */
export function vcpus(records: readonly ExitRecord[]): number[] {
  return [...new Set(records.map((r) => r.vcpu ?? -1))].sort((a, b) => a - b);
}

/** The record whose kvm_exit is on `line`. */
export function at(records: readonly ExitRecord[], line: number): ExitRecord {
  const r = records.find((x) => x.line === line);
  if (!r) throw new Error(`no record for line ${line}`);
  return r;
}
