/**
 * I/O behind an interface: the core reads bytes from a ByteSource; the CLI implements it over `fs`,
 * the extension over the workspace file system, tests over memory.
 */

/** Cooperative cancellation: long loops poll `cancelled` between chunks. */
export interface CancellationSignal {
  readonly cancelled: boolean;
}

/** Called with bytes consumed so far; callers throttle (a few calls a second at most). */
export type ProgressCallback = (bytesRead: number, totalBytes: number | undefined) => void;

export interface ByteSource {
  /** A name for messages: the file path as the user gave it. */
  readonly name: string;
  /** Total size if known (for progress). */
  size(): Promise<number | undefined>;
  /** The bytes, in chunks of any size, in order. */
  chunks(): AsyncIterable<Uint8Array>;
}

/** A ByteSource over bytes already in memory (tests, pasted text). */
export function memorySource(name: string, data: Uint8Array | string, chunkSize = 1 << 16): ByteSource {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    name,
    size: async () => bytes.length,
    async *chunks() {
      for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, Math.min(bytes.length, i + chunkSize));
    },
  };
}

/** Thrown when a CancellationSignal fires; callers distinguish it from real errors. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}
