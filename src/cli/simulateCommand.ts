import type { Command } from 'commander';

/** `exitlens simulate` — owned by the simulator work (issue 4). */
export function registerSimulate(program: Command): void {
  program.command('simulate').description('Simulate a workload (not built yet)');
}
