// The state database locked by another program (an `sqlite3` shell with a transaction open, a
// backup): sluice's own lock keeps a second sluice out, so this is the environment. sluice says
// the database is locked, not damaged (before: "Cannot open the state database ...: database is
// locked. If it is damaged, delete it"), exit 3; met during a run, the run stops with that one
// paragraph (before: each task failed with "sluice could not run the task: database is locked",
// exit 1). Once the holder ends, a run finishes what did not.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, takeRanLog, waitFor } from '../helpers/run-sluice.ts';

const STACK = /\n\s+at .+:\d+:\d+/;

function project(root: string, sleep: number): string {
  fs.mkdirSync(path.join(root, 'data'));
  for (let i = 1; i <= 6; i += 1) fs.writeFileSync(path.join(root, 'data', `${i}.txt`), `line ${i}\n`);
  const command = `sleep ${sleep}; echo {n} >> ran.log; cat {in} > {out}`;
  fs.writeFileSync(
    path.join(root, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
export default pipeline({ steps: () => ({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh(${JSON.stringify(command)}) }) }) });
`,
  );
  return root;
}

// Another program holding the database's write lock for `seconds`; resolves once it holds it.
async function holdLock(dbPath: string, seconds: number): Promise<ChildProcess> {
  const script = `import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('BEGIN EXCLUSIVE')
print('locked', flush=True)
time.sleep(float(sys.argv[2]))`;
  const holder = spawn('python3', ['-c', script, dbPath, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    holder.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
    holder.on('exit', () => reject(new Error('the lock holder ended before it held the lock')));
  });
  return holder;
}

function assertLockedParagraph(result: { code: number | null; stderr: string }, dbPath: string): void {
  assert.equal(result.code, 3, result.stderr);
  assert.ok(result.stderr.includes(`The state database ${dbPath} is locked by another program (SQLITE_BUSY`), result.stderr);
  assert.match(result.stderr, /do not delete it/);
  assert.doesNotMatch(result.stderr, /If it is damaged|could not run the task|bug in sluice/);
  assert.doesNotMatch(result.stderr, STACK);
}

describe('the state database locked by another program', () => {
  it('before the run: says it is locked, not damaged, and runs nothing', async () => {
    const dir = project(makeTempDir('sluice-locked-'), 0);
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    takeRanLog(dir);
    fs.rmSync(path.join(dir, 'out'), { recursive: true });
    const dbPath = path.join(dir, '.sluice', 'state.db');
    const holder = await holdLock(dbPath, 30);
    try {
      assertLockedParagraph(await runSluice(['run'], { cwd: dir }), dbPath);
      assert.deepEqual(takeRanLog(dir), [], 'nothing ran');
    } finally {
      holder.kill();
    }
    const freed = await runSluice(['run'], { cwd: dir });
    assert.equal(freed.code, 0, freed.stderr);
    assert.deepEqual(takeRanLog(dir).sort(), ['1', '2', '3', '4', '5', '6']);
  });

  it('during the run: stops it with one paragraph; the next run keeps what finished and redoes the rest', async () => {
    const dir = project(makeTempDir('sluice-locked-run-'), 0.5);
    assert.equal((await runSluice(['run', '--dry-run'], { cwd: dir })).code, 0);
    const dbPath = path.join(dir, '.sluice', 'state.db');
    const run = startSluice(['run', '-j', '1'], { cwd: dir });
    await waitFor(() => fs.existsSync(path.join(dir, 'ran.log')), 60_000);
    // Longer than the 5 s sluice waits for a lock, short of the writes it tries once stopped.
    const holder = await holdLock(dbPath, 9);
    let result;
    try {
      result = await run.done;
    } finally {
      holder.kill();
    }
    assertLockedParagraph(result, dbPath);
    const kept = fs.readdirSync(path.join(dir, 'out'));
    assert.ok(kept.length < 6, 'the run stopped');
    for (const name of kept) assert.equal(fs.readFileSync(path.join(dir, 'out', name), 'utf8'), `line ${path.parse(name).name}\n`);
    takeRanLog(dir);
    const freed = await runSluice(['run'], { cwd: dir });
    assert.equal(freed.code, 0, freed.stderr);
    assert.equal(takeRanLog(dir).length, 6 - kept.length, 'only what was not kept ran again');
    for (let i = 1; i <= 6; i += 1) assert.equal(fs.readFileSync(path.join(dir, 'out', `${i}.txt`), 'utf8'), `line ${i}\n`);
  });
});
