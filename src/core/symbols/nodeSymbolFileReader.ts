/**
 * SymbolFileReader over Node's `fs`, for the CLI, tests and the bench. The extension implements the
 * same interface over the workspace file system instead.
 */
import { open, readFile } from 'fs/promises';
import type { SymbolFileReader } from './openSymbolSource';

/** Reads symbol files from the local disk; errors keep their `code` (ENOENT…) for clear messages. */
export const nodeSymbolFileReader: SymbolFileReader = {
  async readFile(path: string): Promise<Uint8Array> {
    return readFile(path);
  },
  async readHead(path: string, length: number): Promise<Uint8Array> {
    const fh = await open(path, 'r');
    try {
      const buf = new Uint8Array(length);
      const { bytesRead } = await fh.read(buf, 0, length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  },
};
