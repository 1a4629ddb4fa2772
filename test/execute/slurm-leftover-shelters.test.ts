import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';
import { slurmSkipReason } from '../conformance/slurm-cluster.ts';

// A Slurm job's sluice stages outputs in `.sluice-slurm-<run>-<task>/` beside them; killed hard
// (SIGKILL, the OOM killer), it leaves that folder. The next run, local or Slurm, removes it,
// except while the job ledger says a job of that run may still run (a restarted Slurm run picks
// such jobs up). Before, nothing removed these folders.

const PIPELINE = `
import { pipeline, step, sh } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{s}.txt', out: 'work/{s}.txt', run: sh('if [ -e slow ]; then sleep 5; fi; cp {in} {out}') }),
});
`;

function makeProject(): string {
  const dir = makeTempDir('sluice-shelters-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data/A.txt'), 'A\n');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

const hidden = (dir: string): string[] => fs.readdirSync(dir).filter((name) => name.startsWith('.sluice-')).sort();

describe('folders a killed Slurm job left beside its outputs', () => {
  it('are removed by the next local run, but for those of a run with jobs the ledger holds', async () => {
    const dir = makeProject();
    const work = path.join(dir, 'work');
    const ended = path.join(work, '.sluice-slurm-20260101-000000-111-1');
    const live = path.join(work, '.sluice-slurm-20260101-000000-222-1');
    fs.mkdirSync(path.join(ended, '.sluice-tmp-20260101-000000-111-1'), { recursive: true });
    fs.writeFileSync(path.join(ended, '.sluice-tmp-20260101-000000-111-1/A.txt'), 'half');
    fs.mkdirSync(live, { recursive: true });
    fs.mkdirSync(path.join(dir, '.sluice/slurm'), { recursive: true });
    const entry = { key: '["other",["work/B.txt"]]', job: '999999', taskFile: path.join(dir, '.sluice/slurm/20260101-000000-222/task-1.1.json'), runId: '20260101-000000-222', submittedAt: 1 };
    fs.writeFileSync(path.join(dir, '.sluice/slurm/jobs.jsonl'), `${JSON.stringify({ op: 'submit', entry })}\n`);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(work, 'A.txt'), 'utf8'), 'A\n');
    assert.deepEqual(hidden(work), ['.sluice-slurm-20260101-000000-222-1']);
  });

  it('after the sluice of a real job is killed with SIGKILL, the next run leaves none', { skip: slurmSkipReason(), timeout: 240_000 }, async () => {
    const dir = makeProject();
    fs.writeFileSync(path.join(dir, 'slow'), '');
    const run = startSluice(['run', '--executor', 'slurm', '--tasks-per-job', '1'], { cwd: dir });
    // The node's sluice: the one whose batch file lies in this project.
    const nodeSluice = (): number | undefined => {
      for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
        let args = '';
        try {
          args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        if (args.includes('--batch') && args.includes(path.join(dir, '.sluice/slurm'))) return Number(pid);
      }
      return undefined;
    };
    await waitFor(() => nodeSluice() !== undefined && fs.existsSync(path.join(dir, 'work')) && hidden(path.join(dir, 'work')).length > 0, 120_000);
    process.kill(nodeSluice() as number, 'SIGKILL');
    const first = await run.done;
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /did not finish/);
    assert.equal(hidden(path.join(dir, 'work')).length, 1, 'the killed job left its folder');
    fs.rmSync(path.join(dir, 'slow'));
    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'work/A.txt'), 'utf8'), 'A\n');
    assert.deepEqual(hidden(path.join(dir, 'work')), []);
  });
});
