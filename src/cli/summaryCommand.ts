import type { Command } from 'commander';

/** `exitlens summary` — owned by the analysis work (issue 3). */
export function registerSummary(program: Command): void {
  program.command('summary').description('Summarise a trace (not built yet)');
}
