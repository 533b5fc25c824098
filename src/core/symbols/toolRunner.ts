/**
 * The only way the core runs external tools (llvm-symbolizer, addr2line, nm). Injected, so the
 * extension can refuse in an untrusted workspace, tests can fake a tool, and only
 * `nodeToolRunner.ts` imports child_process.
 */

/** How a tool process ended. `error` is set when it never ran or could not be talked to. */
export interface ToolExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Spawn failure, e.g. `{ code: 'ENOENT' }` for a tool that is not installed. */
  readonly error?: { readonly code?: string; readonly message: string };
}

/**
 * A long-lived child process spoken to over stdin/stdout as text. Listeners may be added right after
 * `start` returns: nothing is delivered before the caller's current turn ends. `onExit` fires once.
 */
export interface ToolProcess {
  write(text: string): void;
  /** Closes stdin: a well-behaved filter then exits on its own. */
  end(): void;
  kill(): void;
  onStdout(listener: (text: string) => void): void;
  onStderr(listener: (text: string) => void): void;
  onExit(listener: (exit: ToolExit) => void): void;
}

/** Starts tools. `start` throws ToolRefusedError when the host does not allow running tools at all. */
export interface ToolRunner {
  start(command: string, args: readonly string[]): ToolProcess;
}

/** The host's refusal to run tools (e.g. untrusted workspace); `reason` is shown to the user once. */
export class ToolRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ToolRefusedError';
  }
}

/** A runner that runs nothing: for untrusted workspaces and for hosts without processes. */
export function refusingToolRunner(reason: string): ToolRunner {
  return {
    start() {
      throw new ToolRefusedError(reason);
    },
  };
}

/**
 * Runs a tool to completion and collects its output (for one-shot helpers such as `nm`). Resolves,
 * never rejects, except that a ToolRefusedError from the runner is rethrown synchronously as a rejection.
 */
export function runToCompletion(runner: ToolRunner, command: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; exit: ToolExit }> {
  return new Promise((resolve, reject) => {
    let proc: ToolProcess;
    try {
      proc = runner.start(command, args);
    } catch (e) {
      reject(e);
      return;
    }
    const out: string[] = [];
    const err: string[] = [];
    proc.onStdout((t) => out.push(t));
    proc.onStderr((t) => err.push(t));
    proc.onExit((exit) => resolve({ stdout: out.join(''), stderr: err.join(''), exit }));
    proc.end();
  });
}
