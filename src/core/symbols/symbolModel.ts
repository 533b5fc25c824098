/**
 * What symbolisation produces and how callers ask for it. Every symbol source (the simulator's
 * `.syms.json`, an ELF through llvm-symbolizer/addr2line, a System.map/kallsyms/nm listing) answers
 * through the same `SymbolResolver`, so the site index and the CLI never care which one was used.
 */
import type { CancellationSignal } from '../io/byteSource';

/**
 * How much a resolution knows. `line` implies `file` and `line` are set; `symbol` implies a symbol
 * (and usually an offset) but no source line; `none` means the address is outside every known symbol.
 */
export type ResolutionPrecision = 'line' | 'symbol' | 'none';

/**
 * One level of inlining: `function` was inlined, and `callFile:callLine` is the call site it was
 * inlined at (a line of the next-outer function). Lets hovers say "poke() inlined at work.c:12".
 */
export interface InlineFrame {
  readonly function: string;
  /** Workspace-relative when the path mapper found the file, else as recorded in the debug info. */
  readonly callFile?: string;
  readonly callLine?: number;
}

/**
 * A guest RIP resolved as far as the source allows. `symbol`/`offset` name the containing function
 * as the linker sees it (so `symbol+offset` is stable across builds of the same code layout), while
 * `file:line` is the innermost source line — inside an inlined helper when the RIP is in inlined code.
 */
export interface SymbolResolution {
  /** Canonical hex (`0x…`, lowercase, no leading zeros), the key the summary uses. */
  readonly rip: string;
  readonly precision: ResolutionPrecision;
  readonly symbol?: string;
  /** RIP − start of `symbol`, in bytes; absent when the source gives no start address. */
  readonly offset?: number;
  /** Workspace-relative (`/` separators) when mapped onto the workspace, else the path as recorded. */
  readonly file?: string;
  /** 1-based source line. */
  readonly line?: number;
  readonly column?: number;
  /** The path exactly as the symbol source recorded it, before mapping (for hovers and debugging). */
  readonly recordedFile?: string;
  /** Inlined functions around this RIP, innermost first (the last one is inlined into `symbol`). */
  readonly inlined?: readonly InlineFrame[];
}

/** Messages are few by construction: one per cause (missing tool, unreadable file…), never one per address. */
export interface SymbolMessage {
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  /** The symbol file the message is about, as the user named it. */
  readonly file?: string;
  /** 1-based line in `file`, when one line is to blame. */
  readonly line?: number;
}

/** The answer to one `resolve` call: a resolution for every RIP asked for, plus at most a few messages. */
export interface ResolveResult {
  /** Keyed by canonical RIP; every requested RIP is present (precision `none` when nothing is known). */
  readonly resolutions: ReadonlyMap<string, SymbolResolution>;
  readonly messages: readonly SymbolMessage[];
}

/**
 * A symbol source ready to answer. `resolve` never rejects for bad input, missing tools or files:
 * those end up as messages and `none` resolutions, so a caller can always go on with raw addresses.
 * It only rejects with CancelledError when the signal fires.
 */
export interface SymbolResolver {
  /** For messages and status bars, e.g. `build/vmlinux (llvm-symbolizer)`. */
  readonly description: string;
  resolve(rips: Iterable<string>, signal?: CancellationSignal): Promise<ResolveResult>;
  /** Stops any helper process. Safe to call more than once; later `resolve` calls restart it. */
  dispose(): void;
}

/** The resolution that says "nothing known" for a RIP. */
export function unresolved(rip: string): SymbolResolution {
  return { rip, precision: 'none' };
}

/** Formats `symbol+0x1a` the way perf and the kernel print it; undefined when there is no symbol. */
export function formatSymbolOffset(r: Pick<SymbolResolution, 'symbol' | 'offset'>): string | undefined {
  if (r.symbol === undefined) return undefined;
  return r.offset === undefined ? r.symbol : `${r.symbol}+0x${r.offset.toString(16)}`;
}
