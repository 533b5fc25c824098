/**
 * The Node implementation of ToolRunner, for the CLI and a trusted extension host. The only file in
 * the core that imports child_process; everything else gets a ToolRunner injected.
 */
import { spawn } from 'child_process';
import type { ToolExit, ToolProcess, ToolRunner } from './toolRunner';

/** Options for the Node runner. */
export interface NodeToolRunnerOptions {
  /** Working directory for the tools (default: this process's). */
  readonly cwd?: string;
}

/** Spawns tools with pipes for stdin/stdout/stderr (UTF-8), no shell, hidden on Windows. */
export function createNodeToolRunner(options: NodeToolRunnerOptions = {}): ToolRunner {
  return {
    start(command: string, args: readonly string[]): ToolProcess {
      const child = spawn(command, [...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, shell: false });
      const exitListeners: ((exit: ToolExit) => void)[] = [];
      let exited: ToolExit | undefined;
      const finish = (exit: ToolExit) => {
        if (exited) return;
        exited = exit;
        for (const l of exitListeners) l(exit);
      };
      child.on('error', (err: NodeJS.ErrnoException) => finish({ code: null, signal: null, error: { code: err.code, message: err.message } }));
      child.on('close', (code, signal) => finish({ code, signal }));
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      // Keep both pipes flowing even if a caller never listens, so a chatty tool cannot block on a full pipe.
      // Callers attach their listeners in the same turn, before any data event can fire.
      child.stdout.on('data', () => undefined);
      child.stderr.on('data', () => undefined);
      // A tool that died makes our next write fail with EPIPE; the exit listener reports why it died.
      child.stdin.on('error', () => undefined);
      return {
        write(text) {
          if (!exited && child.stdin.writable) child.stdin.write(text);
        },
        end() {
          if (child.stdin.writable) child.stdin.end();
        },
        kill() {
          if (!exited) child.kill();
        },
        onStdout(listener) {
          child.stdout.on('data', listener);
        },
        onStderr(listener) {
          child.stderr.on('data', listener);
        },
        onExit(listener) {
          if (exited) queueMicrotask(() => listener(exited!));
          else exitListeners.push(listener);
        },
      };
    },
  };
}
