/**
 * The extension's ByteSources against the real workspace file system: the streamed `file:` path, the
 * whole-file `workspace.fs` path, and a virtual file system provider (what remote/virtual workspaces use).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { displayName, workspaceSource, type WorkspaceFileReader } from '../../src/extension/workspaceSource';
import type { ByteSource } from '../../src/core/io/byteSource';
import { trace } from './helpers';

const FIXTURE = 'ftrace-kvm-kvmmmu-cr-access.lkml-2023-03-30-cr0wp.txt';

async function collect(source: ByteSource): Promise<{ bytes: Buffer; chunks: number[] }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source.chunks()) parts.push(chunk);
  return { bytes: Buffer.concat(parts), chunks: parts.map((p) => p.length) };
}

/** A one-file in-memory file system under a scheme VS Code has never heard of. */
class MemoryFs implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  constructor(private readonly files: Map<string, Uint8Array>) {}
  stat(uri: vscode.Uri): vscode.FileStat {
    const data = this.files.get(uri.path);
    if (!data) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: data.length };
  }
  readFile(uri: vscode.Uri): Uint8Array {
    const data = this.files.get(uri.path);
    if (!data) throw vscode.FileSystemError.FileNotFound(uri);
    return data;
  }
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
}

describe('workspaceSource (real workspace file system)', () => {
  const uri = () => trace(FIXTURE);

  it('streams a file: URI in chunks of the requested size, byte for byte', async () => {
    const expected = fs.readFileSync(uri().fsPath);
    const source = workspaceSource(uri(), { chunkBytes: 1000 });
    assert.strictEqual(source.strategy, 'stream');
    assert.strictEqual(await source.size(), expected.length);
    const { bytes, chunks } = await collect(source);
    assert.ok(bytes.equals(expected));
    assert.strictEqual(chunks.length, Math.ceil(expected.length / 1000));
    assert.ok(chunks.slice(0, -1).every((n) => n === 1000));
  });

  it('reads through workspace.fs whole when asked, and hands the bytes out in chunks', async () => {
    const expected = fs.readFileSync(uri().fsPath);
    const calls: string[] = [];
    const reader: WorkspaceFileReader = {
      stat: (u) => {
        calls.push('stat');
        return vscode.workspace.fs.stat(u);
      },
      readFile: (u) => {
        calls.push('readFile');
        return vscode.workspace.fs.readFile(u);
      },
    };
    const source = workspaceSource(uri(), { reader, chunkBytes: 4096, forceWorkspaceFs: true });
    assert.strictEqual(source.strategy, 'whole-file');
    assert.strictEqual(await source.size(), expected.length);
    const { bytes, chunks } = await collect(source);
    assert.ok(bytes.equals(expected));
    assert.deepStrictEqual(calls, ['stat', 'readFile']);
    assert.strictEqual(chunks.length, Math.ceil(expected.length / 4096));
  });

  it('reads files of a virtual file system provider', async () => {
    const data = new TextEncoder().encode('# synthetic: not a trace\nhello\n');
    const registration = vscode.workspace.registerFileSystemProvider('exitlens-mem', new MemoryFs(new Map([['/t.txt', data]])), { isReadonly: true });
    try {
      const source = workspaceSource(vscode.Uri.parse('exitlens-mem:/t.txt'));
      assert.strictEqual(source.strategy, 'whole-file');
      assert.strictEqual(await source.size(), data.length);
      assert.ok((await collect(source)).bytes.equals(Buffer.from(data)));
    } finally {
      registration.dispose();
    }
  });

  it('names workspace files by their workspace-relative path', () => {
    assert.strictEqual(displayName(uri()), `traces/${FIXTURE}`);
    assert.strictEqual(workspaceSource(uri()).name, `traces/${FIXTURE}`);
  });
});
