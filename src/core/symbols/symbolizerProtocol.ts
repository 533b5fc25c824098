/**
 * How to talk to each batch symbolizer over a pipe: the command-line arguments, what to write per
 * batch, and how to cut its output into one answer per address. Pure: the session does the I/O.
 */
import { formatAddress, parseAddress } from './address';

/** The tools we speak to; the name decides the protocol. */
export type SymbolizerTool = 'llvm-symbolizer' | 'addr2line';

/** One source frame of an answer, innermost first. Empty fields of the tool's output are left out. */
export interface RawFrame {
  readonly function?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Start of the function (llvm-symbolizer's `StartAddress`); addr2line does not print it. */
  readonly startAddress?: bigint;
}

/** The tool's answer for one address; `error` is set when the tool reported a problem instead. */
export interface RawAnswer {
  /** The address the tool echoed, when it echoes one (used to check we are in step). */
  readonly address?: bigint;
  readonly frames: readonly RawFrame[];
  readonly error?: string;
}

/** A protocol: stateless except for the decoder it creates per process. */
export interface SymbolizerProtocol {
  readonly tool: SymbolizerTool;
  args(objectPath: string): string[];
  /**
   * An extra address written after each batch when the tool gives no end-of-answer mark: its answer
   * starting proves the previous one ended. Its own answer is discarded.
   */
  readonly sentinel?: bigint;
  /** Feeds one output line (without `\n`); calls `emit` for every answer that is now complete. */
  createDecoder(emit: (answer: RawAnswer) => void): (line: string) => void;
}

/**
 * `llvm-symbolizer --output-style=JSON`: exactly one JSON line per input line, inline frames in its
 * `Symbol` array and the function start in `StartAddress`, so no delimiter is needed.
 * A module-level problem (missing or non-ELF file) arrives as `{"Error": {"Message": …}}`.
 */
export const llvmSymbolizerProtocol: SymbolizerProtocol = {
  tool: 'llvm-symbolizer',
  args: (objectPath) => [`--obj=${objectPath}`, '--output-style=JSON', '--functions=linkage', '--inlines', '--demangle'],
  createDecoder(emit) {
    return (line) => {
      if (line.trim() === '') return;
      let doc: unknown;
      try {
        doc = JSON.parse(line);
      } catch {
        emit({ frames: [], error: `unexpected output "${line.slice(0, 80)}" (does this llvm-symbolizer support --output-style=JSON? LLVM ≥ 13 does)` });
        return;
      }
      const d = doc as { Address?: string; Symbol?: unknown; Error?: { Message?: string } };
      const address = typeof d.Address === 'string' ? parseAddress(d.Address) : undefined;
      if (d.Error) {
        emit({ address, frames: [], error: d.Error.Message ?? 'unknown error' });
        return;
      }
      const frames: RawFrame[] = [];
      for (const s of Array.isArray(d.Symbol) ? d.Symbol : []) {
        const f = s as { FunctionName?: string; FileName?: string; Line?: number; Column?: number; StartAddress?: string };
        frames.push(
          clean({
            function: f.FunctionName,
            file: f.FileName,
            line: f.Line,
            column: f.Column,
            startAddress: f.StartAddress ? parseAddress(f.StartAddress) : undefined,
          }),
        );
      }
      emit({ address, frames });
    };
  },
};

const ADDRESS_LINE = /^0x[0-9a-fA-F]+$/;
const LOCATION_LINE = /^(.*):(\d+|\?)(?: \(discriminator \d+\))?$/;

/**
 * GNU `addr2line -a -f -C -i`: each answer starts with the echoed address, then a function line and
 * a `file:line` line per frame (several with inlining). The only reliable end of an answer is the
 * start of the next one, hence the sentinel after each batch.
 */
export const addr2lineProtocol: SymbolizerProtocol = {
  tool: 'addr2line',
  args: (objectPath) => ['-a', '-f', '-C', '-i', '-e', objectPath],
  sentinel: 0n,
  createDecoder(emit) {
    let current: { address: bigint; frames: RawFrame[] } | undefined;
    let fn: string | undefined;
    return (line) => {
      if (ADDRESS_LINE.test(line)) {
        if (current) emit(current);
        current = { address: BigInt(line), frames: [] };
        fn = undefined;
        return;
      }
      if (!current) return; // Nothing is asked before the first address; stray output is ignored.
      if (fn === undefined) {
        fn = line;
        return;
      }
      const m = LOCATION_LINE.exec(line);
      const lineNo = m && m[2] !== '?' ? Number(m[2]) : undefined;
      current.frames.push(clean({ function: fn, file: m ? m[1] : line, line: lineNo }));
      fn = undefined;
    };
  },
};

/** Picks the protocol from a tool path: anything named `*addr2line*` (GNU, llvm-, cross) speaks addr2line. */
export function protocolForCommand(command: string): SymbolizerProtocol {
  const base = command.replace(/\\/g, '/').split('/').pop() ?? command;
  return /addr2line/i.test(base) ? addr2lineProtocol : llvmSymbolizerProtocol;
}

/** The text written for a batch: one address per line, then the sentinel when the protocol has one. */
export function encodeBatch(protocol: SymbolizerProtocol, addresses: readonly bigint[]): string {
  let text = '';
  for (const a of addresses) text += formatAddress(a) + '\n';
  if (protocol.sentinel !== undefined) text += formatAddress(protocol.sentinel) + '\n';
  return text;
}

/** Drops the tools' "unknown" spellings (`??`, empty, line 0) so callers test for presence only. */
function clean(f: RawFrame): RawFrame {
  const out: { -readonly [K in keyof RawFrame]: RawFrame[K] } = {};
  if (f.function && f.function !== '??') out.function = f.function;
  if (f.file && f.file !== '??') out.file = f.file;
  if (f.line !== undefined && f.line > 0) out.line = f.line;
  if (f.column !== undefined && f.column > 0) out.column = f.column;
  if (f.startAddress !== undefined) out.startAddress = f.startAddress;
  return out;
}
