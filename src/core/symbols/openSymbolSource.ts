/**
 * Turns a symbol file into a ready SymbolResolver, choosing the reader by content (ELF magic, an
 * ExitLens symbol file, else a System.map/kallsyms/nm listing). Never throws: an unreadable or
 * unusable file becomes a resolver that leaves every RIP unresolved and says why, once per call.
 */
import { canonicalRip } from './address';
import type { SourceLocator } from './pathMapper';
import { createDwarfResolver } from './dwarfResolver';
import { parseSymbolMap } from './symbolMapParser';
import { createSymbolMapResolver, type AddressOptions } from './symbolMapResolver';
import { unresolved, type ResolveResult, type SymbolMessage, type SymbolResolution, type SymbolResolver } from './symbolModel';
import type { SymbolizerTool } from './symbolizerProtocol';
import type { SessionOptions } from './symbolizerSession';
import type { SymbolSourceChoice, SymbolSourceKind } from './symbolSourcePicker';
import { looksLikeSymsFile, parseSymsFile } from './symsFileParser';
import { createSymsFileResolver } from './symsFileResolver';
import type { ToolRunner } from './toolRunner';
import type { CancellationSignal } from '../io/byteSource';

/** File access for symbol sources; the CLI implements it over `fs`, the extension over the workspace. */
export interface SymbolFileReader {
  /** The whole file (symbol files and listings are at most tens of MB). */
  readFile(path: string): Promise<Uint8Array>;
  /** Up to `length` bytes from the start, to sniff a 500 MB vmlinux without reading it. */
  readHead(path: string, length: number): Promise<Uint8Array>;
}

/** What opening a symbol source needs besides the path. */
export interface OpenSymbolSourceOptions extends AddressOptions, SessionOptions {
  readonly reader: SymbolFileReader;
  /** Runs llvm-symbolizer/addr2line/nm for ELF files; a refusing runner leaves ELF sites unresolved. */
  readonly runner: ToolRunner;
  readonly locator?: SourceLocator;
  /** `exitlens.symbolizer.path`. */
  readonly symbolizerPath?: string;
  readonly tools?: readonly SymbolizerTool[];
  /** How to name the file in messages (default: the path). */
  readonly displayName?: string;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/** Decides the kind from the first bytes; `undefined` for binary data that is not ELF. */
export function sniffSymbolSource(head: Uint8Array): SymbolSourceKind | undefined {
  if (head.length >= 4 && ELF_MAGIC.every((b, i) => head[i] === b)) return 'elf';
  if (head.includes(0)) return undefined;
  const text = new TextDecoder('utf-8').decode(head);
  return looksLikeSymsFile(text) ? 'syms' : 'map';
}

/** Opens one symbol source (a path or a picker's choice). */
export async function openSymbolSource(source: SymbolSourceChoice | string, options: OpenSymbolSourceOptions): Promise<SymbolResolver> {
  const path = typeof source === 'string' ? source : source.path;
  const name = options.displayName ?? path;
  let head: Uint8Array;
  try {
    head = await options.reader.readHead(path, 4096);
  } catch (e) {
    return failedResolver(name, readError(name, e));
  }
  const kind = sniffSymbolSource(head);
  if (kind === undefined) {
    return failedResolver(name, {
      severity: 'error',
      file: name,
      message: `${name} is neither an ELF file, an ExitLens .syms.json nor a symbol listing (a compressed vmlinuz? use the uncompressed vmlinux with debug info).`,
    });
  }
  if (kind === 'elf') {
    return createDwarfResolver({ ...options, objectPath: path, displayName: name });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(await options.reader.readFile(path));
  } catch (e) {
    return failedResolver(name, readError(name, e));
  }
  if (kind === 'syms') {
    const syms = parseSymsFile(text, name);
    if (!syms.ok) return failedResolver(name, ...syms.messages);
    return createSymsFileResolver(syms, { symsPath: path, locator: options.locator, addressBias: options.addressBias });
  }
  const map = parseSymbolMap(text, name);
  return createSymbolMapResolver(map, name, options);
}

/**
 * Opens several sources (the picker's list, most precise first) and chains them: each RIP keeps the
 * most precise answer any of them gives.
 */
export async function openSymbolSources(sources: readonly (SymbolSourceChoice | string)[], options: OpenSymbolSourceOptions): Promise<SymbolResolver> {
  const resolvers: SymbolResolver[] = [];
  for (const s of sources) resolvers.push(await openSymbolSource(s, { ...options, displayName: undefined }));
  return chainResolvers(resolvers);
}

const RANK: Record<SymbolResolution['precision'], number> = { none: 0, symbol: 1, line: 2 };

/**
 * Asks each resolver in turn about the RIPs the previous ones could not place on a line, keeping
 * the most precise answer. Messages of every resolver that was asked are kept.
 */
export function chainResolvers(resolvers: readonly SymbolResolver[]): SymbolResolver {
  if (resolvers.length === 1) return resolvers[0];
  return {
    description: resolvers.map((r) => r.description).join(' + ') || 'no symbols',
    async resolve(rips: Iterable<string>, signal?: CancellationSignal): Promise<ResolveResult> {
      const best = new Map<string, SymbolResolution>();
      const messages: SymbolMessage[] = [];
      let todo = [...new Set([...rips].map((r) => canonicalRip(r) ?? r))];
      for (const r of resolvers) {
        if (todo.length === 0) break;
        const res = await r.resolve(todo, signal);
        messages.push(...res.messages);
        for (const [rip, s] of res.resolutions) {
          const prev = best.get(rip);
          if (!prev || RANK[s.precision] > RANK[prev.precision]) best.set(rip, s);
        }
        todo = [...best.values()].filter((s) => s.precision !== 'line').map((s) => s.rip);
      }
      for (const rip of todo) if (!best.has(rip)) best.set(rip, unresolved(rip));
      return { resolutions: best, messages };
    },
    dispose() {
      for (const r of resolvers) r.dispose();
    },
  };
}

/** A resolver that knows nothing and says why with every call. */
export function failedResolver(description: string, ...messages: SymbolMessage[]): SymbolResolver {
  return {
    description,
    async resolve(rips: Iterable<string>): Promise<ResolveResult> {
      const resolutions = new Map<string, SymbolResolution>();
      for (const text of rips) {
        const rip = canonicalRip(text) ?? text;
        resolutions.set(rip, unresolved(rip));
      }
      return { resolutions, messages };
    },
    dispose() {},
  };
}

function readError(name: string, e: unknown): SymbolMessage {
  const code = (e as { code?: unknown })?.code;
  if (code === 'ENOENT') return { severity: 'error', file: name, message: `Symbol file ${name} not found.` };
  if (code === 'EISDIR') return { severity: 'error', file: name, message: `Symbol file ${name} is a folder, not a file.` };
  return { severity: 'error', file: name, message: `Cannot read symbol file ${name}: ${e instanceof Error ? e.message : String(e)}` };
}
