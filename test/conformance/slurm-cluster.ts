import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

// Tests that need the real Slurm cluster (scripts/slurm/start-cluster.sh) skip with this reason
// when it is not there, so `npm test` works on a machine without Slurm; CI starts the cluster.

let reason: string | undefined | null = null;

export function slurmSkipReason(): string | undefined {
  if (reason !== null) return reason;
  const sinfo = spawnSync('sinfo', ['--noheader', '--Node', '--format=%t'], { encoding: 'utf8', timeout: 10_000 });
  if (sinfo.error !== undefined && (sinfo.error as NodeJS.ErrnoException).code === 'ENOENT') {
    reason = 'Slurm is not installed (no sinfo/sbatch on PATH); start the test cluster with `sudo scripts/slurm/start-cluster.sh`';
  } else if (sinfo.status !== 0 || !/^(idle|mix|alloc|comp)/m.test(sinfo.stdout)) {
    reason = `the Slurm cluster is not up (sinfo: ${(sinfo.stderr || sinfo.stdout || String(sinfo.error ?? '')).trim().split('\n')[0]}); start it with \`sudo scripts/slurm/start-cluster.sh\``;
  } else {
    reason = undefined;
  }
  if (reason !== undefined) process.stderr.write(`# Slurm tests skipped: ${reason}\n`);
  return reason;
}

/**
 * Jobs of the cluster still pending or running whose name starts with `prefix` and that run in
 * `workDir`: test files run two at a time, and another file's jobs share the name (`sluice-map`).
 */
export function activeJobs(prefix: string, workDir: string): string[] {
  const squeue = spawnSync('squeue', ['--noheader', '--states=PD,R', '--format=%i|%j|%Z'], { encoding: 'utf8', timeout: 10_000 });
  const here = fs.realpathSync(workDir);
  return squeue.stdout
    .split('\n')
    .map((line) => line.split('|'))
    .filter(([, name, dir]) => name?.startsWith(prefix) === true && dir !== undefined && realpathOr(dir) === here)
    .map(([job]) => job as string);
}

function realpathOr(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}
