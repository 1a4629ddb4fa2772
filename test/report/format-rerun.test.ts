import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { formatRerunCommand } from '../../src/report/format-rerun.ts';

const task = (fields: Partial<Task>): Task => ({
  id: 7,
  step: 'bwa_map',
  action: { kind: 'argv', argv: ['true'] },
  inputs: [],
  outputs: ['mapped/A.bam'],
  cwd: '/p',
  resources: { cpus: 1, retries: 0 },
  ...fields,
});

it('forces the step and targets the output, from where sluice ran', () => {
  assert.equal(formatRerunCommand(task({}), { pipelineArgs: [], cwd: '/p' }), 'sluice run --force bwa_map mapped/A.bam');
  assert.equal(formatRerunCommand(task({}), { pipelineArgs: ['-f', '../p/pipeline.ts'], cwd: '/q' }), 'sluice run -f ../p/pipeline.ts --force bwa_map ../p/mapped/A.bam');
  assert.equal(formatRerunCommand(task({ outputs: ["it's.txt"] }), { pipelineArgs: ['-p', 'x=a b'], cwd: '/p' }), `sluice run -p 'x=a b' --force bwa_map './it'\\''s.txt'`);
  // A path that could be read as an option or a step's name stays a path.
  assert.equal(formatRerunCommand(task({ outputs: ['-x'] }), { pipelineArgs: [], cwd: '/p' }), 'sluice run --force bwa_map ./-x');
  assert.equal(formatRerunCommand(task({ outputs: ['summary'] }), { pipelineArgs: [], cwd: '/p' }), 'sluice run --force bwa_map ./summary');
});

it('has no command for a task with wildcards and no output to target', () => {
  assert.equal(formatRerunCommand(task({ outputs: [], wildcards: { s: 'a' } }), { pipelineArgs: [], cwd: '/p' }), undefined);
  assert.equal(formatRerunCommand(task({ outputs: [] }), { pipelineArgs: [], cwd: '/p' }), 'sluice run --force bwa_map bwa_map');
});
