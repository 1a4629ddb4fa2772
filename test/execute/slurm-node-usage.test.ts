// A Slurm job's node side measures its tasks as a local run does: `sluice exec-task --batch`
// (what an array job runs) starts command tasks through the python launcher, whose wait4 gives
// their CPU time and peak memory, and runs function tasks on a worker thread that measures
// itself; both travel back to the submitting sluice in the marker. No Slurm needed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { markerPathOf, TASK_FILE_VERSION, type Marker, type TaskFile } from '../../src/execute/slurm/task-files.ts';
import { runSluice } from '../helpers/run-sluice.ts';
import { WORK, writeRecordsProject } from '../cli/task-records-project.ts';
import { planFile, tasksOf } from './worker-fixtures.ts';

it('a batch of a command and a function task reports what each used in its marker', async () => {
  const dir = writeRecordsProject('sluice-node-usage-');
  const plan = await planFile(path.join(dir, 'pipeline.ts'));
  const burn = tasksOf(plan, 'burn').find((task) => task.wildcards?.['sample'] === 'a');
  const sum = tasksOf(plan, 'sum').find((task) => task.wildcards?.['sample'] === 'a');
  assert.ok(burn !== undefined && sum !== undefined);
  const runDir = path.join(dir, '.sluice/slurm/r1');
  fs.mkdirSync(runDir, { recursive: true });
  const files = [burn, sum].map((task) => {
    const spec: TaskFile = { version: TASK_FILE_VERSION, runId: 'r1', logDir: path.join(dir, '.sluice/logs/r1'), attempt: 1, task };
    const file = path.join(runDir, `${task.id}.1.json`);
    fs.writeFileSync(file, JSON.stringify(spec));
    return file;
  });
  // One array index that runs both, one after the other, as --tasks-per-job makes them.
  fs.writeFileSync(path.join(runDir, 'batch-1.json'), JSON.stringify([files.map((file) => path.basename(file))]));

  const job = await runSluice(['exec-task', '--batch', path.join(runDir, 'batch-1.json')], { cwd: dir, env: { SLURM_ARRAY_TASK_ID: '0' } });
  assert.equal(job.code, 0, job.stderr);
  const [command, fn] = files.map((file) => JSON.parse(fs.readFileSync(markerPathOf(file), 'utf8')) as Marker);
  assert.equal(command?.status, 'succeeded');
  assert.ok((command?.usage?.cpuUserUs ?? 0) > 100_000, `command usage ${JSON.stringify(command?.usage)}`);
  assert.ok((command?.usage?.maxRssKb ?? 0) > 50 * 1024, `command usage ${JSON.stringify(command?.usage)}`);
  assert.equal(fn?.status, 'succeeded', fn?.error);
  assert.ok((fn?.usage?.cpuUserUs ?? 0) + (fn?.usage?.cpuSystemUs ?? 0) > 0, `function usage ${JSON.stringify(fn?.usage)}`);
  assert.ok((fn?.usage?.heapKb ?? 0) >= WORK.heapMiB * 1024, `function usage ${JSON.stringify(fn?.usage)}`);
  assert.equal(fs.readFileSync(path.join(dir, 'out/a.sum'), 'utf8').startsWith('A\n'), true);
});
