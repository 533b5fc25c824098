/**
 * `exitlens summary [--format F] [--json] [--top N] FILE`: stream a trace through the parser into
 * the summary and print it as a table (warnings on stderr) or as one JSON object (the TraceSummary).
 * Exit codes: 0 success, 1 unreadable file or nothing recognisable in it, 2 usage errors (commander).
 */
import * as path from 'path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { TRACE_FORMATS, type TraceFormat } from '../core/model/trace';
import type { TraceSummary } from '../core/model/summary';
import { summarizeSource } from '../core/analysis/summarize';
import { checkReadableFile, fileSource, ProgressBar, withProgress, type CliIo } from './io';
import { formatSummaryTable } from './summaryTable';
import { addSymbolOptions, symbolizeForCli, type SymbolFlags } from './symbolizeCli';

/** Sites listed in table mode unless --top says otherwise. */
export const DEFAULT_TABLE_TOP = 20;

/** Sites kept in --json output unless --top says otherwise. */
export const DEFAULT_JSON_TOP = 200;

/** Warnings echoed to stderr in table mode; the rest are counted. */
export const WARNINGS_SHOWN = 5;

/** Where a command reports its outcome, since commander actions cannot return an exit code. */
export interface CommandResult {
  exitCode: number;
}

interface SummaryOptions extends SymbolFlags {
  readonly format?: TraceFormat;
  readonly json?: boolean;
  readonly top?: number;
}

const EXAMPLES = `
Formats (auto-detected unless --format is given):
  ${TRACE_FORMATS.join(', ')}

Examples:
  $ perf script --ns > run.perf.txt && exitlens summary run.perf.txt
  $ exitlens summary --top 5 trace-cmd-report.txt
  $ exitlens summary --json run.perf.txt | jq '.byCategory'
  $ exitlens summary --format perf-kvm-stat kvm-stat-report.txt
  $ exitlens summary --elf guest/vmlinux --top 10 run.perf.txt      # sites as file:line
  $ exitlens summary --symbols System.map run.perf.txt             # sites as symbol+offset

Exit status: 0 on success; 1 if FILE cannot be read or holds no recognisable record;
2 on a usage error (unknown option, bad --format or --top, missing FILE).
A progress bar is drawn on stderr for long reads when stderr is a terminal.`;

function parseTop(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number ≥ 1.');
  return Number(value);
}

/** Registers `summary` on the program; results go to `io` and the exit code to `result`. */
export function registerSummary(program: Command, io: CliIo, result: CommandResult): void {
  const command = program
    .command('summary')
    .description('Summarise a VM-exit trace: exits per reason, category, vCPU and guest RIP, host time per exit (HLT apart).')
    .argument('<FILE>', 'trace file (perf script, trace-cmd report, ftrace, perf kvm stat report, kvm_stat, ExitLens JSONL; also gzip-compressed)')
    .addOption(new Option('--format <format>', 'input format; skips auto-detection').choices(TRACE_FORMATS))
    .option('--json', 'print the whole summary as one JSON object on stdout (warnings included in it)')
    .option('--top <N>', `number of guest RIPs ("sites") listed (default ${DEFAULT_TABLE_TOP} in the table, ${DEFAULT_JSON_TOP} in --json)`, parseTop);
  addSymbolOptions(command)
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, options: SummaryOptions) => {
      result.exitCode = await runSummary(file, options, io);
    });
}

/** The command body, separate from commander so it can be called and tested directly. */
export async function runSummary(file: string, options: SummaryOptions, io: CliIo): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`exitlens: ${message}\n`);
    return 1;
  };
  let size: number;
  try {
    size = await checkReadableFile(file);
  } catch (e) {
    return fail((e as Error).message);
  }
  if (size === 0) return fail(`${file}: no recognisable record (the file is empty)`);
  const bar = new ProgressBar(io.stderr, `reading ${shortName(file)}`, size, io.now);
  const source = bar.enabled ? withProgress(fileSource(file), (n) => bar.update(n)) : fileSource(file);
  let summary: TraceSummary;
  try {
    summary = await summarizeSource(source, {
      ...(options.format ? { format: options.format } : {}),
      maxSites: options.top ?? (options.json ? DEFAULT_JSON_TOP : DEFAULT_TABLE_TOP),
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return fail(message.includes(file) ? message : `${file}: ${message}`);
  } finally {
    bar.done();
  }
  if (summary.exits === 0 && !(summary.tables && summary.tables.length > 0)) {
    writeWarnings(io, file, summary);
    return fail(`${file}: no recognisable record (no VM exit${options.format ? ` in ${options.format} format` : ''} and no perf kvm stat / kvm_stat table found)`);
  }
  const symbolized = await symbolizeForCli(file, summary, options);
  summary = symbolized.summary;
  for (const m of symbolized.messages) io.stderr.write(`exitlens: ${m.severity}: ${m.message}\n`);
  if (options.json) {
    io.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  } else {
    io.stdout.write(formatSummaryTable(summary, { topSites: options.top ?? DEFAULT_TABLE_TOP }));
    writeWarnings(io, file, summary);
  }
  return 0;
}

function writeWarnings(io: CliIo, file: string, summary: TraceSummary): void {
  for (const w of summary.warnings.slice(0, WARNINGS_SHOWN)) io.stderr.write(`exitlens: warning: ${file}:${w.line}: ${w.message}\n`);
  const more = summary.warningCount - Math.min(WARNINGS_SHOWN, summary.warnings.length);
  if (more > 0) io.stderr.write(`exitlens: ${more} more warning${more === 1 ? '' : 's'} in ${file} (see --json for the first ${summary.warnings.length})\n`);
}

function shortName(file: string): string {
  const base = path.basename(file);
  return base.length > 32 ? base.slice(0, 15) + '…' + base.slice(-16) : base;
}
