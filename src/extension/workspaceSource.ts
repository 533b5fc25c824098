/**
 * ByteSources over what the editor can see: workspace files and open documents.
 *
 * `vscode.workspace.fs` (1.100) has no ranged or streamed read — only `readFile`, which returns the
 * whole file. So: files on the local disk (`file:` scheme; in a remote or code-server window that is the
 * extension host's disk) are streamed with Node ranged reads in 1 MiB chunks, keeping memory flat for
 * multi-GB traces; every other scheme (virtual file systems, remote providers) goes through
 * `workspace.fs.readFile` and is read whole, then handed out in chunks so the parser sees the same shape.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { memorySource, type ByteSource } from '../core/io/byteSource';

/** Chunk size for streamed reads: large enough for throughput, small enough for timely progress. */
export const CHUNK_BYTES = 1 << 20;

/** The part of `vscode.workspace.fs` we use; injectable so tests can count calls. */
export interface WorkspaceFileReader {
  stat(uri: vscode.Uri): Thenable<{ readonly size: number }>;
  readFile(uri: vscode.Uri): Thenable<Uint8Array>;
}

/** Options for {@link workspaceSource}. */
export interface WorkspaceSourceOptions {
  /** Defaults to `vscode.workspace.fs`. */
  readonly reader?: WorkspaceFileReader;
  readonly chunkBytes?: number;
  /** Use the whole-file `workspace.fs` path even for `file:` URIs (tests compare both paths). */
  readonly forceWorkspaceFs?: boolean;
}

/** How a source reads its bytes; reported so tests and logs can tell the paths apart. */
export type ReadStrategy = 'stream' | 'whole-file';

/** A ByteSource that also says how it reads. */
export interface WorkspaceByteSource extends ByteSource {
  readonly strategy: ReadStrategy;
}

/** The name used in messages: workspace-relative when possible, as the user sees it in the Explorer. */
export function displayName(uri: vscode.Uri): string {
  return uri.scheme === 'file' || vscode.workspace.getWorkspaceFolder(uri) ? vscode.workspace.asRelativePath(uri, false) : uri.toString(true);
}

/** A ByteSource for a file the workspace can read (see the module comment for the two strategies). */
export function workspaceSource(uri: vscode.Uri, options: WorkspaceSourceOptions = {}): WorkspaceByteSource {
  const reader = options.reader ?? vscode.workspace.fs;
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const name = displayName(uri);
  if (uri.scheme === 'file' && !options.forceWorkspaceFs) {
    return {
      name,
      strategy: 'stream',
      size: async () => (await fs.promises.stat(uri.fsPath)).size,
      chunks: () => streamFile(uri.fsPath, chunkBytes),
    };
  }
  return {
    name,
    strategy: 'whole-file',
    size: async () => (await reader.stat(uri)).size,
    async *chunks() {
      const bytes = await reader.readFile(uri);
      for (let i = 0; i < bytes.length; i += chunkBytes) yield bytes.subarray(i, Math.min(bytes.length, i + chunkBytes));
    },
  };
}

async function* streamFile(path: string, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const stream = fs.createReadStream(path, { highWaterMark: chunkBytes });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    // A consumer that stops early (cancellation) must not leave the descriptor open.
    stream.destroy();
  }
}

/**
 * A ByteSource over an open document's current text: used when the editor holds unsaved edits or the
 * document has no file behind it, so the summary matches what the user sees.
 */
export function documentSource(document: vscode.TextDocument): ByteSource {
  return memorySource(document.isUntitled ? document.uri.toString(true) : displayName(document.uri), document.getText());
}
