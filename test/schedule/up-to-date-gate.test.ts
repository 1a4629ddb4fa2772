// The up-to-date gate reads an input only when the verdict needs it: a task that must run whatever
// its inputs hold (an output missing, or forced) is signed when it is about to run, so that a
// first run over a large data set starts its first task without hashing every input first.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { createUpToDateGate } from '../../src/schedule/up-to-date-gate.ts';
import { createHashCache } from '../../src/state/hashes/hash-cache.ts';
import { hashFile } from '../../src/state/hashes/hash-file.ts';
import { openStore } from '../../src/state/store/open-store.ts';
import { createJournal } from '../../src/state/journal/journal.ts';
import { signTasks } from '../../src/state/freshness/sign-tasks.ts';
import { countingHashCache, makeTask, makeTempDir, writeOldFile } from '../state/helpers.ts';

function makeWorld() {
  const root = makeTempDir();
  const store = openStore(root);
  const { cache, hashed } = countingHashCache(store);
  const journal = createJournal(store);
  journal.startRun({ id: '20261130-120000-1', command: 'sluice run' });
  const tasks: Task[] = ['a', 'b'].map((name, index) => {
    writeOldFile(path.join(root, `${name}.in`), `input ${name}`);
    return makeTask({ id: index + 1, cwd: root, inputs: [`${name}.in`], outputs: [`${name}.out`] });
  });
  return { root, store, journal, cache, hashed, tasks };
}

test('a first run reads no input to decide, and signs each task when it is about to run', async () => {
  const { store, cache, hashed, tasks } = makeWorld();
  const gate = createUpToDateGate({ store, cache });
  const survey = await gate.survey(tasks, new Map());
  assert.equal(survey.upToDate.size, 0);
  assert.deepEqual([...survey.verdicts.values()].map((verdict) => !verdict.upToDate && verdict.reason), ['output missing', 'output missing']);
  assert.deepEqual(hashed, [], 'the survey read no input');
  assert.equal(gate.signatureOf(1), undefined);

  assert.equal(await gate.decide(tasks[0] as Task), true);
  assert.deepEqual(hashed, ['a.in'], 'only the task about to run had its inputs read');
  const [expected] = await signTasks(createHashCache(store), [{ task: tasks[0] as Task }]);
  assert.deepEqual(gate.signatureOf(1), expected);
  assert.equal(gate.signatureOf(2), undefined);
});

test('a task with its outputs on disk is signed by the survey, and is up to date when nothing changed', async () => {
  const { root, store, journal, cache, hashed, tasks } = makeWorld();
  const task = tasks[0] as Task;
  const [signature] = await signTasks(createHashCache(store), [{ task }]);
  fs.writeFileSync(path.join(root, 'a.out'), 'made');
  await journal.commitSuccess({ task, attempt: 1, signature: signature!, startedAt: Date.now() });
  const gate = createUpToDateGate({ store, cache });
  const survey = await gate.survey([task], new Map());
  assert.deepEqual([...survey.upToDate], [1]);
  assert.deepEqual(hashed, [], 'the hash recorded with the success vouches for the unchanged input');
  assert.deepEqual(gate.signatureOf(1), signature);
});

test('a forced task is judged without reading its inputs, and signed before it runs', async () => {
  const { root, store, cache, hashed, tasks } = makeWorld();
  for (const task of tasks) fs.writeFileSync(path.join(root, task.outputs[0] as string), 'made');
  const gate = createUpToDateGate({ store, cache, forcedSteps: new Set(['convert']) });
  const survey = await gate.survey(tasks, new Map());
  assert.deepEqual([...survey.verdicts.values()].map((verdict) => !verdict.upToDate && verdict.reason), ['forced', 'forced']);
  assert.deepEqual(hashed, []);
  assert.equal(await gate.decide(tasks[1] as Task), true);
  assert.deepEqual(hashed, ['b.in']);
  assert.notEqual(gate.signatureOf(2), undefined);
});

