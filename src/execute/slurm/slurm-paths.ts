import path from 'node:path';
import { stateDirOf } from '../../state/store/state-dir.ts';

/** `.sluice/slurm/`: the job ledger and one folder per run (task files, markers, job output). */
export function slurmDirOf(root: string): string {
  return path.join(stateDirOf(root), 'slurm');
}

export function runSlurmDir(root: string, runId: string): string {
  return path.join(slurmDirOf(root), runId);
}
