/** In-memory CliIo for running `main(argv)` in-process and asserting on what it printed. */
import type { CliIo } from '../../../src/cli/io';

export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

/** Captures stdout/stderr; `tty` makes stderr claim to be a terminal; `clock` feeds the progress throttle. */
export function captureIo(options: { tty?: boolean; clock?: () => number } = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: options.tty ?? false, columns: 100 },
    now: options.clock ?? (() => 0),
    out: () => out,
    err: () => err,
  };
}

/** argv as node would give it. */
export function argv(...args: string[]): string[] {
  return ['node', 'exitlens', ...args];
}
