/**
 * Parsing in the worker thread, inside the real extension host: the summary service of the running
 * extension (`api.summaries`) routes files to dist/parseWorker.js, remembers results per file state,
 * reads other URI schemes in the host and transfers the bytes, and cancels promptly. A ~66 MB trace is
 * generated into the test workspace with the benchmark generator (scripts/bench/generate.js — synthetic
 * perf-script text in the kernel's print formats) to check that the extension host stays responsive and
 * that cancel stops the worker within 100 ms.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import { gzipSync } from 'zlib';
import * as vscode from 'vscode';
import { summarizeSource } from '../../src/core/analysis/summarize';
import { memorySource } from '../../src/core/io/byteSource';
import { startWorkerJob } from '../../src/extension/editor/workerJob';
import { TraceSummaries } from '../../src/extension/traceSummaries';
import { workspaceSource } from '../../src/extension/workspaceSource';
import { COMMANDS } from '../../src/shared/ids';
import { api, closeAll, extension, trace, waitFor, workspaceRoot } from './helpers';

const DIRTY_RING = 'trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt';
const CHINAUNIX = 'ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt';
const MIXED = 'synthetic-perf-script-ns-mixed.txt';

/** Exits of the generated big trace: 2 lines each, ≈ 330 bytes per exit → ≈ 66 MB. */
const BIG_EXITS = 200_000;

function workerScript(): string {
  return vscode.Uri.joinPath(extension().extensionUri, 'dist', 'parseWorker.js').fsPath;
}

function isCancelled(e: unknown): boolean {
  return e instanceof Error && e.name === 'CancelledError';
}

/** A one-file read-only file system under a scheme of its own (stands for remote/virtual workspaces). */
class OneFileFs implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  reads = 0;
  constructor(private readonly data: Uint8Array) {}
  stat(): vscode.FileStat {
    return { type: vscode.FileType.File, ctime: 0, mtime: 1, size: this.data.length };
  }
  readFile(): Uint8Array {
    this.reads++;
    return this.data;
  }
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {}
  writeFile(): void {
    throw vscode.FileSystemError.NoPermissions('read-only');
  }
  delete(): void {}
  rename(): void {}
}

