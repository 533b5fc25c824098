/**
 * Test doubles for the ToolRunner: scripted llvm-symbolizer / addr2line / nm that answer the way the
 * real tools print (formats copied from their output on this machine: llvm-symbolizer 14 JSON, GNU
 * addr2line 2.40 with -a -f -C -i). Output delivery can be cut into arbitrary chunks.
 */
import type { ToolExit, ToolProcess, ToolRunner } from '../../../src/core/symbols/toolRunner';

/** A frame the fake tool knows for an address, innermost first. */
export interface FakeFrame {
  fn: string;
  file: string;
  line: number;
  /** Function start (llvm-symbolizer prints it as StartAddress). */
  start?: bigint;
}

export type FakeTable = Map<bigint, FakeFrame[]>;

/** addr2line -a -f -C -i: echoed address, then function and file:line per frame; `??`/`??:0` when unknown. */
export function addr2lineAnswer(table: FakeTable, input: string): string {
  const addr = BigInt(input);
  let out = '0x' + addr.toString(16).padStart(16, '0') + '\n';
  const frames = table.get(addr);
  if (!frames) return out + '??\n??:0\n';
  for (const f of frames) out += `${f.fn}\n${f.file}:${f.line}\n`;
  return out;
}

/** llvm-symbolizer --output-style=JSON: one line per address. */
export function llvmJsonAnswer(table: FakeTable, input: string): string {
  const addr = BigInt(input);
  const frames = table.get(addr) ?? [];
  const sym = frames.length
    ? frames.map((f) => ({
        Column: 1, Discriminator: 0, FileName: f.file, FunctionName: f.fn, Line: f.line,
        StartAddress: f.start !== undefined ? '0x' + f.start.toString(16) : '', StartFileName: '', StartLine: 0,
      }))
    : [{ Column: 0, Discriminator: 0, FileName: '', FunctionName: '', Line: 0, StartAddress: '', StartFileName: '', StartLine: 0 }];
  return JSON.stringify({ Address: input, ModuleName: 'guest', Symbol: sym }) + '\n';
}

/** How a fake tool behaves. */
export interface FakeBehaviour {
  /** Answer for one input line; undefined: say nothing. */
  answer?: (line: string) => string | undefined;
  /** Output printed when stdin closes (for one-shot tools such as nm). */
  onEnd?: () => string;
  /** Emit an ENOENT spawn error instead of running. */
  missing?: boolean;
  /** Die with this exit code and stderr after answering this many input lines. */
  dieAfter?: { lines: number; code: number; stderr: string };
  /** Cuts each output string into chunks before delivery (default: one chunk). */
  chunk?: (text: string) => string[];
}

/** One started fake process, for assertions. */
export interface FakeRun {
  command: string;
  args: readonly string[];
  writes: string[];
  killed: boolean;
}

/** A runner whose tools are scripted per command name. */
export class FakeRunner implements ToolRunner {
  readonly runs: FakeRun[] = [];
  constructor(private readonly tools: Record<string, FakeBehaviour>) {}

  start(command: string, args: readonly string[]): ToolProcess {
    const behaviour = this.tools[command] ?? { missing: true };
    const run: FakeRun = { command, args, writes: [], killed: false };
    this.runs.push(run);
    const out: ((t: string) => void)[] = [];
    const err: ((t: string) => void)[] = [];
    const exitL: ((e: ToolExit) => void)[] = [];
    let exited = false;
    let pending = '';
    let answered = 0;
    const exit = (e: ToolExit) => {
      if (exited) return;
      exited = true;
      setImmediate(() => exitL.forEach((l) => l(e)));
    };
    const emit = (text: string) => {
      const parts = behaviour.chunk ? behaviour.chunk(text) : [text];
      setImmediate(() => {
        if (exited) return;
        for (const p of parts) out.forEach((l) => l(p));
      });
    };
    if (behaviour.missing) exit({ code: null, signal: null, error: { code: 'ENOENT', message: `spawn ${command} ENOENT` } });
    return {
      write(text) {
        if (exited) return;
        run.writes.push(text);
        pending += text;
        let nl: number;
        let reply = '';
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (behaviour.dieAfter && answered >= behaviour.dieAfter.lines) {
            const d = behaviour.dieAfter;
            if (reply) emit(reply);
            setImmediate(() => err.forEach((l) => l(d.stderr)));
            setImmediate(() => exit({ code: d.code, signal: null }));
            return;
          }
          const a = behaviour.answer?.(line);
          answered++;
          if (a !== undefined) reply += a;
        }
        if (reply) emit(reply);
      },
      end() {
        if (exited) return;
        if (behaviour.onEnd) emit(behaviour.onEnd());
        setImmediate(() => setImmediate(() => exit({ code: 0, signal: null })));
      },
      kill() {
        run.killed = true;
        exit({ code: null, signal: 'SIGTERM' });
      },
      onStdout: (l) => void out.push(l),
      onStderr: (l) => void err.push(l),
      onExit: (l) => void exitL.push(l),
    };
  }

  /** Every address line written to `command`, in order (sentinels included). */
  written(command: string): string[] {
    return this.runs.filter((r) => r.command === command).flatMap((r) => r.writes.join('').split('\n').filter((l) => l !== ''));
  }
}
