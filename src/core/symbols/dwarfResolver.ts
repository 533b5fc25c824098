/**
 * Resolver for an ELF with DWARF (guest vmlinux, a guest binary, a unikernel image) through a
 * long-lived llvm-symbolizer or addr2line. RIPs are de-duplicated and every answer is cached, so
 * re-symbolising after a trace refresh only asks the tool about new RIPs.
 */
import { CancelledError, type CancellationSignal } from '../io/byteSource';
import { addressOffset, formatAddress, parseAddress } from './address';
import { missedPathsMessage, SourceLocator } from './pathMapper';
import type { SymbolMap } from './symbolMapParser';
import { parseSymbolMap } from './symbolMapParser';
import type { AddressOptions } from './symbolMapResolver';
import { unresolved, type InlineFrame, type ResolveResult, type SymbolMessage, type SymbolResolution, type SymbolResolver } from './symbolModel';
import { addr2lineProtocol, llvmSymbolizerProtocol, protocolForCommand, type RawAnswer, type SymbolizerProtocol, type SymbolizerTool } from './symbolizerProtocol';
import { SymbolizerFailure, SymbolizerSession, type SessionOptions } from './symbolizerSession';
import { runToCompletion, ToolRefusedError, type ToolRunner } from './toolRunner';

/** Tools tried in order when no explicit path is configured. */
export const DEFAULT_SYMBOLIZERS: readonly SymbolizerTool[] = ['llvm-symbolizer', 'addr2line'];

/** Options for an ELF resolver. */
export interface DwarfResolverOptions extends AddressOptions, SessionOptions {
  /** The ELF as the tool should open it (absolute, or relative to the runner's cwd). */
  readonly objectPath: string;
  /** The ELF as the user named it, for messages (default: objectPath). */
  readonly displayName?: string;
  readonly runner: ToolRunner;
  /** `exitlens.symbolizer.path`: one explicit tool; its name picks the protocol. Empty/undefined: try `tools`. */
  readonly symbolizerPath?: string;
  /** Tools looked up on PATH, in order (default llvm-symbolizer, then addr2line). */
  readonly tools?: readonly SymbolizerTool[];
  readonly locator?: SourceLocator;
}

interface Candidate {
  readonly command: string;
  readonly protocol: SymbolizerProtocol;
}

/** Creates the resolver; nothing is spawned until the first `resolve`. */
export function createDwarfResolver(options: DwarfResolverOptions): SymbolResolver {
  return new DwarfResolver(options);
}

class DwarfResolver implements SymbolResolver {
  private readonly cache = new Map<string, SymbolResolution>();
  private readonly candidates: Candidate[];
  private next = 0;
  private session?: SymbolizerSession;
  /** Set once the source is unusable; repeated with every later resolve (one message per call). */
  private fatal?: SymbolMessage;
  private nmTable?: Promise<SymbolMap | undefined>;
  private nmNote?: SymbolMessage;
  private readonly locator: SourceLocator;
  private readonly name: string;
  private readonly bias: bigint;

  constructor(private readonly options: DwarfResolverOptions) {
    this.name = options.displayName ?? options.objectPath;
    this.bias = options.addressBias ?? 0n;
    this.locator = options.locator ?? new SourceLocator();
    const explicit = options.symbolizerPath?.trim();
    this.candidates = explicit
      ? [{ command: explicit, protocol: protocolForCommand(explicit) }]
      : (options.tools ?? DEFAULT_SYMBOLIZERS).map((t) => ({ command: t, protocol: t === 'addr2line' ? addr2lineProtocol : llvmSymbolizerProtocol }));
  }

  get description(): string {
    const tool = this.session?.protocol.tool ?? this.candidates[Math.min(this.next, this.candidates.length - 1)]?.protocol.tool;
    return tool ? `${this.name} (${tool})` : this.name;
  }

  async resolve(rips: Iterable<string>, signal?: CancellationSignal): Promise<ResolveResult> {
    const resolutions = new Map<string, SymbolResolution>();
    const todo: { rip: string; addr: bigint }[] = [];
    for (const text of rips) {
      const addr = parseAddress(text);
      const rip = addr === undefined ? text : formatAddress(addr);
      if (resolutions.has(rip)) continue;
      const cached = this.cache.get(rip);
      if (cached) resolutions.set(rip, cached);
      else if (addr === undefined) resolutions.set(rip, unresolved(rip));
      else {
        resolutions.set(rip, unresolved(rip)); // placeholder keeps the caller's order
        todo.push({ rip, addr });
      }
    }
    const messages: SymbolMessage[] = [];
    if (todo.length > 0 && !this.fatal) await this.lookup(todo, resolutions, signal);
    if (this.fatal && todo.length > 0) messages.push(this.fatal);
    if (this.nmNote) messages.push(this.nmNote);
    const missed = missedPathsMessage(this.locator.takeMissed(), this.name);
    if (missed) messages.push(missed);
    return { resolutions, messages };
  }

  dispose(): void {
    this.session?.dispose();
    this.session = undefined;
  }

