import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grantThreads } from '../../src/execute/slurm/grant-threads.ts';
import { renderArgv, threadsOf } from '../../src/kernel/render-action.ts';
import type { Task } from '../../src/kernel/task.ts';

// In a Slurm job, {threads} is what the job was granted (SLURM_CPUS_PER_TASK), not what was asked.
test('a Slurm job renders {threads} as the cpus it was granted', () => {
  const task: Task = {
    id: 1,
    step: 'align',
    action: { kind: 'argv', argv: ['bwa', '-t', { parts: [{ threads: true }] }] },
    inputs: [],
    outputs: [],
    cwd: '/tmp',
    resources: { cpus: 4, threads: 4, retries: 0 },
  };
  assert.deepEqual(renderArgv(task.action, [], threadsOf(task)), ['bwa', '-t', '4']);
  const granted = grantThreads(task, { SLURM_CPUS_PER_TASK: '6' });
  assert.deepEqual(renderArgv(granted.action, [], threadsOf(granted)), ['bwa', '-t', '6']);
  assert.equal(grantThreads(task, {}), task, 'outside Slurm: unchanged');
  assert.equal(grantThreads(task, { SLURM_CPUS_PER_TASK: 'x' }), task, 'a value that is not a count: unchanged');
  assert.deepEqual(renderArgv(task.action, []), ['bwa', '-t', '{threads}'], 'unknown where it runs: shown as written');
});
