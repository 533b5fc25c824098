/**
 * `exitlens compare A B [C…] [--json]`: summarise 2–8 traces (read concurrently), symbolise their
 * sites, and print each against the first (the baseline). Exit codes: 0 success, 1 a trace cannot be
 * read or holds no recognisable record, 2 usage errors.
 */
import { Command } from 'commander';
import { summarizeSource } from '../core/analysis/summarize';
import { compareSummaries, MAX_TRACES, MIN_TRACES, type Comparison } from '../core/compare/index';
import type { TraceSummary } from '../core/model/summary';
import { checkReadableFile, fileSource, type CliIo } from './io';
import { addSymbolOptions, symbolizeForCli, type SymbolFlags } from './symbolizeCli';
import { formatCompareTable } from './compareTable';
import type { CommandResult } from './summaryCommand';

/** Sites kept per trace before matching: enough that the top compared sites are exact. */
const SITES_PER_TRACE = 500;

interface CompareFlags extends SymbolFlags {
  readonly json?: boolean;
  readonly label?: string[];
  readonly top?: string;
}

const EXAMPLES = `
Trace 0 is the baseline (A); every other trace (B) is shown against it: delta = B − A,
ratio = B / A ('—' when A is 0). Categories are the primary comparison: shadow paging and
EPT spend the same cost under different exit reasons.

Examples:
  $ exitlens simulate --workload forkwait --paging both --out fw.perf.txt
  $ exitlens compare fw-shadow.perf.txt fw-ept.perf.txt
  $ exitlens compare --label before --label after old.perf.txt new.perf.txt --json | jq '.categories.cr3'
  $ exitlens compare --elf vmlinux a.perf.txt b.perf.txt`;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `compare` on the program. */
export function registerCompare(program: Command, io: CliIo, result: CommandResult): void {
  const command = program
    .command('compare')
    .description(`Compare ${MIN_TRACES}–${MAX_TRACES} traces (builds, shadow paging vs EPT) by category, reason and source site.`)
    .argument('<TRACES...>', 'trace files; the first is the baseline')
    .option('--json', 'print the comparison as one JSON object')
    .option('--label <LABEL>', 'label of the next trace, in order (repeat for each trace)', collect)
    .option('--top <N>', 'sites listed in the table (default 10)');
  addSymbolOptions(command)
    .addHelpText('after', EXAMPLES)
    .action(async (files: string[], flags: CompareFlags) => {
      result.exitCode = await runCompare(files, flags, io);
    });
}

/** Loads, symbolises and summarises each trace; a failure names its file. */
export async function loadSummaries(files: readonly string[], flags: SymbolFlags, io: CliIo): Promise<TraceSummary[] | string> {
  for (const file of files) {
    try {
      const size = await checkReadableFile(file);
      if (size === 0) return `${file}: no recognisable record (the file is empty)`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  let summaries: TraceSummary[];
  try {
    // Concurrent reads: each parser yields between chunks, so I/O of one overlaps parsing of another.
    summaries = await Promise.all(files.map((f) => summarizeSource(fileSource(f), { maxSites: SITES_PER_TRACE })));
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  for (const [i, s] of summaries.entries()) {
    if (s.exits === 0 && !(s.tables && s.tables.length > 0)) return `${files[i]}: no recognisable record`;
  }
  const out: TraceSummary[] = [];
  for (const [i, s] of summaries.entries()) {
    const { summary, messages } = await symbolizeForCli(files[i], s, flags);
    for (const m of messages) io.stderr.write(`exitlens: ${m.severity}: ${m.message}\n`);
    out.push(summary);
  }
  return out;
}

/** The command body, callable from tests. */
export async function runCompare(files: readonly string[], flags: CompareFlags, io: CliIo): Promise<number> {
  if (files.length < MIN_TRACES || files.length > MAX_TRACES) {
    io.stderr.write(`exitlens: compare needs ${MIN_TRACES} to ${MAX_TRACES} traces, got ${files.length}\n`);
    return 2;
  }
  const labels = flags.label ?? [];
  if (labels.length > files.length) {
    io.stderr.write(`exitlens: ${labels.length} labels given for ${files.length} traces\n`);
    return 2;
  }
  const top = flags.top === undefined ? 10 : Number(flags.top);
  if (!Number.isInteger(top) || top < 1) {
    io.stderr.write(`exitlens: --top expects a whole number ≥ 1, got '${flags.top}'\n`);
    return 2;
  }
  const loaded = await loadSummaries(files, flags, io);
  if (typeof loaded === 'string') {
    io.stderr.write(`exitlens: ${loaded}\n`);
    return 1;
  }
  const comparison: Comparison = compareSummaries(loaded.map((summary, i) => ({ summary, ...(labels[i] ? { label: labels[i] } : {}) })));
  io.stdout.write(flags.json ? JSON.stringify(comparison, null, 2) + '\n' : formatCompareTable(comparison, { topSites: top }));
  return 0;
}
