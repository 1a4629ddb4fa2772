// The no-op short cut's stats begun on a thread at start-up (stat-ahead.ts): whatever the thread
// did, the snapshot's verdict is the one the check alone gives, and the thread's findings are
// taken only for the very snapshot the command reads.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { statFile, type FileStat } from '../../src/state/hashes/stat-file.ts';
import { confirmSnapshot } from '../../src/state/freshness/confirm-snapshot.ts';
import { snapshotPathOf, takeSnapshot, writeSnapshot, type ObservedStamp } from '../../src/state/freshness/up-to-date-snapshot.ts';
import { fullStampOf } from '../../src/state/freshness/check-stamps.ts';
import { describeStatAhead, guessSnapshot, startStatAhead } from '../../src/state/freshness/stat-ahead.ts';
import { makeTempDir } from './helpers.ts';

const FILES = 3000;
const HOUR_NS = 3_600_000_000_000n;

// A snapshot of FILES copy tasks (6,000 files: many chunks of the shared counter).
function setUp() {
  const root = makeTempDir('sluice-stat-ahead-');
  fs.mkdirSync(path.join(root, 'data'));
  fs.mkdirSync(path.join(root, 'out'));
  const tasks: Task[] = [];
  const inputs = new Map<string, ObservedStamp>();
  const outputs = new Map<string, ObservedStamp>();
  for (let i = 0; i < FILES; i += 1) {
    const [input, output] = [`data/f${i}`, `out/f${i}`];
    fs.writeFileSync(path.join(root, input), `${i}`);
    fs.writeFileSync(path.join(root, output), `${i}`);
    tasks.push({ id: i + 1, step: 's', action: { kind: 'argv', argv: ['cp', input, output] }, inputs: [input], outputs: [output], cwd: root, resources: { cpus: 1, retries: 0 } });
    inputs.set(path.join(root, input), statFile(path.join(root, input)) as FileStat);
    outputs.set(path.join(root, output), statFile(path.join(root, output)) as FileStat);
  }
  const folders = new Map([[path.join(root, 'data'), fullStampOf(statFile(path.join(root, 'data')) as FileStat)]]);
  const file = snapshotPathOf(root, 'pipeline.ts');
  const snapshot = takeSnapshot({ file, key: 'k', folders, listedAtNs: BigInt(Date.now()) * 1_000_000n + HOUR_NS }, tasks, { inputs, outputs });
  assert.ok(snapshot);
  writeSnapshot(file, snapshot);
  return { root, file };
}

async function waitFor(state: ReturnType<typeof describeStatAhead>): Promise<void> {
  for (let waited = 0; describeStatAhead() !== state; waited += 10) {
    assert.ok(waited < 60_000, `the thread never got to ${state}: ${describeStatAhead()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// What the check alone says (no thread), and what it says with the thread's work.
function verdict(result: ReturnType<typeof confirmSnapshot>): unknown {
  if (!('why' in result)) return result;
  return { why: result.why, changed: result.unchanged === undefined ? undefined : [...result.unchanged.changed].flatMap((bit, i) => (bit === 1 ? [i] : [])) };
}

test('a thread begun at start-up finds what the check alone finds, and the full check reads on meanwhile', async () => {
  const { root, file } = setUp();
  // An input early, an output in the middle, one deleted last: three chunks apart.
  fs.writeFileSync(path.join(root, 'data/f1'), 'edited');
  fs.writeFileSync(path.join(root, 'out/f1500'), 'edited');
  fs.rmSync(path.join(root, 'out/f2999'));
  const alone = verdict(confirmSnapshot(file, 'k'));
  assert.equal((alone as { changed: number[] }).changed.length, 3, JSON.stringify(alone));
  startStatAhead(['run'], root);
  await waitFor('finished');
  let meanwhile = 0;
  assert.deepEqual(verdict(confirmSnapshot(file, 'k', () => (meanwhile += 1))), alone);
  assert.equal(meanwhile, 1, 'what the full check reads first is read while the thread checks');
  assert.equal(describeStatAhead(), 'none', 'joined once');
  // Nothing changed: a no-op, and nothing read meanwhile.
  const second = setUp();
  startStatAhead(['run'], second.root);
  await waitFor('finished');
  assert.deepEqual(confirmSnapshot(second.file, 'k', () => (meanwhile += 1)), { tasks: FILES });
  assert.equal(meanwhile, 1);
});

test('joined while it still checks, or before it began, the verdict is the check alone', async () => {
  for (const when of ['checking', 'starting'] as const) {
    const { root, file } = setUp();
    fs.writeFileSync(path.join(root, 'out/f2000'), 'edited');
    const alone = verdict(confirmSnapshot(file, 'k'));
    startStatAhead(['run'], root);
    if (when === 'checking') await waitFor('checking').catch(() => {});
    assert.deepEqual(verdict(confirmSnapshot(file, 'k', () => {})), alone, when);
  }
});

test("a snapshot replaced since the thread read it is checked alone: the thread's stats may predate a run", async () => {
  const { root, file } = setUp();
  startStatAhead(['run'], root);
  await waitFor('finished');
  // What a run holding the lock in between does: change a file, write its snapshot anew (here
  // the same words, so that only the check of the new file can tell that the file changed).
  fs.writeFileSync(path.join(root, 'data/f7'), 'changed by a run in between');
  const bytes = fs.readFileSync(file);
  fs.rmSync(file);
  fs.writeFileSync(file, bytes);
  assert.equal((verdict(confirmSnapshot(file, 'k')) as { why: string }).why, `${path.join(root, 'data/f7')} changed`);
});

test('the snapshot is guessed only where the command cannot use another', () => {
  const { root, file } = setUp();
  assert.equal(guessSnapshot(['run'], root), file);
  assert.equal(guessSnapshot(['run', '-j', '2', '-q'], root), file);
  assert.equal(guessSnapshot(['map', '--in', 'x', '--', 'cp', '-C', '{in}'], root), file, "the command's own options are not sluice's");
  const sub = path.join(root, 'sub');
  fs.mkdirSync(path.join(sub, '.sluice', 'up-to-date'), { recursive: true });
  fs.writeFileSync(path.join(sub, '.sluice', 'up-to-date', 'p.ts.snapshot'), 'x');
  for (const argv of [['run', '-f', 'sub/p.ts'], ['run', '--file=sub/p.ts']]) assert.equal(guessSnapshot(argv, root), path.join(sub, '.sluice', 'up-to-date', 'p.ts.snapshot'), argv.join(' '));
  for (const argv of [['status'], ['run', '-C', 'sub'], ['run', '--directory=sub'], ['-C', 'sub', 'run'], ['run', '-Csub']]) assert.equal(guessSnapshot(argv, root), undefined, argv.join(' '));
  // Runs that plan whatever the snapshot says would not use the thread's work.
  for (const argv of [['run', '-n'], ['run', '-qn'], ['run', '--dry-run'], ['run', '--force', 's'], ['run', '--force-all'], ['map', '--json'], ['run', '--report=r.html'], ['run', '--executor', 'slurm']]) {
    assert.equal(guessSnapshot(argv, root), undefined, argv.join(' '));
  }
  fs.writeFileSync(path.join(root, '.sluice', 'up-to-date', 'other.ts.snapshot'), 'x');
  assert.equal(guessSnapshot(['run'], root), undefined, 'two snapshots: which one is for the command to say');
});
