import { BackendError } from '../../errors.ts';
import { buildSbatchArgv, parseSbatchOutput, type SbatchRequest } from './build-sbatch-argv.ts';
import { explainSbatchRefusal, isSubmitLimit, SubmitLimitError } from './explain-sbatch-refusal.ts';
import type { JobReport } from './job-state.ts';
import { buildSacctArgv, isAccountingDisabled, parseSacct } from './parse-sacct.ts';
import { parseSinfo, SINFO_ARGV, type PartitionCapacity } from './parse-sinfo.ts';
import { buildSqueueArgv, isUnknownJobsError, parseSqueue } from './parse-squeue.ts';
import { describeResult, runSlurmCommand, type CommandResult } from './run-slurm-command.ts';

/**
 * Everything the executor asks Slurm, as a small interface so tests can plug in their own.
 * Queries answer `undefined` for "no news" (a failed or timed-out call), never a guess.
 */
export interface SlurmClient {
  /** Submits one job or array; resolves to the job id, rejects with a BackendError. */
  submit(request: SbatchRequest): Promise<string>;
  /** State of every job and array task of `jobs` still in the controller's memory. */
  queue(jobs: readonly string[]): Promise<JobReport[] | undefined>;
  /** The same from accounting; `undefined` also when the cluster keeps none. */
  accounting(jobs: readonly string[]): Promise<JobReport[] | undefined>;
  /** Cancels jobs or array tasks; false when scancel failed (try again later). */
  cancel(ids: readonly string[]): Promise<boolean>;
  /**
   * The largest array the cluster takes (MaxArraySize - 1 tasks), when it says; rejects with a
   * BackendError when Slurm's commands are not installed here or the controller refuses.
   */
  maxArraySize(): Promise<number | undefined>;
  /** The partitions with their CPUs and time limits (sinfo); `undefined` when sinfo does not answer. */
  partitions(): Promise<PartitionCapacity[] | undefined>;
}

export interface SlurmClientOptions {
  /** Limit on each call of sbatch, squeue, sacct, scancel, scontrol. */
  readonly commandTimeoutMs: number;
  /** Extra tries for a submission that failed with a transient error (controller busy). */
  readonly submitRetries: number;
}

const TRANSIENT = /temporarily unavailable|timed out|Unable to contact|try again|Socket timed out|Connection refused|slurm_receive_msg/i;
const SCANCEL_BATCH = 500;

/** The client that runs Slurm's commands on this machine. */
export function createSlurmClient(options: SlurmClientOptions): SlurmClient {
  const run = (argv: readonly string[]): Promise<CommandResult> => runSlurmCommand(argv, options.commandTimeoutMs);
  let accountingOff = false;
  return {
    async submit(request) {
      const argv = buildSbatchArgv(request);
      for (let attempt = 0; ; attempt++) {
        const result = await run(argv);
        if (result.code === 0) return parseSbatchOutput(result.stdout);
        // A call that timed out may have submitted the job: trying again could run it twice.
        const transient = !result.timedOut && TRANSIENT.test(result.stderr);
        if (!transient || attempt >= options.submitRetries) {
          const command = argv.map((word) => (/\s/.test(word) ? JSON.stringify(word) : word)).join(' ');
          const limit = explainSbatchRefusal(result.stderr, request);
          const message = limit === undefined ? `sbatch failed (${describeResult(result)}): ${command}` : `${limit} (sbatch: ${describeResult(result)}): ${command}`;
          throw isSubmitLimit(result.stderr) ? new SubmitLimitError(message) : new BackendError(message);
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    },
    async queue(jobs) {
      if (jobs.length === 0) return [];
      const result = await run(buildSqueueArgv(jobs));
      if (result.code === 0) return parseSqueue(result.stdout);
      // Asked only about jobs that have all left memory, squeue fails: that is an answer.
      if (result.code !== null && isUnknownJobsError(result.stderr)) return [];
      return undefined;
    },
    async accounting(jobs) {
      if (jobs.length === 0 || accountingOff) return undefined;
      const result = await run(buildSacctArgv(jobs));
      if (result.code === 0) return parseSacct(result.stdout);
      if (isAccountingDisabled(result.stderr)) accountingOff = true;
      return undefined;
    },
    async cancel(ids) {
      let ok = true;
      for (let at = 0; at < ids.length; at += SCANCEL_BATCH) {
        const result = await run(['scancel', ...ids.slice(at, at + SCANCEL_BATCH)]);
        // scancel says "Invalid job id" for jobs already gone; they are cancelled enough.
        if (result.code !== 0 && !/Invalid job id|already completing or completed/i.test(result.stderr)) ok = false;
      }
      return ok;
    },
    async maxArraySize() {
      const result = await run(['scontrol', 'show', 'config']);
      if (result.startError !== undefined) {
        throw new BackendError(`Slurm's commands are not available here (scontrol ${result.startError.replace(/^spawn scontrol /, '')}); is this a Slurm submit host?`);
      }
      // Refused outright (not merely slow): nothing could be submitted either.
      if (result.code !== 0 && !result.timedOut) throw new BackendError(`Slurm does not answer: scontrol show config: ${describeResult(result)}`);
      const match = /^\s*MaxArraySize\s*=\s*(\d+)/m.exec(result.stdout);
      return result.code === 0 && match !== null ? Math.max(1, Number(match[1]) - 1) : undefined;
    },
    async partitions() {
      const result = await run(SINFO_ARGV);
      if (result.code !== 0) return undefined;
      const partitions = parseSinfo(result.stdout);
      return partitions.length === 0 ? undefined : partitions;
    },
  };
}
