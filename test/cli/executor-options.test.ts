// The executor options given back as arguments (for the command that re-runs a failed task):
// parsed again, they are the options given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { addExecutorOptions, executorArgs, type ExecutorFlags } from '../../src/cli/executor-options.ts';

function parse(args: readonly string[]): ExecutorFlags {
  const command = addExecutorOptions(new Command('run').exitOverride());
  command.parse(args, { from: 'user' });
  return command.opts<ExecutorFlags>();
}

describe('executorArgs', () => {
  it('gives nothing for the local executor', () => {
    assert.deepEqual(executorArgs(parse([])), []);
    assert.deepEqual(executorArgs(parse(['--executor', 'local'])), []);
  });

  it('gives --executor slurm and each of its options, which parse back to the same flags', () => {
    const given = ['--executor', 'slurm', '--partition', 'long q', '--account', 'lab', '--sbatch-arg', '--qos=short', '--sbatch-arg=--mem=4G', '--tasks-per-job', '5'];
    const flags = parse(given);
    const args = executorArgs(flags);
    assert.deepEqual(args, ['--executor', 'slurm', '--partition', 'long q', '--account', 'lab', '--sbatch-arg=--qos=short', '--sbatch-arg=--mem=4G', '--tasks-per-job', '5']);
    assert.deepEqual(parse(args), flags);
  });
});
