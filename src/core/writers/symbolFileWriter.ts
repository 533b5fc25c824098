/**
 * The symbol file written beside a simulated trace (`*.syms.json`, docs/trace-format.md): the
 * functions of the guest sources and one line entry per exit site, so every RIP in the trace maps
 * to exactly one `file:line`. Entries are sorted by address; output is deterministic.
 */
import { type FunctionSpan, KERNEL_FUNCTIONS, KERNEL_SOURCE, LINE_BYTES, ripOfLine, type SiteTable } from '../sim/sourceMap';

/** A function: `addr`/`size` in bytes of guest text. */
export interface SymbolEntry {
  readonly name: string;
  readonly addr: string;
  readonly size: number;
}

/** An address range that belongs to one source line. */
export interface LineEntry {
  readonly addr: string;
  readonly size: number;
  readonly file: string;
  readonly line: number;
}

/** The symbol file's content. */
export interface SymbolFile {
  readonly exitlens: 'symbols';
  readonly version: 1;
  readonly symbols: readonly SymbolEntry[];
  readonly lines: readonly LineEntry[];
}

function byAddr(a: { addr: string }, b: { addr: string }): number {
  const x = BigInt(a.addr);
  const y = BigInt(b.addr);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Builds the symbol file for a workload whose user lines live in `source`. Without `functions`,
 * one symbol named after the workload spans the lines it uses.
 */
export function buildSymbolFile(sites: SiteTable, source: string, workloadName: string, functions: readonly FunctionSpan[] | undefined): SymbolFile {
  const symbols: SymbolEntry[] = [];
  const span = (f: FunctionSpan, kernel: boolean): SymbolEntry => ({
    name: f.name,
    addr: ripOfLine(f.startLine, kernel),
    size: (f.endLine - f.startLine + 1) * LINE_BYTES,
  });
  for (const f of KERNEL_FUNCTIONS) symbols.push(span(f, true));
  const userLines = sites.all().filter((s) => !s.kernel).map((s) => s.line);
  if (functions && functions.length > 0) for (const f of functions) symbols.push(span(f, false));
  else if (userLines.length > 0) {
    symbols.push(span({ name: workloadName, startLine: Math.min(...userLines), endLine: Math.max(...userLines) }, false));
  }
  const lines: LineEntry[] = sites.all().map((s) => ({ addr: s.rip, size: LINE_BYTES, file: s.kernel ? KERNEL_SOURCE : source, line: s.line }));
  symbols.sort(byAddr);
  lines.sort(byAddr);
  return { exitlens: 'symbols', version: 1, symbols, lines };
}

/** The symbol file as JSON text (one entry per line, for readable diffs). */
export function symbolFileText(file: SymbolFile): string {
  const sym = file.symbols.map((s) => '  ' + JSON.stringify(s)).join(',\n');
  const lines = file.lines.map((l) => '  ' + JSON.stringify(l)).join(',\n');
  return `{"exitlens":"symbols","version":1,\n "symbols":[\n${sym}\n ],\n "lines":[\n${lines}\n ]}\n`;
}
