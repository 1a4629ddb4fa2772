import fs from 'node:fs';
import path from 'node:path';
import { compareRunIds, isRunId } from '../../state/logs/logs-dir.ts';

/**
 * Deletes the `.sluice/slurm/<run>/` folders (task files, markers, job output) of all but the
 * newest runs, keeping any that a job still in the ledger needs.
 */
export function pruneSlurmRuns(slurmDir: string, keep: number, needed: ReadonlySet<string>): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(slurmDir).filter(isRunId);
  } catch {
    return [];
  }
  const doomed = names.sort(compareRunIds).reverse().slice(keep).filter((id) => !needed.has(id));
  for (const id of doomed) fs.rmSync(path.join(slurmDir, id), { recursive: true, force: true });
  return doomed;
}
