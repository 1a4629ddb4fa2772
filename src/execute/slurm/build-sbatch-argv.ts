import { BackendError } from '../../errors.ts';
import { parseMemory } from '../../kernel/parse-memory.ts';

/** One submission: a plain job (no `arraySize`) or an array of tasks 0 … arraySize-1. */
export interface SbatchRequest {
  readonly jobName: string;
  /** The batch script (a file starting with `#!`) and its arguments. */
  readonly script: string;
  readonly scriptArgs: readonly string[];
  /** Working folder of the job. */
  readonly chdir: string;
  /** The job's output file; `%j` (plain job) and `%A_%a` (array task) are filled in by Slurm. */
  readonly output: string;
  readonly arraySize?: number | undefined;
  readonly cpus: number;
  /** As Slurm's --mem takes it: `4G`, `512M`, `2048` (megabytes). */
  readonly memory?: string | undefined;
  readonly timeLimitMinutes?: number | undefined;
  readonly partition?: string | undefined;
  readonly account?: string | undefined;
  /** More sbatch options, each one argv word, e.g. `--qos=short`. */
  readonly extraArgs?: readonly string[] | undefined;
}

/** The sbatch argv (never a shell string) of one submission. */
export function buildSbatchArgv(request: SbatchRequest): string[] {
  const argv = [
    'sbatch',
    '--parsable',
    `--job-name=${request.jobName}`,
    `--chdir=${request.chdir}`,
    `--output=${request.output}`,
    '--ntasks=1',
    `--cpus-per-task=${request.cpus}`,
  ];
  if (request.memory !== undefined) argv.push(`--mem=${request.memory}`);
  if (request.timeLimitMinutes !== undefined) argv.push(`--time=${request.timeLimitMinutes}`);
  if (request.partition !== undefined) argv.push(`--partition=${request.partition}`);
  if (request.account !== undefined) argv.push(`--account=${request.account}`);
  argv.push(...(request.extraArgs ?? []));
  if (request.arraySize !== undefined) argv.push(`--array=0-${request.arraySize - 1}`);
  argv.push(request.script, ...request.scriptArgs);
  return argv;
}

/** `sbatch --parsable` prints `1234` or `1234;cluster`. */
export function parseSbatchOutput(stdout: string): string {
  const first = stdout.trim().split('\n').pop()?.split(';')[0]?.trim() ?? '';
  if (!/^\d+$/.test(first)) throw new BackendError(`Expected sbatch --parsable to print a job id, got \`${stdout.trim()}\``);
  return first;
}

/** Slurm's --time in whole minutes: the task's limit rounded up, plus `marginMinutes`. */
export function timeLimitMinutes(timeoutMs: number | undefined, marginMinutes: number): number | undefined {
  if (timeoutMs === undefined) return undefined;
  return Math.max(1, Math.ceil(timeoutMs / 60_000)) + marginMinutes;
}

/** A step's `memory` as --mem takes it (kernel/parse-memory.ts); undefined when the text is not a size. */
export function toSlurmMemory(memory: string): string | undefined {
  return parseMemory(memory);
}

/**
 * The longest a job running `perJob` tasks in turn may take when every one of them hangs: each
 * runs to its timeout, and all but the last (whose grace is in --time's margin) then get the kill
 * grace before SIGKILL.
 */
export function packedTimeoutMs(timeoutMs: number, perJob: number, killGraceMs: number): number {
  return timeoutMs * perJob + killGraceMs * Math.max(0, perJob - 1);
}
