/**
 * "Symbolise a trace" for the editor: which symbol file belongs to the trace (the exitlens.symbolFiles
 * setting, or the `.syms.json` a simulated trace names in its header), opened with the core's
 * resolvers; source paths from debug info mapped onto the workspace by longest suffix (PathMapper over
 * `workspace.findFiles`); external tools (llvm-symbolizer, addr2line, nm) only in a trusted workspace.
 * The result carries the resolver's messages — few by construction, one per cause — for the caller
 * to report once.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { CancellationSignal } from '../../core/io/byteSource';
import type { TraceSummary } from '../../core/model/summary';
import { symbolizeSites } from '../../core/sites/symbolizeSites';
import {
  normalizePath,
  openSymbolSources,
  PathMapper,
  pickSymbolSources,
  refusingToolRunner,
  SourceLocator,
  type SymbolFileReader,
  type SymbolMessage,
  type SymbolResolution,
  type SymbolSourceChoice,
  type ToolRunner,
} from '../../core/symbols/index';
import { nodeSymbolFileReader } from '../../core/symbols/nodeSymbolFileReader';
import { createNodeToolRunner } from '../../core/symbols/nodeToolRunner';
import { SETTINGS } from '../../shared/ids';

/** Said (once) instead of running a tool in Restricted Mode. */
export const UNTRUSTED_REASON =
  'this workspace is not trusted, so ExitLens runs no external program (llvm-symbolizer, addr2line, nm); trust the workspace to resolve ELF addresses to source lines';

/** Upper bound on the workspace files the path mapper is built from (a kernel tree has ~80 000). */
export const MAX_MAPPED_FILES = 200_000;

/** A trace's sites resolved as far as its symbol sources allow. */
export interface SymbolizedTrace {
  readonly uri: vscode.Uri;
  readonly summary: TraceSummary;
  /** Workspace folder the trace belongs to (absolute, `/` separators): index file keys are relative to it. */
  readonly root?: string;
  /** Keyed by canonical RIP; empty when no symbol source applies. */
  readonly resolutions: ReadonlyMap<string, SymbolResolution>;
  readonly messages: readonly SymbolMessage[];
  /** The symbol sources used, most precise first; empty when neither setting nor header names one. */
  readonly sources: readonly SymbolSourceChoice[];
  /** e.g. `sim/fw-shadow.syms.json` or `build/vmlinux (llvm-symbolizer)`. */
  readonly description?: string;
  /** True when an ELF needed a tool that was not run because the workspace is untrusted. */
  readonly toolsRefused: boolean;
}

/** What the symboliser needs from its host; all injectable for tests. */
export interface TraceSymbolizerOptions {
  /** Workspace trust (default `vscode.workspace.isTrusted`); read at every call. */
  readonly isTrusted?: () => boolean;
  /** The runner used when trusted (default: Node child processes in the workspace folder). */
  readonly trustedRunner?: (cwd: string | undefined) => ToolRunner;
  /** Reads symbol files (default: Node fs for local folders, `workspace.fs` otherwise). */
  readonly reader?: SymbolFileReader;
  /** Workspace-relative files of a folder (default: `workspace.findFiles`). */
  readonly listFiles?: (folder: vscode.Uri) => Promise<string[]>;
}

/** Symbolises summaries of traces in the workspace. Stateless between calls: settings are read each time. */
export class TraceSymbolizer {
  constructor(private readonly options: TraceSymbolizerOptions = {}) {}

  /** True when tools may run (the workspace is trusted). */
  get trusted(): boolean {
    return (this.options.isTrusted ?? (() => vscode.workspace.isTrusted))();
  }

  /** Resolves the summary's sites. Never throws for missing files or tools: those become messages. */
  async symbolize(uri: vscode.Uri, summary: TraceSummary, signal?: CancellationSignal): Promise<SymbolizedTrace> {
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    const rootUri = folder?.uri ?? (uri.scheme === 'file' ? vscode.Uri.file(path.dirname(uri.fsPath)) : undefined);
    const root = rootUri ? toRootPath(rootUri) : undefined;
    const tracePath = uri.scheme === 'file' ? normalizePath(uri.fsPath) : uri.path;
    const config = vscode.workspace.getConfiguration(undefined, uri);
    const mapping = config.get<Record<string, string>>(SETTINGS.symbolFiles) ?? {};
    const sources =
      root !== undefined || summary.meta.symbols
        ? pickSymbolSources(mapping, tracePath, root ?? normalizePath(path.dirname(tracePath)), { traceSymbols: summary.meta.symbols })
        : [];
    const base = { uri, summary, ...(root !== undefined ? { root } : {}), sources };
    if (sources.length === 0 || summary.sites.length === 0) {
      return { ...base, resolutions: new Map(), messages: [], toolsRefused: false };
    }

    const trusted = this.trusted;
    const runner = trusted ? (this.options.trustedRunner ?? defaultRunner)(root) : refusingToolRunner(UNTRUSTED_REASON);
    const files = rootUri ? await (this.options.listFiles ?? listWorkspaceFiles)(rootUri) : [];
    const locator = new SourceLocator({ mapper: new PathMapper(files, root), ...(root !== undefined ? { workspaceRoot: root } : {}) });
    const symbolizerPath = config.get<string>(SETTINGS.symbolizerPath)?.trim();
    const resolver = await openSymbolSources(sources, {
      reader: this.options.reader ?? readerFor(rootUri),
      runner,
      locator,
      ...(symbolizerPath ? { symbolizerPath } : {}),
    });
    try {
      const result = await symbolizeSites(summary, resolver, signal);
      const toolsRefused = !trusted && result.messages.some((m) => m.message.includes(UNTRUSTED_REASON));
      return { ...base, resolutions: result.resolutions, messages: result.messages, description: resolver.description, toolsRefused };
    } finally {
      // A DWARF resolver keeps llvm-symbolizer running; sites are resolved once per trace.
      resolver.dispose();
    }
  }
}

function defaultRunner(cwd: string | undefined): ToolRunner {
  return createNodeToolRunner(cwd !== undefined ? { cwd } : {});
}

/** The folder as the core's path helpers want it: absolute with `/` separators. */
export function toRootPath(folder: vscode.Uri): string {
  return normalizePath(folder.scheme === 'file' ? folder.fsPath : folder.path);
}

/** Every file of the folder (minus dependency and VCS folders), workspace-relative with `/`. */
export async function listWorkspaceFiles(folder: vscode.Uri): Promise<string[]> {
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), '**/{node_modules,.git}/**', MAX_MAPPED_FILES);
  const root = toRootPath(folder);
  const out: string[] = [];
  for (const f of found) {
    const p = normalizePath(f.scheme === 'file' ? f.fsPath : f.path);
    if (p.startsWith(root + '/')) out.push(p.slice(root.length + 1));
  }
  return out;
}

/**
 * Local folders are read with Node (ranged reads, so a 500 MB vmlinux is sniffed without loading it);
 * other schemes through `workspace.fs`, whole.
 */
function readerFor(rootUri: vscode.Uri | undefined): SymbolFileReader {
  if (!rootUri || rootUri.scheme === 'file') return nodeSymbolFileReader;
  const toUri = (p: string) => rootUri.with({ path: p });
  return {
    readFile: async (p) => vscode.workspace.fs.readFile(toUri(p)),
    readHead: async (p, length) => (await vscode.workspace.fs.readFile(toUri(p))).subarray(0, length),
  };
}
