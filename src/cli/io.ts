/**
 * The CLI's side of I/O: a streaming ByteSource over `fs`, a progress bar for terminals, and the
 * small writable interface the commands print through (so tests can capture output in-process).
 */
import * as fs from 'fs';
import type { ByteSource } from '../core/io/byteSource';

/** Read size: large enough that per-chunk overhead vanishes, small enough to keep memory flat. */
export const READ_CHUNK_BYTES = 1 << 20;

/** Where the CLI writes. `isTTY`/`columns` decide whether and how wide a progress bar is drawn. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** The CLI's standard streams, injectable for tests. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Milliseconds clock for progress throttling (tests pass a fake). */
  readonly now?: () => number;
}

/** The real process streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, now: () => Date.now() };
}

/** A ByteSource that streams a file in 1 MiB chunks through one reused buffer (memory stays flat). */
export function fileSource(path: string): ByteSource {
  return {
    name: path,
    size: async () => (await fs.promises.stat(path)).size,
    // One reused buffer instead of a stream's fresh 1 MiB allocation per chunk: the parsers copy
    // whatever they keep past a chunk, and the allocation churn cost more CPU than the parsing itself.
    async *chunks() {
      const fh = await fs.promises.open(path, 'r');
      try {
        const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, READ_CHUNK_BYTES, null);
          if (bytesRead === 0) break;
          yield buf.subarray(0, bytesRead);
        }
      } finally {
        await fh.close();
      }
    },
  };
}

/**
 * Checks up front that `path` is a readable regular file, so the user gets one clear sentence
 * instead of a stream error. Returns the size, or throws an Error whose message names the file.
 */
export async function checkReadableFile(path: string): Promise<number> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(path);
    await fs.promises.access(path, fs.constants.R_OK);
  } catch (e) {
    throw new Error(`cannot read '${path}': ${describeFsError(e)}`);
  }
  if (st.isDirectory()) throw new Error(`cannot read '${path}': it is a directory`);
  return st.size;
}

/** A short human reason for an fs error (`no such file or directory`), without the stack or syscall noise. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return err instanceof Error ? err.message : String(e);
  }
}

/** Wraps a source so every chunk read reports the running byte count. */
export function withProgress(source: ByteSource, onBytes: (bytesRead: number) => void): ByteSource {
  return {
    name: source.name,
    size: () => source.size(),
    async *chunks() {
      let read = 0;
      for await (const chunk of source.chunks()) {
        read += chunk.length;
        onBytes(read);
        yield chunk;
      }
    },
  };
}

/** Minimum time between two redraws: at most 5 per second. */
export const PROGRESS_INTERVAL_MS = 200;

/**
 * A one-line progress bar on a terminal's stderr. Draws nothing when the stream is not a TTY (pipes,
 * CI logs, tests), nothing during the first PROGRESS_INTERVAL_MS (short reads never flash), and at
 * most 5 times a second; `done()` erases the line so the result starts on a clean line.
 */
export class ProgressBar {
  private readonly start: number;
  private lastDraw: number;
  private drawn = false;

  constructor(
    private readonly out: OutputStream,
    private readonly label: string,
    private readonly totalBytes: number | undefined,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.start = now();
    this.lastDraw = this.start;
  }

  /** True when this bar can draw at all. */
  get enabled(): boolean {
    return this.out.isTTY === true;
  }

  /** Reports progress; redraws only when enabled and the throttle allows. */
  update(bytesRead: number): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.lastDraw < PROGRESS_INTERVAL_MS) return;
    this.lastDraw = t;
    this.out.write('\r' + this.render(bytesRead, t) + '\x1b[K');
    this.drawn = true;
  }

  /** Clears the bar's line if anything was drawn. */
  done(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  /** The bar's text for `bytesRead` at time `t` (exposed for tests). */
  render(bytesRead: number, t: number): string {
    const seconds = Math.max((t - this.start) / 1000, 1e-3);
    const rate = `${(bytesRead / 1e6 / seconds).toFixed(0)} MB/s`;
    const total = this.totalBytes;
    if (!total) return `${this.label}  ${(bytesRead / 1e6).toFixed(1)} MB  ${rate}`;
    const fraction = Math.min(1, bytesRead / total);
    const tail = `${(fraction * 100).toFixed(0).padStart(3)}%  ${(bytesRead / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB  ${rate}`;
    const columns = this.out.columns ?? 80;
    const width = Math.max(10, Math.min(40, columns - this.label.length - tail.length - 6));
    const filled = Math.round(fraction * width);
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${tail}`;
  }
}
