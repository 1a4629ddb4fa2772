// The command-line options that choose where tasks run, shared by `run` and `map`. Apart from
// execute-plan.ts so that reading them loads nothing of the run itself.

import type { Command } from 'commander';
import { PlanError } from '../errors.ts';
import type { SlurmStepOptions } from '../plan/define-pipeline.ts';
import { SLURM_DEFAULTS } from '../execute/slurm/slurm-options.ts';
import { DEFAULTS } from './defaults.ts';
import { parsePositiveInteger } from './parse-options.ts';

export interface ExecutorFlags {
  executor?: string;
  partition?: string;
  account?: string;
  sbatchArg: string[];
  tasksPerJob?: string;
}

/** `--executor` and the Slurm options, shared by `run` and `map`. */
export function addExecutorOptions(command: Command): Command {
  return command
    .option('--executor <name>', 'where tasks run: local (this machine) or slurm (sbatch jobs)', 'local')
    .option('--partition <name>', 'with --executor slurm: the partition for every step without its own')
    .option('--account <name>', 'with --executor slurm: the account to charge')
    .option('--sbatch-arg <option>', 'with --executor slurm: one more sbatch option, e.g. --qos=short (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--tasks-per-job <n>', 'with --executor slurm: tasks each array element runs in turn (default: sluice packs short tasks by their recorded durations or timeout; 1: one task per element)');
}

/** The Slurm options of the command line, or undefined for the local executor. */
export function slurmFromFlags(flags: ExecutorFlags): SlurmStepOptions | undefined {
  const executor = flags.executor ?? 'local';
  if (executor !== 'local' && executor !== 'slurm') throw new PlanError(`Expected \`--executor\` to be \`local\` or \`slurm\`, got \`${executor}\``);
  if (executor === 'slurm') {
    const tasksPerJob = flags.tasksPerJob === undefined ? undefined : parsePositiveInteger('--tasks-per-job', flags.tasksPerJob);
    return { partition: flags.partition, account: flags.account, args: flags.sbatchArg, tasksPerJob };
  }
  const stray =
    flags.partition !== undefined ? '--partition'
    : flags.account !== undefined ? '--account'
    : flags.sbatchArg.length > 0 ? '--sbatch-arg'
    : flags.tasksPerJob !== undefined ? '--tasks-per-job'
    : undefined;
  if (stray !== undefined) throw new PlanError(`Expected \`${stray}\` only with \`--executor slurm\``);
  return undefined;
}

/**
 * The executor options as given, for a command to paste (the re-run of a failed task): nothing
 * for the local executor, else `--executor slurm` and its options. `--sbatch-arg=VALUE` in one
 * word, as its value starts with a dash.
 */
export function executorArgs(flags: ExecutorFlags): string[] {
  if ((flags.executor ?? 'local') === 'local') return [];
  return [
    '--executor', flags.executor ?? 'local',
    ...(flags.partition === undefined ? [] : ['--partition', flags.partition]),
    ...(flags.account === undefined ? [] : ['--account', flags.account]),
    ...flags.sbatchArg.map((arg) => `--sbatch-arg=${arg}`),
    ...(flags.tasksPerJob === undefined ? [] : ['--tasks-per-job', flags.tasksPerJob]),
  ];
}

/** `-j`: given, or the executor's default (cores here; many more queued jobs on Slurm). */
export function defaultJobs(slurm: SlurmStepOptions | undefined): number {
  return slurm === undefined ? DEFAULTS.jobs : SLURM_DEFAULTS.jobs;
}
