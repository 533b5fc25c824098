/**
 * Summaries remembered per file, so reopening a trace (or listing it in the Traces view) is instant.
 *
 * An entry is valid for one file state: the same size and modification time as when it was read, and the
 * same `version` (extension version + parser bundle: a new parser must not serve an old answer). Entries
 * live in memory (bounded, least recently used first out) and as small JSON files under
 * `context.globalStorageUri/summaries/` (bounded too), named by a hash of the URI. Summaries are bounded
 * aggregates, so an entry is at most a few hundred KB however big the trace.
 *
 * Every disk problem (unwritable storage, a corrupt or foreign file) only means a cache miss.
 */
import { createHash } from 'crypto';
import * as vscode from 'vscode';
import type { TraceSummary } from '../../core/model/summary';
import { errorText, type Logger } from '../log';

/** What identifies the state of a file the summary was computed from. */
export interface FileStamp {
  readonly size: number;
  /** Modification time, ms since the epoch (vscode.FileStat.mtime). */
  readonly mtime: number;
}

/** A remembered summary and the file state it belongs to. */
export interface CachedSummary {
  readonly stamp: FileStamp;
  readonly summary: TraceSummary;
}

interface DiskEntry {
  readonly exitlensSummaryCache: 1;
  readonly version: string;
  readonly uri: string;
  readonly size: number;
  readonly mtime: number;
  readonly summary: TraceSummary;
}

/** Options of {@link SummaryCache}. */
export interface SummaryCacheOptions {
  /** Folder for the JSON files; without it the cache lives in memory only. */
  readonly dir?: vscode.Uri;
  readonly version: string;
  /** Entries kept in memory (default 64). */
  readonly maxMemoryEntries?: number;
  /** Files kept on disk (default 256); the oldest are deleted beyond that. */
  readonly maxDiskEntries?: number;
  readonly log?: Logger;
}

/** True when two stamps describe the same file state. */
export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtime === b.mtime;
}

/** See the module comment. */
export class SummaryCache {
  private readonly memory = new Map<string, CachedSummary>();
  private readonly maxMemory: number;
  private readonly maxDisk: number;
  private writesSincePrune = 0;

  constructor(private readonly options: SummaryCacheOptions) {
    this.maxMemory = options.maxMemoryEntries ?? 64;
    this.maxDisk = options.maxDiskEntries ?? 256;
  }

  /** The memory entry for `uri` whatever the file's state now (views use it to draw at once). */
  peek(uri: vscode.Uri): CachedSummary | undefined {
    return this.memory.get(uri.toString());
  }

  /** The summary of `uri` in state `stamp`, from memory or disk; undefined on a miss. */
  async get(uri: vscode.Uri, stamp: FileStamp): Promise<TraceSummary | undefined> {
    const key = uri.toString();
    const hit = this.memory.get(key);
    if (hit && sameStamp(hit.stamp, stamp)) {
      this.touch(key, hit);
      return hit.summary;
    }
    const file = this.fileFor(key);
    if (!file) return undefined;
    let entry: DiskEntry;
    try {
      entry = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as DiskEntry;
    } catch {
      return undefined; // no entry yet, or unreadable: a miss
    }
    if (entry?.exitlensSummaryCache !== 1 || entry.version !== this.options.version || entry.uri !== key || !sameStamp(entry, stamp) || typeof entry.summary !== 'object') {
      return undefined;
    }
    this.touch(key, { stamp, summary: entry.summary });
    return entry.summary;
  }

  /** Remembers `summary` for `uri` in state `stamp` (memory now, disk in the background). */
  async put(uri: vscode.Uri, stamp: FileStamp, summary: TraceSummary): Promise<void> {
    const key = uri.toString();
    this.touch(key, { stamp, summary });
    const file = this.fileFor(key);
    if (!file || !this.options.dir) return;
    const entry: DiskEntry = { exitlensSummaryCache: 1, version: this.options.version, uri: key, size: stamp.size, mtime: stamp.mtime, summary };
    try {
      await vscode.workspace.fs.createDirectory(this.options.dir);
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(entry)));
    } catch (e) {
      this.options.log?.warn(`summary cache: cannot write ${file.toString(true)}: ${errorText(e)}`);
      return;
    }
    if (++this.writesSincePrune >= 16) {
      this.writesSincePrune = 0;
      await this.prune();
    }
  }

  /** Forgets `uri` (memory and disk). */
  async delete(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    this.memory.delete(key);
    const file = this.fileFor(key);
    if (file) await Promise.resolve(vscode.workspace.fs.delete(file)).catch(() => undefined);
  }

  /** Deletes the least recently written disk entries beyond maxDiskEntries. */
  async prune(): Promise<number> {
    const dir = this.options.dir;
    if (!dir) return 0;
    try {
      const names = (await vscode.workspace.fs.readDirectory(dir)).filter(([n, t]) => t === vscode.FileType.File && n.endsWith('.json')).map(([n]) => n);
      if (names.length <= this.maxDisk) return 0;
      const dated = await Promise.all(names.map(async (n) => ({ uri: vscode.Uri.joinPath(dir, n), mtime: (await vscode.workspace.fs.stat(vscode.Uri.joinPath(dir, n))).mtime })));
      dated.sort((a, b) => a.mtime - b.mtime);
      const doomed = dated.slice(0, dated.length - this.maxDisk);
      await Promise.all(doomed.map((d) => Promise.resolve(vscode.workspace.fs.delete(d.uri)).catch(() => undefined)));
      return doomed.length;
    } catch (e) {
      this.options.log?.warn(`summary cache: cannot prune ${dir.toString(true)}: ${errorText(e)}`);
      return 0;
    }
  }

  /** The disk file of a key: a hash, so any URI gives a short, safe file name. */
  fileFor(key: string): vscode.Uri | undefined {
    if (!this.options.dir) return undefined;
    return vscode.Uri.joinPath(this.options.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
  }

  private touch(key: string, entry: CachedSummary): void {
    this.memory.delete(key);
    this.memory.set(key, entry);
    while (this.memory.size > this.maxMemory) {
      const oldest = this.memory.keys().next().value as string;
      this.memory.delete(oldest);
    }
  }
}