test('with signing deferred, a task that must run is signed after it ran, with the input hashes its executor took', async () => {
  const { root, store, cache, hashed, tasks } = makeWorld();
  const gate = createUpToDateGate({ store, cache, deferSigning: (task) => task.id === 1 });
  await gate.survey(tasks, new Map());
  assert.equal(await gate.decide(tasks[0] as Task), true);
  assert.equal(await gate.decide(tasks[1] as Task), true);
  assert.deepEqual(hashed, ['b.in'], 'the deferred task had no input read to start');
  assert.equal(gate.isDeferred(1), true);
  assert.equal(gate.isDeferred(2), false);
  assert.equal(gate.signatureOf(1), undefined);

  // The input changed while the task ran: it is signed with the content it read.
  const input = path.join(root, 'a.in');
  const read = await hashFile(input);
  fs.writeFileSync(input, 'changed while it ran');
  const signature = await gate.sign(tasks[0] as Task, new Map([[input, read]]));
  assert.deepEqual(hashed, ['b.in'], 'signing read nothing: the hash was known');
  fs.writeFileSync(input, 'input a');
  const [expected] = await signTasks(createHashCache(store), [{ task: tasks[0] as Task }]);
  assert.deepEqual(signature, expected);
  assert.deepEqual(gate.signatureOf(1), expected);
  assert.equal(gate.isDeferred(1), false);
});

test('a task downstream of one that runs is decided at once when an output of its own is missing (it runs whatever its inputs become); with its outputs there, it is judged again', async () => {
  const { root, store, cache, tasks } = makeWorld();
  const [up, down] = tasks as [Task, Task];
  const deferred = new Set<number>();
  const gate = createUpToDateGate({ store, cache, deferSigning: (task) => deferred.has(task.id) });
  deferred.add(down.id);
  const survey = await gate.survey(tasks, new Map([[down.id, [up.id]]]));
  assert.equal(survey.upToDate.size, 0);
  assert.equal(gate.decide(down), true, 'answered at once, not with a promise');
  assert.equal(gate.isDeferred(down.id), true);

  // Both outputs on disk, a success recorded for the downstream task: it must be judged again
  // once its upstream ran (a promise), since its inputs may be remade identically.
  const journal = createJournal(store);
  journal.startRun({ id: '20261130-120000-2', command: 'sluice run' });
  const [signature] = await signTasks(createHashCache(store), [{ task: down }]);
  fs.writeFileSync(path.join(root, 'b.out'), 'made');
  await journal.commitSuccess({ task: down, attempt: 1, signature: signature!, startedAt: Date.now() });
  const again = createUpToDateGate({ store, cache });
  await again.survey(tasks, new Map([[down.id, [up.id]]]));
  const decision = again.decide(down);
  assert.ok(decision instanceof Promise, 'judged again with its inputs as they are now');
  assert.equal(await decision, false, 'its input did not change: up to date');
});

test('a shell task whose success was recorded when it ran by /bin/sh runs once more, then is up to date', async () => {
  const { root, store, journal, cache } = makeWorld();
  // `sluice map --shell` before session 12: no bash, run as `/bin/sh -c` (no pipefail), signed
  // by the bare action. A pipe that failed then may have been recorded as this success.
  const script = ['false | cat > ', { output: 0 }];
  const old = makeTask({ cwd: root, step: 'map', inputs: ['a.in'], outputs: ['a.out'], action: { kind: 'shell', script } as unknown as Task['action'] });
  const [oldSignature] = await signTasks(createHashCache(store), [{ task: old }]);
  fs.writeFileSync(path.join(root, 'a.out'), 'made by /bin/sh');
  await journal.commitSuccess({ task: old, attempt: 1, signature: oldSignature!, startedAt: Date.now() });
  const strict: Task = { ...old, action: { kind: 'shell', script, bash: '/bin/bash' } };
  const survey = await createUpToDateGate({ store, cache }).survey([strict], new Map());
  assert.deepEqual([...survey.verdicts.values()].map((verdict) => !verdict.upToDate && verdict.reason), ['command changed']);

  const [signature] = await signTasks(createHashCache(store), [{ task: strict, action: { kind: 'shell', script, shell: 'bash -euo pipefail' } }]);
  await journal.commitSuccess({ task: strict, attempt: 1, signature: signature!, startedAt: Date.now() });
  const elsewhere: Task = { ...old, action: { kind: 'shell', script, bash: '/usr/local/bin/bash' } };
  const again = await createUpToDateGate({ store, cache }).survey([elsewhere], new Map());
  assert.deepEqual([...again.upToDate], [1], 'where bash lives is not part of the signature');
});