describe('Parsing in the worker thread (real extension host)', function () {
  this.timeout(120_000);
  const big = () => vscode.Uri.joinPath(workspaceRoot(), 'big', 'generated-200k.perf.txt');

  before(async () => {
    await api();
    fs.mkdirSync(path.dirname(big().fsPath), { recursive: true });
    // scripts/bench/generate.js is the benchmark's generator; it lives in the checkout under test.
    const { generate } = (await import(path.join(extension().extensionPath, 'scripts', 'bench', 'generate.js'))) as {
      generate: (file: string, o: { exits: number; seed?: number }) => { exits: number; bytes: number };
    };
    const made = generate(big().fsPath, { exits: BIG_EXITS, seed: 7 });
    assert.strictEqual(made.exits, BIG_EXITS);
  });

  after(async () => {
    await closeAll();
    fs.rmSync(path.dirname(big().fsPath), { recursive: true, force: true });
  });

  it('summarises a file in the worker with exactly the numbers of the in-host core', async () => {
    const exitlens = await api();
    for (const name of [DIRTY_RING, CHINAUNIX, MIXED]) {
      const job = exitlens.summaries.start(trace(name), { noCache: true, background: true });
      const summary = await job.result;
      assert.strictEqual(await job.route, 'worker', name);
      const inHost = await summarizeSource(workspaceSource(trace(name)));
      assert.deepStrictEqual(summary, inHost, name);
    }
    // Hand-counted (test/integration/summaryPanel.test.ts): 7 EPT violations, 120 892 µs in all.
    const dirty = await exitlens.summaries.start(trace(DIRTY_RING), { background: true }).result;
    assert.strictEqual(dirty.exits, 7);
    assert.strictEqual(dirty.timeByCategory.ept, 120_892_000);
    // synthetic-perf-script-ns-mixed.txt: 9 kvm_exit lines counted; line 22's RIP `0xzz401d00` is a warning.
    const mixed = await exitlens.summaries.start(trace(MIXED), { background: true }).result;
    assert.strictEqual(mixed.exits, 9);
    assert.deepStrictEqual(mixed.warnings.map((w) => w.line), [22]);
  });

  it('reads a gzip-compressed trace in the worker with the numbers of the plain text', async () => {
    const exitlens = await api();
    const packed = vscode.Uri.joinPath(workspaceRoot(), 'big', `${DIRTY_RING}.gz`);
    fs.writeFileSync(packed.fsPath, gzipSync(fs.readFileSync(trace(DIRTY_RING).fsPath)));
    const job = exitlens.summaries.start(packed, { noCache: true, background: true });
    const fromGzip = await job.result;
    assert.strictEqual(await job.route, 'worker');
    const plain = await exitlens.summaries.start(trace(DIRTY_RING), { noCache: true, background: true }).result;
    assert.strictEqual(fromGzip.exits, 7);
    assert.deepStrictEqual({ ...fromGzip, file: plain.file }, plain);
  });

  it('answers a second read of an unchanged file from the cache — in memory, then on disk — and re-reads a changed one', async () => {
    const cacheDir = vscode.Uri.file(fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-cache-test-')));
    const copy = vscode.Uri.joinPath(workspaceRoot(), 'big', CHINAUNIX);
    fs.copyFileSync(trace(CHINAUNIX).fsPath, copy.fsPath);
    const make = () => new TraceSummaries({ workerScript: workerScript(), cacheDir, cacheVersion: 'test-1' });
    const first = make();
    try {
      const a = first.start(copy);
      assert.strictEqual((await a.result).exits, 2);
      assert.strictEqual(await a.route, 'worker');
      const b = first.start(copy);
      assert.strictEqual((await b.result).exits, 2);
      assert.strictEqual(await b.route, 'cache');
      assert.strictEqual(fs.readdirSync(cacheDir.fsPath).filter((n) => n.endsWith('.json')).length, 1, 'one cache file on disk');
      // A new service (a new window) finds the disk entry.
      const second = make();
      const c = second.start(copy);
      assert.strictEqual((await c.result).exits, 2);
      assert.strictEqual(await c.route, 'cache');
      second.dispose();
      // Another cache version (a new parser) does not trust it.
      const other = new TraceSummaries({ workerScript: workerScript(), cacheDir, cacheVersion: 'test-2' });
      const d = other.start(copy);
      await d.result;
      assert.strictEqual(await d.route, 'worker');
      other.dispose();
      // Dropping the io_instruction exit's three lines changes size and mtime: read again, 1 exit.
      const kept = fs.readFileSync(copy.fsPath, 'utf8').split('\n').filter((l) => !/220188|220193/.test(l));
      fs.writeFileSync(copy.fsPath, kept.join('\n'));
      const e = first.start(copy);
      assert.strictEqual((await e.result).exits, 1);
      assert.strictEqual(await e.route, 'worker');
    } finally {
      first.dispose();
      fs.rmSync(cacheDir.fsPath, { recursive: true, force: true });
      fs.rmSync(copy.fsPath, { force: true });
    }
  });

  it('reads a non-file URI in the host and transfers the bytes to the worker', async () => {
    const exitlens = await api();
    const bytes = fs.readFileSync(trace(DIRTY_RING).fsPath);
    const provider = new OneFileFs(new Uint8Array(bytes));
    const registration = vscode.workspace.registerFileSystemProvider('exitlens-worker-test', provider, { isReadonly: true });
    try {
      const uri = vscode.Uri.parse('exitlens-worker-test:/dirty-ring.txt');
      const job = exitlens.summaries.start(uri, { noCache: true, background: true });
      const summary = await job.result;
      assert.strictEqual(await job.route, 'worker');
      assert.strictEqual(summary.exits, 7);
      assert.strictEqual(summary.timeByCategory.ept, 120_892_000);
      assert.strictEqual(provider.reads, 1, 'the file is read once, whole, by the host');
      assert.deepStrictEqual(summary, await summarizeSource(memorySource(summary.file ?? '', bytes)));
    } finally {
      registration.dispose();
    }
  });

  it('rejects an unreadable file with one sentence naming the problem, not a stack', async () => {
    const exitlens = await api();
    const missing = vscode.Uri.joinPath(workspaceRoot(), 'traces', 'no-such-trace.txt');
    await assert.rejects(exitlens.summaries.start(missing, { background: true }).result, (e: Error) => {
      assert.strictEqual(e.message, 'file not found');
      assert.ok(!/\n\s+at /.test(e.message));
      return true;
    });
    // A dangling symbolic link: listed by the file system, unreadable.
    const link = vscode.Uri.joinPath(workspaceRoot(), 'big', 'dangling.perf.txt');
    fs.symlinkSync(path.join(workspaceRoot().fsPath, 'big', 'gone.txt'), link.fsPath);
    try {
      const job = exitlens.summaries.start(link, { background: true });
      await assert.rejects(job.result, /^Error: file not found$/);
      await job.stopped; // the worker that found out exits right after saying so
      await waitFor('no running job', () => (exitlens.summaries.busy === 0 ? true : undefined), 2_000);
    } finally {
      fs.rmSync(link.fsPath, { force: true });
    }
  });

  it('keeps the extension host responsive while a 66 MB trace is parsed, reports progress, and cancel stops the worker within 100 ms', async () => {
    const exitlens = await api();
    const size = fs.statSync(big().fsPath).size;
    const progress: Array<{ read: number; total?: number; exits?: number }> = [];
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const job = exitlens.summaries.start(big(), { noCache: true, background: true, onProgress: (read, total, exits) => progress.push({ read, total, exits }) });
    // A command issued during the parse runs at once (the host's event loop is free). The whole parse
    // takes most of a second (next test); cancel comes after four commands, ~0.25 s in.
    const commandMs: number[] = [];
    while ((progress.length === 0 || commandMs.length < 4) && commandMs.length < 400) {
      const t0 = performance.now();
      await vscode.commands.executeCommand(COMMANDS.refreshTraces);
      commandMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
    const cancelAt = performance.now();
    job.cancel();
    await assert.rejects(job.result, (e) => isCancelled(e));
    const rejectedMs = performance.now() - cancelAt;
    await job.stopped;
    const stoppedMs = performance.now() - cancelAt;
    lag.disable();
    const figures = {
      commands: commandMs.length,
      commandMaxMs: Math.round(Math.max(...commandMs)),
      lagP99Ms: Math.round(lag.percentile(99) / 1e6),
      lagMaxMs: Math.round(lag.max / 1e6),
      cancelToRejectMs: Math.round(rejectedMs),
      cancelToWorkerExitMs: Math.round(stoppedMs),
      progressReports: progress.length,
    };
    console.log(`      worker responsiveness: ${JSON.stringify(figures)}`);
    assert.ok(progress.length >= 1 && progress.every((p) => p.total === size), 'progress reports carry the file size');
    assert.ok(progress.some((p) => (p.exits ?? 0) > 0), 'progress reports count exits');
    assert.ok(commandMs.length >= 2, 'commands ran during the parse');
    assert.ok(figures.commandMaxMs < 250, `a command took ${figures.commandMaxMs} ms during the parse`);
    assert.ok(rejectedMs < 20, `the job took ${rejectedMs} ms to reject after cancel`);
    assert.ok(stoppedMs < 100, `the worker took ${stoppedMs} ms to exit after cancel`);
    assert.strictEqual(exitlens.summaries.busy, 0, 'no job is left running');
    assert.strictEqual(exitlens.summaries.peek(big()), undefined, 'the read was cancelled before it finished');
  });

  it('parses the whole 66 MB trace in the worker with the generator\'s exit count, then reopens it from the cache at once', async () => {
    const exitlens = await api();
    const t0 = performance.now();
    const first = exitlens.summaries.start(big(), { noCache: true, background: true });
    const summary = await first.result;
    const parseMs = performance.now() - t0;
    assert.strictEqual(await first.route, 'worker');
    assert.strictEqual(summary.exits, BIG_EXITS);
    assert.strictEqual(summary.format, 'perf-script');
    assert.strictEqual(summary.warningCount, 0);
    const t1 = performance.now();
    const again = exitlens.summaries.start(big(), { background: true });
    assert.strictEqual((await again.result).exits, BIG_EXITS);
    const cachedMs = performance.now() - t1;
    assert.strictEqual(await again.route, 'cache');
    console.log(`      66 MB trace: parsed in ${Math.round(parseMs)} ms (${((fs.statSync(big().fsPath).size / 1e6 / parseMs) * 1000).toFixed(0)} MB/s), reopened from the cache in ${cachedMs.toFixed(1)} ms`);
    assert.ok(cachedMs < 200, `a cached summary took ${cachedMs} ms`);
  });

  it('a worker job can be stopped in the middle of a synchronous simulation (terminate fallback)', async () => {
    // kbuild under shadow paging is seconds of synchronous work: only terminate() can stop it.
    const job = startWorkerJob(workerScript(), { kind: 'simulate', workload: 'kbuild', paging: 'shadow', symbols: 'x.syms.json' });
    await new Promise((r) => setTimeout(r, 400));
    const t0 = performance.now();
    job.cancel();
    await assert.rejects(job.result, (e) => isCancelled(e));
    await job.stopped;
    const ms = performance.now() - t0;
    assert.ok(ms < 100, `the simulating worker took ${ms} ms to stop`);
  });
});
