import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { execTask } from '../../src/execute/slurm/exec-task.ts';
import { TASK_FILE_VERSION, type TaskFile } from '../../src/execute/slurm/task-files.ts';
import type { Task } from '../../src/kernel/task.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

// The node's side of the Slurm executor, run here as a job would run it: an sh() step travels in
// its task file with the bash the submitting sluice found, and runs there in strict mode.

function taskFile(dir: string, script: string, bash: string): { file: string; spec: TaskFile } {
  fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'in.txt'), 'one\ntwo\n');
  const task: Task = {
    id: 1,
    step: 'piece',
    action: { kind: 'shell', script: [script.split('{out}')[0] as string, { output: 0 }, script.split('{out}')[1] ?? ''], bash },
    inputs: ['in.txt'],
    outputs: ['out/a.txt'],
    cwd: dir,
    resources: { cpus: 1, retries: 0 },
  };
  const spec: TaskFile = { version: TASK_FILE_VERSION, runId: 'run-1', logDir: path.join(dir, '.sluice/logs/run-1'), attempt: 1, task };
  const file = path.join(dir, '.sluice/slurm/run-1/1.1.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(spec));
  return { file, spec: JSON.parse(fs.readFileSync(file, 'utf8')) as TaskFile };
}

describe('an sh() task on a Slurm node', () => {
  it('fails when the first command of a pipe fails, leaving no output', async () => {
    const dir = makeTempDir('sluice-node-');
    const { file, spec } = taskFile(dir, '(cat in.txt; exit 3) | cat > {out}', '/usr/bin/env-bash-is-elsewhere');
    const marker = await execTask(file, spec);
    assert.equal(marker.status, 'failed');
    assert.equal(marker.exitCode, 3);
    assert.equal(fs.existsSync(path.join(dir, 'out/a.txt')), false);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'out')), []);
  });

  it('runs with the node\'s own bash when the planned one is not there', async () => {
    const dir = makeTempDir('sluice-node-');
    const { file, spec } = taskFile(dir, 'words=(a b); echo "${words[1]}" | cat > {out}', '/no/such/dir/bash');
    const marker = await execTask(file, spec);
    assert.equal(marker.status, 'succeeded', marker.error);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'b\n');
  });
});
