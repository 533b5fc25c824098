/**
 * One long-lived symbolizer process per object file: addresses are streamed to its stdin in batches
 * (a few batches in flight so the pipe never idles) and answers are matched to questions in FIFO
 * order. Starting a process per address would cost ~1000× more for a kernel image.
 */
import { CancelledError, type CancellationSignal } from '../io/byteSource';
import { encodeBatch, type RawAnswer, type SymbolizerProtocol } from './symbolizerProtocol';
import { ToolRefusedError, type ToolExit, type ToolProcess, type ToolRunner } from './toolRunner';

/** Why a session could not answer; the resolver turns each kind into one user message. */
/** `stopped` is our own dispose(), not the tool's fault. */
export type SymbolizerFailureKind = 'not-found' | 'refused' | 'failed' | 'timeout' | 'stopped';

/** A session-level failure: every pending and later lookup of that session fails with it. */
export class SymbolizerFailure extends Error {
  constructor(
    readonly kind: SymbolizerFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'SymbolizerFailure';
  }
}

/** Tuning knobs; the defaults suit both a 200-site summary and a 100 k-RIP bench. */
export interface SessionOptions {
  /** Addresses per batch (default 2048). */
  readonly batchSize?: number;
  /** Batches written ahead of the answers (default 4). */
  readonly window?: number;
  /** Fail when the tool says nothing for this long while answers are owed (default 60 s). */
  readonly timeoutMs?: number;
}

interface Expected {
  readonly address: bigint;
  /** Undefined for sentinels and for answers nobody waits for any more (cancelled lookups). */
  deliver?: (answer: RawAnswer) => void;
}

