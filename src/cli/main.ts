/**
 * The `exitlens` command line: the same core as the extension, driven from a terminal or CI.
 * Exit codes: 0 success, 1 unreadable input or no recognisable record, 2 usage error.
 * `main` takes its streams as a parameter so tests run it in-process and capture the output.
 */
import { Command, CommanderError } from 'commander';
import { registerSummary, type CommandResult } from './summaryCommand';
import { processIo, type CliIo } from './io';
import { version } from '../../package.json';

/**
 * Registers compare, report and simulate. Their modules (the comparison, the HTML report, the
 * simulator) are required here, not imported at the top: `exitlens summary`, which never needs them,
 * then skips evaluating them at start-up (about 10 ms of CPU and 15 ms of wall time per run).
 */
function registerOthers(program: Command, io: CliIo, result: CommandResult): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- deferred on purpose, see above */
  (require('./compareCommand') as typeof import('./compareCommand')).registerCompare(program, io, result);
  (require('./reportCommand') as typeof import('./reportCommand')).registerReport(program, io, result);
  (require('./simulateCommand') as typeof import('./simulateCommand')).registerSimulate(program, io, result);
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * Builds the command tree; commander's own output (help, usage errors) goes to `io` too. With
 * `only` = 'summary' (the command the user named) the tree holds just that command.
 */
export function buildProgram(io: CliIo = processIo(), result: CommandResult = { exitCode: 0 }, only?: string): Command {
  const program = new Command();
  program
    .name('exitlens')
    .description('Analyse VM-exit traces (perf script, trace-cmd, ftrace, perf kvm stat, kvm_stat, ExitLens JSONL).')
    .version(version)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', '\nExample:\n  $ exitlens summary run.perf.txt\n  $ exitlens summary --help')
    .exitOverride();
  registerSummary(program, io, result);
  if (only !== 'summary') registerOthers(program, io, result);
  return program;
}

/** Runs the CLI on `argv` (node-style: argv[0] node, argv[1] script) and resolves to the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const result: CommandResult = { exitCode: 0 };
  const program = buildProgram(io, result, argv[2]);
  try {
    await program.parseAsync(argv);
    if (result.exitCode !== 0) return result.exitCode;
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0; everything else is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    io.stderr.write(`exitlens: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // `exitlens summary big.txt | head` closes the pipe early: stop quietly instead of a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv).then((code) => {
    // For `npm run bench` on machines without /usr/bin/time: peak RSS as the kernel counted it.
    if (process.env.EXITLENS_REPORT_MAXRSS) process.stderr.write(`exitlens: maxRSS ${process.resourceUsage().maxRSS} kB\n`);
    // exitCode rather than exit(): a large --json document on a pipe must be flushed first.
    process.exitCode = code;
  });
}
