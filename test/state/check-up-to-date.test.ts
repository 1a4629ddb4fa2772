import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { checkUpToDate, type UpToDateVerdict } from '../../src/state/freshness/check-up-to-date.ts';
import type { HashCache } from '../../src/state/hashes/hash-cache.ts';
import type { SignedAction } from '../../src/state/freshness/compute-signature.ts';
import { openStore, type StateStore } from '../../src/state/store/open-store.ts';
import { createJournal } from '../../src/state/journal/journal.ts';
import { signTasks } from '../../src/state/freshness/sign-tasks.ts';
import type { JsonValue } from '../../src/state/freshness/serialize-canonical.ts';
import { countingHashCache, makeTask, makeTempDir, writeOldFile } from './helpers.ts';

interface Extras {
  action?: SignedAction;
  params?: JsonValue;
  env?: Record<string, string>;
  forced?: boolean;
}

interface World {
  root: string;
  store: StateStore;
  cache: HashCache;
  hashed: string[];
  task: Task;
  check(extras?: Extras, task?: Task): Promise<UpToDateVerdict>;
  /** Runs the task: writes its output beside and renames it into place, then records success. */
  run(extras?: Extras, task?: Task): Promise<void>;
}

async function makeWorld(): Promise<World> {
  const root = makeTempDir();
  const store = openStore(root);
  const { cache, hashed } = countingHashCache(store);
  const journal = createJournal(store);
  journal.startRun({ id: '20261125-120000-1', command: 'sluice run' });
  writeOldFile(path.join(root, 'in.txt'), 'input one');
  writeOldFile(path.join(root, 'other.txt'), 'input two');
  const task = makeTask({ cwd: root, inputs: ['in.txt', 'other.txt'], outputs: ['out.txt'] });
  const sign = (t: Task, extras: Extras) => signTasks(cache, [{ task: t, ...extras }]);
  return {
    root,
    store,
    cache,
    hashed,
    task,
    async check(extras = {}, t = task) {
      const [signature] = await sign(t, extras);
      const [verdict] = checkUpToDate(store, [{ task: t, signature: signature!, forced: extras.forced }]);
      return verdict!;
    },
    async run(extras = {}, t = task) {
      const [signature] = await sign(t, extras);
      const startedAt = Date.now();
      for (const output of t.outputs) {
        const final = path.join(root, output);
        fs.writeFileSync(`${final}.tmp`, `made from ${t.inputs.join(',')}`);
        fs.renameSync(`${final}.tmp`, final);
      }
      await journal.commitSuccess({ task: t, attempt: 1, signature: signature!, startedAt });
    },
  };
}

const upToDate = (key: string): UpToDateVerdict => ({ key, upToDate: true });

test('a task whose output was never made: output missing; made by hand: never run', async () => {
  const w = await makeWorld();
  assert.deepEqual(await w.check(), { key: '["convert",["out.txt"]]', upToDate: false, reason: 'output missing', path: 'out.txt' });
  fs.writeFileSync(path.join(w.root, 'out.txt'), 'by hand');
  assert.equal(((await w.check()) as { reason: string }).reason, 'never run');
});

test('after a recorded success the task is up to date, at the cost of stat calls only', async () => {
  const w = await makeWorld();
  await w.run();
  assert.deepEqual(w.hashed.sort(), ['in.txt', 'other.txt']);
  assert.deepEqual(await w.check(), upToDate('["convert",["out.txt"]]'));
  assert.deepEqual(await w.check(), upToDate('["convert",["out.txt"]]'));
  assert.equal(w.hashed.length, 2, 'no input was read again');
  assert.ok(w.cache.counts.hits >= 4);
});

test('touching an input without changing it keeps the task up to date', async () => {
  const w = await makeWorld();
  await w.run();
  const now = new Date();
  fs.utimesSync(path.join(w.root, 'in.txt'), now, now);
  assert.equal((await w.check()).upToDate, true);
  assert.deepEqual(w.hashed.sort(), ['in.txt', 'in.txt', 'other.txt'], 'the touched input was re-hashed once');
});

test('a content change of an input names that input', async () => {
  const w = await makeWorld();
  await w.run();
  fs.writeFileSync(path.join(w.root, 'other.txt'), 'input two, edited');
  assert.deepEqual(await w.check(), {
    key: '["convert",["out.txt"]]',
    upToDate: false,
    reason: 'input changed',
    path: 'other.txt',
    inputChange: 'content changed',
  });
});

