import { fileURLToPath } from 'node:url';
import { FROM_SOURCES, locateModule } from '../../kernel/locate-code.ts';
import { quoteArg } from '../../kernel/quote-argv.ts';

// The batch script every job of a run shares: it starts sluice's exec-task entry with the same
// Node (and, when sluice runs from its TypeScript sources, the same loader) as this process.

/** The argv that runs `exec-task` on a node, before its own arguments. */
export function execTaskCommand(): string[] {
  const entry = fileURLToPath(locateModule('execute/slurm/exec-task-main'));
  const loader = FROM_SOURCES ? ['--import', import.meta.resolve('tsx')] : [];
  return [process.execPath, ...loader, entry];
}

export function renderJobScript(command: readonly string[], runId: string): string {
  return [
    '#!/bin/sh',
    `# Written by sluice for run ${runId}: runs one task (an array task: the one its index names).`,
    `exec ${command.map(quoteArg).join(' ')} "$@"`,
    '',
  ].join('\n');
}
