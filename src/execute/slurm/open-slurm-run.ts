import fs from 'node:fs';
import path from 'node:path';
import { readLogLimits } from '../../state/logs/log-limits.ts';
import { findAdoptable, type AdoptablePool } from './adopt-jobs.ts';
import { execTaskCommand, renderJobScript } from './job-script.ts';
import { openJobLedger, type JobLedger } from './job-ledger.ts';
import { pruneSlurmRuns } from './prune-slurm-runs.ts';
import type { PartitionCapacity } from './parse-sinfo.ts';
import { createSlurmClient, type SlurmClient } from './slurm-client.ts';
import type { SlurmExecutorOptions } from './slurm-executor.ts';
import { SLURM_DEFAULTS } from './slurm-options.ts';
import { runSlurmDir, slurmDirOf } from './slurm-paths.ts';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';

/** A run's place under `.sluice/slurm/`, and what earlier runs left there. */
export interface SlurmRun {
  readonly client: SlurmClient;
  /** `.sluice/slurm/<run>/`: the job script, batch lists, task files and job outputs. */
  readonly runDir: string;
  readonly script: string;
  readonly ledger: JobLedger;
  /** Jobs of killed runs that can stand in for this run's tasks. */
  readonly adoptable: AdoptablePool;
  readonly maxArraySize: number;
  /** The cluster's partitions, their CPUs and time limits; undefined when sinfo did not say. */
  readonly partitions: readonly PartitionCapacity[] | undefined;
  /** The submitting sluice's cap on each captured stream, whatever environment the job gets. */
  readonly streamCapBytes: number;
}

/**
 * Prepares a Slurm run before its first submission: the job script written, the jobs an earlier
 * sluice left looked up (to adopt or cancel), old run folders pruned, the array size limit and
 * the partitions' CPUs read.
 */
export async function openSlurmRun(options: SlurmExecutorOptions): Promise<SlurmRun> {
  const client =
    options.client ?? createSlurmClient({ commandTimeoutMs: options.commandTimeoutMs ?? SLURM_DEFAULTS.commandTimeoutMs, submitRetries: SLURM_DEFAULTS.submitRetries });
  const runDir = runSlurmDir(options.root, options.runId);
  const streamCapBytes = readLogLimits().streamBytes;
  fs.mkdirSync(runDir, { recursive: true });
  const script = path.join(runDir, 'job.sh');
  writeFileAtomically(script, renderJobScript(options.execTaskCommand ?? execTaskCommand(), options.runId));
  fs.chmodSync(script, 0o755);
  const ledger = openJobLedger(path.join(slurmDirOf(options.root), 'jobs.jsonl'));
  const adoptable = await findAdoptable(ledger, client);
  ledger.compact();
  pruneSlurmRuns(slurmDirOf(options.root), SLURM_DEFAULTS.keepRuns, new Set([options.runId, ...[...ledger.live.values()].map((entry) => entry.runId)]));
  const [arraySize, partitions] = await Promise.all([
    options.maxArraySize === undefined ? client.maxArraySize() : Promise.resolve(options.maxArraySize),
    client.partitions(),
  ]);
  const maxArraySize = arraySize ?? SLURM_DEFAULTS.maxArraySize;
  return { client, runDir, script, ledger, adoptable, maxArraySize, partitions, streamCapBytes };
}