/** Talks to one tool process for one object file. Not re-entrant per caller: lookups queue up in order. */
export class SymbolizerSession {
  private proc?: ToolProcess;
  private failure?: SymbolizerFailure;
  private readonly queue: Expected[] = [];
  private head = 0;
  private partial = '';
  private stderrTail = '';
  private decoder?: (line: string) => void;
  private timer?: ReturnType<typeof setTimeout>;
  /** Lookups still waiting; the timeout only runs while one is (a trailing sentinel owes nobody). */
  private waiting = 0;
  private readonly failListeners = new Set<(f: SymbolizerFailure) => void>();
  private readonly batchSize: number;
  private readonly window: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly runner: ToolRunner,
    readonly command: string,
    readonly protocol: SymbolizerProtocol,
    private readonly objectPath: string,
    options: SessionOptions = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 2048);
    this.window = Math.max(1, options.window ?? 4);
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** The failure that ended this session, if any (sticky: a dead tool is not restarted). */
  get failed(): SymbolizerFailure | undefined {
    return this.failure;
  }

  /**
   * Answers for `addresses`, in the same order. Rejects with SymbolizerFailure when the tool cannot
   * be started or dies, and with CancelledError when `signal` fires (answers still owed are dropped).
   */
  lookup(addresses: readonly bigint[], signal?: CancellationSignal): Promise<RawAnswer[]> {
    if (addresses.length === 0) return Promise.resolve([]);
    if (this.failure) return Promise.reject(this.failure);
    try {
      this.ensureStarted();
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<RawAnswer[]>((resolve, reject) => {
      const results: RawAnswer[] = new Array(addresses.length);
      const batches = Math.ceil(addresses.length / this.batchSize);
      const owed: Expected[] = [];
      let written = 0;
      let completed = 0;
      let settled = false;

      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (--this.waiting === 0) this.clearTimer();
        this.failListeners.delete(onFail);
        for (const e of owed) e.deliver = undefined;
        if (err) reject(err);
        else resolve(results);
      };
      const onFail = (f: SymbolizerFailure) => finish(f);
      this.failListeners.add(onFail);
      this.waiting++;

      const writeBatch = (b: number) => {
        const from = b * this.batchSize;
        const slice = addresses.slice(from, Math.min(addresses.length, from + this.batchSize));
        let left = slice.length;
        slice.forEach((address, i) => {
          const e: Expected = {
            address,
            deliver: (answer) => {
              results[from + i] = answer;
              if (--left === 0) onBatchDone();
            },
          };
          owed.push(e);
          this.queue.push(e);
        });
        if (this.protocol.sentinel !== undefined) this.queue.push({ address: this.protocol.sentinel });
        this.proc!.write(encodeBatch(this.protocol, slice));
        this.armTimer();
      };
      const onBatchDone = () => {
        completed++;
        if (completed === batches) return finish();
        if (signal?.cancelled) return finish(new CancelledError());
        if (written < batches) writeBatch(written++);
      };
      while (written < Math.min(batches, this.window)) writeBatch(written++);
    });
  }

  /** Ends the process; pending lookups fail, a later lookup starts a fresh process. */
  dispose(): void {
    const proc = this.proc;
    this.proc = undefined;
    this.clearTimer();
    if (proc) {
      proc.end();
      proc.kill();
    }
    this.queue.length = 0;
    this.head = 0;
    this.partial = '';
    for (const l of [...this.failListeners]) l(new SymbolizerFailure('stopped', `${this.protocol.tool} was stopped`));
  }

  private ensureStarted(): void {
    if (this.proc) return;
    let proc: ToolProcess;
    try {
      proc = this.runner.start(this.command, this.protocol.args(this.objectPath));
    } catch (e) {
      if (e instanceof ToolRefusedError) {
        this.failure = new SymbolizerFailure('refused', e.reason);
        throw this.failure;
      }
      throw (this.failure = new SymbolizerFailure('failed', `cannot start ${this.command}: ${e instanceof Error ? e.message : String(e)}`));
    }
    this.proc = proc;
    this.decoder = this.protocol.createDecoder((answer) => this.onAnswer(answer));
    proc.onStdout((text) => this.onStdout(proc, text));
    proc.onStderr((text) => {
      if (proc === this.proc) this.stderrTail = (this.stderrTail + text).slice(-2000);
    });
    proc.onExit((exit) => this.onExit(proc, exit));
  }

  private onStdout(proc: ToolProcess, text: string): void {
    if (proc !== this.proc) return;
    this.armTimer();
    let start = 0;
    let buf = this.partial + text;
    let nl: number;
    while ((nl = buf.indexOf('\n', start)) >= 0) {
      const end = nl > start && buf.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.decoder!(buf.slice(start, end));
      start = nl + 1;
      if (this.proc !== proc) return; // a decoded answer failed the session
    }
    buf = buf.slice(start);
    this.partial = buf;
  }

  private onAnswer(answer: RawAnswer): void {
    if (this.head >= this.queue.length) {
      this.fail(new SymbolizerFailure('failed', `${this.protocol.tool} printed more answers than it was asked for`));
      return;
    }
    const expected = this.queue[this.head++];
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (answer.error !== undefined && expected.deliver) {
      // Only module-level problems are reported this way (we never send malformed input).
      this.fail(new SymbolizerFailure('failed', answer.error));
      return;
    }
    if (answer.address !== undefined && answer.address !== expected.address) {
      this.fail(new SymbolizerFailure('failed', `${this.protocol.tool} answered for 0x${answer.address.toString(16)} when 0x${expected.address.toString(16)} was expected`));
      return;
    }
    expected.deliver?.(answer);
  }

  private onExit(proc: ToolProcess, exit: ToolExit): void {
    if (proc !== this.proc) return;
    if (exit.error?.code === 'ENOENT') {
      this.fail(new SymbolizerFailure('not-found', `${this.command} was not found`));
      return;
    }
    const why = exit.error
      ? exit.error.message
      : `${this.protocol.tool} exited${exit.code !== null ? ` with code ${exit.code}` : ''}${exit.signal ? ` on ${exit.signal}` : ''}`;
    const detail = this.stderrTail.trim().split('\n')[0];
    this.fail(new SymbolizerFailure('failed', detail ? `${why}: ${detail}` : why));
  }

  private fail(f: SymbolizerFailure): void {
    this.failure = f;
    const proc = this.proc;
    this.proc = undefined;
    this.clearTimer();
    proc?.kill();
    this.queue.length = 0;
    this.head = 0;
    for (const l of [...this.failListeners]) l(f);
  }

  private armTimer(): void {
    this.clearTimer();
    if (this.waiting === 0 || !this.proc) return;
    this.timer = setTimeout(() => {
      this.fail(new SymbolizerFailure('timeout', `${this.protocol.tool} gave no answer for ${Math.round(this.timeoutMs / 1000)} s`));
    }, this.timeoutMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
