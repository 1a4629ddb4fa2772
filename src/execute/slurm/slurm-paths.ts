import path from 'node:path';
import { stateDirOf } from '../../state/store/state-dir.ts';

/** The folders a compute node's sluice stages a task's outputs in: `.sluice-slurm-<run>-<task>/` beside each output (shelter-outputs.ts). */
export const SHELTER_PREFIX = '.sluice-slurm-';

/** `.sluice/slurm/`: the job ledger and one folder per run (task files, markers, job output). */
export function slurmDirOf(root: string): string {
  return path.join(stateDirOf(root), 'slurm');
}

export function runSlurmDir(root: string, runId: string): string {
  return path.join(slurmDirOf(root), runId);
}
