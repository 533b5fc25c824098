/**
 * Gzip-compressed traces (`perf script | gzip > trace.txt.gz`), read as they stream: the first bytes
 * decide (the gzip magic 1f 8b), and compressed input goes through the platform's
 * DecompressionStream (Node ≥ 18 and browsers alike, so the core stays free of `zlib`).
 */

/** Whether `head` starts with the gzip magic number. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** What reading through maybeGunzip() found out, for progress and messages. */
export interface GunzipState {
  /** Input (compressed) bytes consumed so far. */
  inputBytes: number;
  /** Set when the compressed data is damaged or cut: the reason, with the offset it was noticed at. */
  error?: string;
}

/**
 * The bytes of `chunks`, decompressed when they are gzip; plain input passes through untouched.
 * Damaged gzip data ends the stream early with `state.error` set (everything decoded before it is
 * still yielded), never with an exception. Chunks are copied before they are queued, since sources
 * may reuse their buffers.
 */
export async function* maybeGunzip(chunks: AsyncIterable<Uint8Array>, state: GunzipState): AsyncGenerator<Uint8Array> {
  const input = chunks[Symbol.asyncIterator]();
  let first = await input.next();
  if (first.done) return;
  state.inputBytes += first.value.length;
  // The magic needs two bytes; a source may hand them out one at a time.
  if (first.value.length < 2) {
    const second = await input.next();
    if (!second.done) {
      state.inputBytes += second.value.length;
      const joined = new Uint8Array(first.value.length + second.value.length);
      joined.set(first.value);
      joined.set(second.value, first.value.length);
      first = { done: false, value: joined };
    }
  }
  if (!isGzip(first.value)) {
    try {
      yield first.value;
      for (let next = await input.next(); !next.done; next = await input.next()) {
        state.inputBytes += next.value.length;
        yield next.value;
      }
    } finally {
      await input.return?.();
    }
    return;
  }
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let stopped = false;
  // Feeds the decompressor while the loop below drains it (its writes wait when the output is not read).
  const pump = (async () => {
    try {
      await writer.write(first.value.slice());
      for (let next = await input.next(); !next.done && !stopped; next = await input.next()) {
        state.inputBytes += next.value.length;
        await writer.write(next.value.slice());
      }
      await writer.close();
    } catch {
      // The reader below reports what went wrong; a failed write only means the stream is errored.
    }
  })();
  try {
    for (;;) {
      let r: Awaited<ReturnType<typeof reader.read>>;
      try {
        r = await reader.read();
      } catch (e) {
        state.error = `gzip data is damaged or cut short after ${state.inputBytes} compressed bytes (${e instanceof Error ? e.message : String(e)}); the rest is not read`;
        return;
      }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    stopped = true;
    reader.releaseLock();
    await writer.abort().catch(() => undefined);
    await pump;
    await input.return?.();
  }
}
