import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { execTask } from '../../src/execute/slurm/exec-task.ts';
import type { TaskFile } from '../../src/execute/slurm/task-files.ts';
import type { Task } from '../../src/kernel/task.ts';

// The compute-node side of the Slurm executor runs a task as the local executor does: its
// declared logs are written in place on the shared file system, their tails travel back in the
// marker, and the captured streams are bounded by the submitting sluice's cap.

function taskFile(root: string, task: Task, fields: Partial<TaskFile> = {}): { file: string; spec: TaskFile } {
  const spec: TaskFile = { version: 1, runId: 'r1', logDir: path.join(root, '.sluice/logs/r1'), attempt: 1, task, ...fields };
  const dir = path.join(root, '.sluice/slurm/r1');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${task.id}.${spec.attempt}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  return { file, spec };
}

const shell = (script: string): Task['action'] => ({ kind: 'argv', argv: ['sh', '-c', script] });

test('a node keeps a failed task\'s log in place and sends its tail back in the marker', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-node-logs-'));
  fs.mkdirSync(path.join(root, 'logs'));
  fs.writeFileSync(path.join(root, 'logs/a.log'), 'stale\n');
  const task: Task = {
    id: 3,
    step: 'check',
    action: shell('echo "checked a" >> "logs/a.log"; echo "it is broken" >> "logs/a.log"; seq 1 3000 >&2; exit 2'),
    inputs: [],
    outputs: [],
    logs: ['logs/a.log', 'deep/er/b.log'],
    cwd: root,
    resources: { cpus: 1, retries: 0 },
  };
  const { file, spec } = taskFile(root, task, { streamCapBytes: 1024, stderrTailLines: 2 });
  const marker = await execTask(file, spec);
  assert.equal(marker.status, 'failed');
  assert.equal(fs.readFileSync(path.join(root, 'logs/a.log'), 'utf8'), 'checked a\nit is broken\n', 'the stale log went first');
  assert.ok(fs.statSync(path.join(root, 'deep/er')).isDirectory(), 'a log\'s folder is made before the task starts');
  assert.deepEqual(marker.logTails, [
    { path: 'logs/a.log', tail: ['checked a', 'it is broken'] },
    { path: 'deep/er/b.log', tail: null },
  ]);
  assert.deepEqual(marker.stderrTail, ['2999', '3000']);
  assert.ok(fs.statSync(marker.stderrLog).size < 1024 + 200, 'the cap of the task file bounds the capture');

  const ok: Task = { ...task, id: 4, action: shell('echo fine > logs/a.log') };
  const done = taskFile(root, ok);
  const success = await execTask(done.file, done.spec);
  assert.equal(success.status, 'succeeded');
  assert.equal(success.logTails, undefined);
  assert.equal(success.stderrLog, '', 'nothing on stderr: no file');
  assert.equal(fs.readFileSync(path.join(root, 'logs/a.log'), 'utf8'), 'fine\n');
});