test('an input added, removed, gone or reordered is named as such', async () => {
  const w = await makeWorld();
  await w.run();
  writeOldFile(path.join(w.root, 'third.txt'), 'three');
  const cases: Array<[string[], string | undefined, string]> = [
    [['in.txt', 'other.txt', 'third.txt'], 'third.txt', 'added'],
    [['in.txt'], 'other.txt', 'removed'],
    [['other.txt', 'in.txt'], undefined, 'reordered'],
    [['in.txt', 'gone.txt', 'other.txt'], 'gone.txt', 'added'],
  ];
  for (const [inputs, name, change] of cases) {
    const verdict = await w.check({}, { ...w.task, inputs });
    assert.equal((verdict as { reason: string }).reason, 'input changed');
    assert.equal((verdict as { path?: string }).path, name);
    assert.equal((verdict as { inputChange: string }).inputChange, change);
  }
  fs.rmSync(path.join(w.root, 'other.txt'));
  const verdict = await w.check();
  assert.deepEqual([(verdict as { path: string }).path, (verdict as { inputChange: string }).inputChange], ['other.txt', 'missing']);
});

test('a changed command, parameters or environment are named', async () => {
  const w = await makeWorld();
  const params = { sep: ',' };
  const env = { LC_ALL: 'C' };
  await w.run({ params, env });
  assert.equal((await w.check({ params: { sep: ',' }, env: { LC_ALL: 'C' } })).upToDate, true);
  const reason = async (extras: Extras): Promise<string | undefined> => ((await w.check(extras)) as { reason?: string }).reason;
  assert.equal(await reason({ params, env, action: { kind: 'argv', argv: ['python3', 'convert.py', '--v2'] } }), 'command changed');
  assert.equal(await reason({ params: { sep: ';' }, env }), 'parameters changed');
  assert.equal(await reason({ params, env: { LC_ALL: 'en_US.UTF-8' } }), 'environment changed');
  assert.equal(await reason({ params, env, forced: true }), 'forced');
});

test('a function step is signed by its source', async () => {
  const w = await makeWorld();
  await w.run({ action: { kind: 'function', source: 'async ({ input }) => input' } });
  assert.equal((await w.check({ action: { kind: 'function', source: 'async ({ input }) => input' } })).upToDate, true);
  const changed = await w.check({ action: { kind: 'function', source: 'async ({ input }) => input.trim()' } });
  assert.equal((changed as { reason: string }).reason, 'command changed');
});

test('an output deleted: output missing; edited, touched or replaced: outputs changed', async () => {
  const w = await makeWorld();
  const out = path.join(w.root, 'out.txt');
  await w.run();
  fs.rmSync(out);
  assert.deepEqual(await w.check(), { key: '["convert",["out.txt"]]', upToDate: false, reason: 'output missing', path: 'out.txt' });

  await w.run();
  fs.appendFileSync(out, 'edited by hand');
  assert.deepEqual(await w.check(), { key: '["convert",["out.txt"]]', upToDate: false, reason: 'outputs changed', path: 'out.txt' });

  await w.run();
  const content = fs.readFileSync(out);
  const { mtime } = fs.statSync(out);
  fs.rmSync(out);
  fs.writeFileSync(out, content); // same size and mtime, another inode
  fs.utimesSync(out, mtime, mtime);
  assert.equal(((await w.check()) as { reason: string }).reason, 'outputs changed');
});

test('a task without outputs is never up to date', async () => {
  const w = await makeWorld();
  const task = { ...w.task, outputs: [] };
  await w.run({}, task);
  assert.equal(((await w.check({}, task)) as { reason: string }).reason, 'no outputs');
});

test('many tasks are judged in one call, in order', async () => {
  const w = await makeWorld();
  const tasks = ['a', 'b', 'c'].map((name, i) => ({ ...w.task, id: i + 1, outputs: [`${name}.out`] }));
  await w.run({}, tasks[1]);
  const signatures = await signTasks(w.cache, tasks.map((task) => ({ task })));
  const verdicts = checkUpToDate(w.store, tasks.map((task, i) => ({ task, signature: signatures[i]! })));
  assert.deepEqual(
    verdicts.map((v) => (v.upToDate ? 'ok' : v.reason)),
    ['output missing', 'ok', 'output missing'],
  );
});
