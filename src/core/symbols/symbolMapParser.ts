/**
 * Reads the symbol listings people have at hand for a guest kernel or binary: `System.map`, a copy of
 * `/proc/kallsyms`, or `nm` / `nm -n` / `nm -S` output. They only give symbol starts (and, with `nm -S`,
 * sizes), so they resolve RIPs to `symbol+offset`, never to a source line.
 */
import { parseAddress } from './address';
import { RangeTable, type RangeEntry } from './rangeTable';
import type { SymbolMessage } from './symbolModel';

/** A symbol as a listing gives it. `code` is false for data, so a RIP landing in data stays unresolved. */
export interface MapSymbol {
  readonly name: string;
  readonly code: boolean;
}

/** The parsed listing: a lookup table plus at most a couple of messages about the file as a whole. */
export interface SymbolMap {
  readonly table: RangeTable<MapSymbol>;
  /** Defined symbols read (before de-duplicating aliases at the same address). */
  readonly symbolCount: number;
  readonly messages: readonly SymbolMessage[];
}

/**
 * nm type letters of code: text (T/t), weak symbols not tagged as objects (W/w; in practice
 * functions) and GNU indirect functions (i). Everything else (data, bss, absolute, debug) is not code.
 */
const CODE_TYPES = new Set(['T', 't', 'W', 'w', 'i']);

const HEX_FIELD = /^[0-9a-fA-F]{1,16}$/;
const TYPE_FIELD = /^[A-Za-z?-]$/;

/**
 * Parses a listing. `name` is the file as the user named it, for messages. Lines that are not
 * symbols become ONE warning (count + first offending line), never one per line.
 */
export function parseSymbolMap(text: string, name: string): SymbolMap {
  const entries: { entry: RangeEntry<MapSymbol>; rank: number }[] = [];
  const messages: SymbolMessage[] = [];
  let badCount = 0;
  let firstBad: { line: number; text: string } | undefined;
  let zeroAddresses = 0;

  let lineNo = 0;
  let pos = 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const raw = text.slice(pos, nl);
    pos = nl + 1;
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    // Blank lines and nm's per-object headers (`foo.o:`) carry no symbol.
    if (trimmed === '' || (trimmed.endsWith(':') && !/\s/.test(trimmed))) continue;

    // kallsyms puts the module after a tab: `addr t name\t[kvm]`; the module is not part of the name.
    const fields = trimmed.split(/\s+/);
    // nm prints undefined and weak-undefined symbols with a blank address column: `   U printf`.
    if (fields.length === 2 && TYPE_FIELD.test(fields[0])) continue;
    let addrText: string;
    let sizeText: string | undefined;
    let type: string;
    let symName: string;
    if (fields.length >= 4 && HEX_FIELD.test(fields[1]) && TYPE_FIELD.test(fields[2]) && HEX_FIELD.test(fields[0])) {
      [addrText, sizeText, type, symName] = fields;
    } else if (fields.length >= 3 && HEX_FIELD.test(fields[0]) && TYPE_FIELD.test(fields[1])) {
      [addrText, type, symName] = fields;
    } else {
      badCount++;
      firstBad ??= { line: lineNo, text: trimmed.length > 60 ? trimmed.slice(0, 57) + '...' : trimmed };
      continue;
    }
    const addr = parseAddress(addrText)!;
    if (addr === 0n) zeroAddresses++;
    const code = CODE_TYPES.has(type);
    const global = type === type.toUpperCase();
    entries.push({
      entry: { start: addr, size: sizeText === undefined ? undefined : parseAddress(sizeText), value: { name: symName, code } },
      rank: code ? (global ? 0 : 1) : 2,
    });
  }

  if (badCount > 0 && firstBad) {
    messages.push({
      severity: 'warning',
      file: name,
      line: firstBad.line,
      message:
        `${name}: ${badCount} line${badCount === 1 ? '' : 's'} not understood as "address type name" ` +
        `(first at line ${firstBad.line}: "${firstBad.text}")`,
    });
  }
  if (entries.length > 0 && zeroAddresses === entries.length) {
    messages.push({
      severity: 'error',
      file: name,
      message:
        `${name}: every address is 0 — this kallsyms copy was read without privilege. ` +
        'Copy /proc/kallsyms as root (or with kernel.kptr_restrict=0), or use System.map.',
    });
    return { table: new RangeTable<MapSymbol>([]), symbolCount: entries.length, messages };
  }
  if (entries.length === 0) {
    messages.push({ severity: 'error', file: name, message: `${name}: no symbols found (expected System.map, kallsyms or nm output)` });
  }

  // Prefer a global function, then a local one, then data when several names share an address.
  const ordered = entries.map((e, i) => ({ ...e, i })).sort((a, b) => a.rank - b.rank || a.i - b.i);
  return { table: new RangeTable(ordered.map((e) => e.entry)), symbolCount: entries.length, messages };
}