  private async lookup(todo: { rip: string; addr: bigint }[], out: Map<string, SymbolResolution>, signal?: CancellationSignal): Promise<void> {
    const addrs = todo.map((t) => t.addr - this.bias);
    for (;;) {
      if (!this.session) {
        const c = this.candidates[this.next];
        if (!c) {
          this.fatal = this.notFoundMessage();
          return;
        }
        this.session = new SymbolizerSession(this.options.runner, c.command, c.protocol, this.options.objectPath, this.options);
      }
      const session = this.session;
      let answers: RawAnswer[];
      try {
        answers = await session.lookup(addrs, signal);
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        if (!(e instanceof SymbolizerFailure)) throw e;
        if (e.kind === 'stopped') return; // dispose() during this call: unresolved now, restartable later
        // Concurrent resolve calls share the session: only the first to see its failure moves on.
        if (this.session === session) {
          session.dispose();
          this.session = undefined;
          if (e.kind === 'not-found') this.next++;
        }
        if (e.kind === 'not-found') continue;
        this.fatal ??= this.failureMessage(session, e);
        return;
      }
      const symbols = session.protocol.tool === 'addr2line' ? await this.loadNmTable(session.command) : undefined;
      for (let i = 0; i < todo.length; i++) {
        const r = this.convert(todo[i].rip, addrs[i], answers[i], symbols);
        this.cache.set(r.rip, r);
        out.set(r.rip, r);
      }
      return;
    }
  }

  private convert(rip: string, addr: bigint, answer: RawAnswer, symbols: SymbolMap | undefined): SymbolResolution {
    const frames = answer.frames;
    if (frames.length === 0) return unresolved(rip);
    const inner = frames[0];
    const outer = frames[frames.length - 1];
    let symbol = outer.function;
    let offset: number | undefined;
    if (outer.startAddress !== undefined && outer.startAddress <= addr) {
      offset = addressOffset(addr, outer.startAddress);
    } else if (symbols) {
      // addr2line prints no function start: the ELF symbol table (nm) gives it.
      const hit = symbols.table.find(addr);
      if (hit && hit.value.code) {
        offset = addressOffset(addr, hit.start);
        symbol ??= hit.value.name;
      }
    }
    const hasLine = inner.file !== undefined && inner.line !== undefined;
    if (!hasLine && symbol === undefined) return unresolved(rip);
    const r: { -readonly [K in keyof SymbolResolution]: SymbolResolution[K] } = { rip, precision: hasLine ? 'line' : 'symbol' };
    if (symbol !== undefined) r.symbol = symbol;
    if (offset !== undefined) r.offset = offset;
    if (hasLine) {
      r.file = this.locator.locate(inner.file!);
      r.line = inner.line;
      if (inner.column !== undefined) r.column = inner.column;
      r.recordedFile = inner.file;
    }
    if (frames.length > 1) {
      // Frame i+1 holds the line where frame i's function was inlined.
      r.inlined = frames.slice(0, -1).map((f, i): InlineFrame => {
        const site = frames[i + 1];
        const frame: { -readonly [K in keyof InlineFrame]: InlineFrame[K] } = { function: f.function ?? '??' };
        if (site.file !== undefined) frame.callFile = this.locator.locate(site.file);
        if (site.line !== undefined) frame.callLine = site.line;
        return frame;
      });
    }
    return r;
  }

  /** `nm -n --defined-only` of the ELF, once, with the nm that sits beside the addr2line in use. */
  private loadNmTable(addr2line: string): Promise<SymbolMap | undefined> {
    this.nmTable ??= (async () => {
      const nm = addr2line.replace(/addr2line(\.exe)?$/i, 'nm$1');
      const note = (why: string): undefined => {
        this.nmNote = { severity: 'info', file: this.name, message: `${this.name}: symbol offsets unavailable (${why}); lines are still resolved` };
        return undefined;
      };
      if (nm === addr2line) return note('no nm beside this addr2line');
      try {
        const { stdout, stderr, exit } = await runToCompletion(this.options.runner, nm, ['-n', '--defined-only', this.options.objectPath]);
        if (exit.error || exit.code !== 0) return note(`${nm} failed: ${exit.error?.message || stderr.trim().split('\n')[0] || `code ${exit.code}`}`);
        const map = parseSymbolMap(stdout, `${nm} output`);
        return map.table.size > 0 ? map : note(`${nm} listed no symbols`);
      } catch (e) {
        return note(e instanceof ToolRefusedError ? e.reason : String(e));
      }
    })();
    return this.nmTable;
  }

  private notFoundMessage(): SymbolMessage {
    const explicit = this.options.symbolizerPath?.trim();
    const message = explicit
      ? `Cannot symbolise ${this.name}: the symbolizer "${explicit}" was not found (setting exitlens.symbolizer.path).`
      : `Cannot symbolise ${this.name}: none of ${this.candidates.map((c) => c.command).join(', ')} was found on PATH. ` +
        "Install Debian's llvm or binutils package, or set exitlens.symbolizer.path.";
    return { severity: 'error', file: this.name, message };
  }

  private failureMessage(session: SymbolizerSession, f: SymbolizerFailure): SymbolMessage {
    if (f.kind === 'refused') {
      return { severity: 'warning', file: this.name, message: `Sites left unresolved: not running ${session.protocol.tool} on ${this.name} (${f.message}).` };
    }
    return { severity: 'error', file: this.name, message: `Cannot symbolise ${this.name} with ${session.command}: ${f.message}` };
  }
}
