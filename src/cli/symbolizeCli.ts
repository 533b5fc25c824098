/**
 * Symbolisation for the CLI: `--symbols FILE` (System.map, kallsyms, nm output or .syms.json),
 * `--elf FILE` (DWARF through llvm-symbolizer/addr2line), and the symbol file a simulated trace names
 * in its header. Source paths are mapped onto the current folder by longest suffix, as in the editor.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Option, type Command } from 'commander';
import type { TraceSummary } from '../core/model/summary';
import { symbolizeSummary } from '../core/sites/symbolizeSites';
import { openSymbolSources, PathMapper, SourceLocator, type SymbolMessage } from '../core/symbols/index';
import { nodeSymbolFileReader } from '../core/symbols/nodeSymbolFileReader';
import { createNodeToolRunner } from '../core/symbols/nodeToolRunner';

export interface SymbolFlags {
  readonly symbols?: string;
  readonly elf?: string;
  readonly symbolizer?: string;
}

/** Adds the shared symbol options to a command. */
export function addSymbolOptions(command: Command): Command {
  return command
    .addOption(new Option('--symbols <FILE>', 'symbol listing for guest RIPs: System.map, /proc/kallsyms copy, nm output, or an ExitLens .syms.json'))
    .addOption(new Option('--elf <FILE>', 'guest ELF with DWARF (vmlinux, a guest binary) resolved to file:line with llvm-symbolizer or addr2line'))
    .addOption(new Option('--symbolizer <PATH>', 'llvm-symbolizer or addr2line to use (default: found on PATH)'));
}

/** Workspace files are listed at most this deep and this many, so a run from `/` stays quick. */
const WALK_LIMIT = 20_000;
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.vscode-test', 'dist', 'out']);

function listFiles(root: string): string[] {
  const files: string[] = [];
  const stack = [''];
  while (stack.length > 0 && files.length < WALK_LIMIT) {
    const rel = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) stack.push(child);
      } else if (e.isFile()) files.push(child);
    }
  }
  return files;
}

/** The symbol sources that apply to one trace, most precise first. */
export function symbolSourcesFor(traceFile: string, summary: TraceSummary, flags: SymbolFlags): string[] {
  const sources: string[] = [];
  if (summary.meta.symbols) sources.push(path.resolve(path.dirname(traceFile), summary.meta.symbols));
  if (flags.elf) sources.push(flags.elf);
  if (flags.symbols) sources.push(flags.symbols);
  return sources;
}

/**
 * The summary with `symbol`, `offset`, `file`, `line` on its sites, and the resolver's messages (one
 * per cause). Without any symbol source the summary comes back unchanged.
 */
export async function symbolizeForCli(
  traceFile: string,
  summary: TraceSummary,
  flags: SymbolFlags,
  cwd: string = process.cwd(),
): Promise<{ summary: TraceSummary; messages: readonly SymbolMessage[] }> {
  const sources = symbolSourcesFor(traceFile, summary, flags);
  if (sources.length === 0 || summary.sites.length === 0) return { summary, messages: [] };
  const locator = new SourceLocator({ mapper: new PathMapper(listFiles(cwd), cwd), workspaceRoot: cwd });
  const resolver = await openSymbolSources(sources, {
    reader: nodeSymbolFileReader,
    runner: createNodeToolRunner(),
    locator,
    ...(flags.symbolizer ? { symbolizerPath: flags.symbolizer } : {}),
  });
  try {
    const result = await symbolizeSummary(summary, resolver);
    return { summary: result.summary, messages: result.messages };
  } finally {
    // The symbolizer child process would keep Node alive.
    resolver.dispose();
  }
}
