/**
 * The `exitlens` command line: the same core as the extension, driven from a terminal or CI.
 * Exit codes: 0 success, 1 unreadable input or no recognisable record, 2 usage error.
 */
import { Command, CommanderError } from 'commander';
import { registerSummary } from './summaryCommand';
import { registerSimulate } from './simulateCommand';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('exitlens')
    .description('Analyse VM-exit traces (perf script, trace-cmd, ftrace, perf kvm stat, kvm_stat, ExitLens JSONL).')
    .version(require('../../package.json').version)
    .showHelpAfterError()
    .exitOverride();
  registerSummary(program);
  registerSimulate(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`exitlens: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => process.exit(code));
}
