// The composition root on real processes, files and SQLite: a run is opened, run and closed, and
// its folder is free again whatever way it ended.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { TEMP_PREFIX } from '../../src/execute/atomic-outputs.ts';
import type { Executor } from '../../src/execute/executor.ts';
import { createFunctionRunner } from '../../src/execute/worker/create-function-runner.ts';
import type { Task } from '../../src/kernel/task.ts';
import { planMap } from '../../src/plan/plan-map.ts';
import { closeSession } from '../../src/session/close-session.ts';
import { openSession } from '../../src/session/open-session.ts';
import { runSession } from '../../src/session/run-session.ts';
import { RunLockedError } from '../../src/state/store/state-errors.ts';
import { makeTempDir, writeOldFile } from '../state/helpers.ts';

function catTasks(root: string, names: readonly string[]): Task[] {
  for (const name of names) writeOldFile(path.join(root, name), `${name}\n`);
  return planMap({ command: ['cat'], shell: false, inputs: names, outTemplate: 'out/{stem}.txt', cwd: root, retries: 0 });
}

const request = { jobs: 2, keepGoing: false, command: 'sluice test' };

// The folder is free: another run can take its lock.
async function assertFree(root: string): Promise<void> {
  const session = await openSession({ root, command: 'sluice check', jobs: 1, tasks: [] });
  await closeSession(session);
}

describe('runSession', () => {
  it('runs the tasks and records their successes; the next run finds them up to date; the folder is free after each', async () => {
    const root = makeTempDir('sluice-session-');
    const tasks = catTasks(root, ['a.txt', 'b.txt']);
    const first = await runSession({ ...request, root, tasks });
    assert.equal(first.counts.succeeded, 2);
    assert.equal(fs.readFileSync(path.join(root, 'out/a.txt'), 'utf8'), 'a.txt\n');
    await assertFree(root);
    const second = await runSession({ ...request, root, tasks });
    assert.equal(second.counts['up to date'], 2);
    assert.equal(second.survey.upToDate.size, 2);
    await assertFree(root);
  });

  it('closes the function threads its caller started early when the folder is locked by another run', async () => {
    const root = makeTempDir('sluice-session-');
    const tasks = catTasks(root, ['a.txt']);
    const holder = await openSession({ root, command: 'sluice holder', jobs: 1, tasks: [] });
    const runner = createFunctionRunner({ threads: 1 });
    try {
      await assert.rejects(runSession({ ...request, root, tasks, functionRunner: Promise.resolve(runner) }), RunLockedError);
      // A closed runner starts nothing more.
      const after = await runner.run(tasks[0] as Task, []);
      assert.equal(after.ok === false && after.cancelled === true, true, 'the runner was closed');
    } finally {
      await runner.close();
      await closeSession(holder);
    }
  });

  it('closes the run when a task fails', async () => {
    const root = makeTempDir('sluice-session-');
    writeOldFile(path.join(root, 'x'), 'x\n');
    const tasks = planMap({ command: ['cat {} > /dev/null; exit 3'], shell: true, inputs: ['x'], outTemplate: 'out/{stem}', cwd: root, retries: 0 });
    const result = await runSession({ ...request, root, tasks });
    assert.equal(result.failures.length, 1);
    assert.equal(result.failures[0]?.outcome.exitCode, 3);
    await assertFree(root);
  });

  it('ends an interrupted run as interrupted, its task cancelled, and closes it', async () => {
    const root = makeTempDir('sluice-session-');
    writeOldFile(path.join(root, 'x'), 'x\n');
    const tasks = planMap({ command: ['sleep 600; true'], shell: true, inputs: ['x'], outTemplate: 'out/{stem}', cwd: root, retries: 0 });
    const interrupt = new AbortController();
    const result = await runSession({ ...request, root, tasks, signal: interrupt.signal, listeners: [{ onTaskStarted: () => interrupt.abort() }] });
    assert.equal(result.interrupted, true);
    assert.equal(result.counts.succeeded, 0);
    assert.equal(fs.existsSync(path.join(root, 'out/x')), false);
    await assertFree(root);
  });
});

describe('openSession and closeSession', () => {
  it('hold the folder: a second session is refused until the first is closed', async () => {
    const root = makeTempDir('sluice-session-');
    const first = await openSession({ root, command: 'sluice first', jobs: 1, tasks: [] });
    await assert.rejects(openSession({ root, command: 'sluice second', jobs: 1, tasks: [] }), RunLockedError);
    await closeSession(first);
    await assertFree(root);
  });

  it('remove what a killed run left staged in the outputs\' folders as the session opens', async () => {
    const root = makeTempDir('sluice-session-');
    const tasks = catTasks(root, ['a.txt']);
    const staged = path.join(root, 'out', `${TEMP_PREFIX}killed`);
    fs.mkdirSync(staged, { recursive: true });
    fs.writeFileSync(path.join(staged, 'half-written'), 'x');
    const session = await openSession({ root, command: 'sluice test', jobs: 1, tasks });
    try {
      assert.deepEqual(session.cleanup, { recovered: 0, removed: 1 });
      assert.equal(fs.existsSync(staged), false);
    } finally {
      await closeSession(session);
    }
  });

  it('release the lock and close the store even when the executor fails to shut down', async () => {
    const root = makeTempDir('sluice-session-');
    const session = await openSession({ root, command: 'sluice test', jobs: 1, tasks: [] });
    const broken: Executor = {
      traits: { name: 'broken', printsStdout: false },
      submit: () => Promise.reject(new Error('never submitted')),
      cancel: () => {},
      shutdown: () => Promise.reject(new Error('shutdown failed')),
    };
    await assert.rejects(closeSession(session, { executor: broken }), /shutdown failed/);
    await assertFree(root);
  });
});
