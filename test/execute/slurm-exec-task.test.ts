import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { execTask } from '../../src/execute/slurm/exec-task.ts';
import { runExecTaskCommand } from '../../src/execute/slurm/exec-task-command.ts';
import { TASK_FILE_VERSION, type Marker, type TaskFile } from '../../src/execute/slurm/task-files.ts';
import type { Task } from '../../src/kernel/task.ts';
import { TaskFailedError } from '../../src/schedule/task-failed-error.ts';
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

describe('a no-output limit on a Slurm node', () => {
  it('ends a silent task there, and the submitting side says which limit it reached', async () => {
    const dir = makeTempDir('sluice-node-');
    const made = taskFile(dir, 'sleep 1000; echo late > {out}', '/bin/bash');
    const task: Task = { ...made.spec.task, resources: { cpus: 1, retries: 0, timeoutMs: 600_000, noOutputTimeoutMs: 1000 } };
    fs.writeFileSync(made.file, JSON.stringify({ ...made.spec, task }));
    const marker = await execTask(made.file, { ...made.spec, task });
    assert.deepEqual([marker.status, marker.silentMs, marker.error], ['timed out', 1000, 'no output for 1.00 s']);
    assert.equal(fs.existsSync(path.join(dir, 'out/a.txt')), false);
    const outcome = { ...marker, argv: ['bash'], error: `${marker.error} (Slurm job 7_0, job output x.out)` };
    assert.match(new TaskFailedError(task, 1, outcome).message, /^timed out: no output for 1\.00 s: /);
  });
});

describe('a packed element on a Slurm node', () => {
  it('cancels one task alone by its cancel file, before its turn or while it runs; its pack-mates run and the element succeeds', { timeout: 120_000 }, async () => {
    const dir = makeTempDir('sluice-node-pack-');
    const runDir = path.join(dir, '.sluice/slurm/run-1');
    fs.mkdirSync(runDir, { recursive: true });
    fs.mkdirSync(path.join(dir, 'out'));
    const scripts = ['echo one > {out}', 'sleep 600; echo two > {out}', 'echo three > {out}', 'echo four > {out}'];
    const names = scripts.map((script, index) => {
      const id = index + 1;
      const [before, after] = script.split('{out}') as [string, string];
      const task: Task = {
        id, step: 'piece', action: { kind: 'shell', script: [before, { output: 0 }, after], bash: '/bin/bash' },
        inputs: [], outputs: [`out/${id}.txt`], cwd: dir, resources: { cpus: 1, retries: 0 },
      };
      const spec: TaskFile = { version: TASK_FILE_VERSION, runId: 'run-1', logDir: path.join(dir, '.sluice/logs/run-1'), attempt: 1, task };
      fs.writeFileSync(path.join(runDir, `${id}.1.json`), JSON.stringify(spec));
      return `${id}.1.json`;
    });
    fs.writeFileSync(path.join(runDir, 'batch-1.json'), JSON.stringify([names]));
    fs.writeFileSync(path.join(runDir, '3.1.cancel'), '');
    const saved = process.env['SLURM_ARRAY_TASK_ID'];
    process.env['SLURM_ARRAY_TASK_ID'] = '0';
    const running = runExecTaskCommand(['--batch', path.join(runDir, 'batch-1.json')]);
    try {
      // Task 2 is running (its shell started): sluice cancels it alone.
      for (let i = 0; i < 600 && !fs.existsSync(path.join(dir, 'out/1.txt')); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 500));
      fs.writeFileSync(path.join(runDir, '2.1.cancel'), '');
      assert.equal(await running, 0, 'a task cancelled by sluice is no failure of the element');
    } finally {
      if (saved === undefined) delete process.env['SLURM_ARRAY_TASK_ID'];
      else process.env['SLURM_ARRAY_TASK_ID'] = saved;
    }
    const marker = (id: number): Marker => JSON.parse(fs.readFileSync(path.join(runDir, `${id}.1.exit.json`), 'utf8')) as Marker;
    assert.deepEqual([1, 2, 3, 4].map((id) => marker(id).status), ['succeeded', 'cancelled', 'cancelled', 'succeeded']);
    assert.equal(marker(2).signalledBySlurm, undefined, 'stopped by sluice, not by Slurm');
    assert.match(marker(3).error ?? '', /before it started/);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'out')).sort(), ['1.txt', '4.txt'], 'no output of a cancelled task under its final name');
  });
});
