// `sluice map` takes the no-op short cut of `sluice run` (run-noop.test.ts): a map that found
// every task up to date leaves a snapshot, and the next identical map confirms it with a stat per
// file, without planning, signing or recording a run. Never when something a full check would
// notice changed: an input's content, the files a glob finds, the command, an output.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openSqlite } from '../../src/state/store/open-sqlite.ts';
import { makeTempDir, runSluice, takeRanLog as ranLog } from '../helpers/run-sluice.ts';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

// Each task notes that it ran, then copies its input.
const MAP = ['map', '--shell', '--in', 'data/*.txt', '--out', 'out/{name}', '--', 'echo "copy {name}" >> ran.log; cp {in} {out}'];

/** A folder whose inputs and their folder are an hour old: past the racy margin. */
function folder(): string {
  const dir = makeTempDir('sluice-map-noop-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (const n of ['a', 'b', 'c']) writeOld(dir, `data/${n}.txt`, `${n}\n`);
  fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
  return dir;
}

function writeOld(dir: string, file: string, text: string): void {
  fs.writeFileSync(path.join(dir, file), text);
  fs.utimesSync(path.join(dir, file), HOUR_AGO, HOUR_AGO);
}

/** Runs recorded in the state database: the short cut records none. */
function countRuns(dir: string): number {
  const db = openSqlite(path.join(dir, '.sluice', 'state.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Maps once to build, once more to leave a snapshot; checks each did what it should. */
async function settled(dir: string, args: readonly string[] = MAP): Promise<void> {
  const build = await runSluice(args, { cwd: dir });
  assert.equal(build.code, 0, build.stderr);
  assert.deepEqual(ranLog(dir), ['copy a.txt', 'copy b.txt', 'copy c.txt']);
  const check = await runSluice(args, { cwd: dir });
  assert.equal(check.code, 0, check.stderr);
  assert.deepEqual(ranLog(dir), [], `nothing changed, nothing runs\n${check.stderr}`);
}

/** Maps; says whether it took the short cut (recorded no run), which tasks ran, and stderr. */
async function remap(dir: string, args: readonly string[] = MAP) {
  const before = countRuns(dir);
  const result = await runSluice(args, { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  return { shortCut: countRuns(dir) === before, ran: ranLog(dir), stderr: result.stderr };
}

describe('sluice map: the no-op short cut', () => {
  it('is taken when nothing changed, runs no task, and says so as `sluice run` does', async () => {
    const dir = folder();
    await settled(dir);
    for (let round = 0; round < 2; round++) {
      const again = await remap(dir);
      assert.deepEqual(again.ran, []);
      assert.equal(again.shortCut, true, `round ${round}: the snapshot confirmed nothing changed\n${again.stderr}`);
      assert.match(again.stderr, /^sluice: 3 tasks: 3 up to date in \d+\.\d+ s\n$/);
    }
    const quiet = await runSluice([MAP[0] as string, '-q', ...MAP.slice(1)], { cwd: dir });
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '');
  });

  it('is not taken when an input changed, a file joined the glob, or an output went', async () => {
    const dir = folder();
    await settled(dir);
    writeOld(dir, 'data/b.txt', 'B, longer\n');
    const changed = await remap(dir);
    assert.deepEqual(changed.ran, ['copy b.txt']);
    assert.equal(changed.shortCut, false);
    assert.equal(fs.readFileSync(path.join(dir, 'out/b.txt'), 'utf8'), 'B, longer\n');

    assert.equal((await remap(dir)).ran.length, 0, 'the full check leaves a snapshot again');
    writeOld(dir, 'data/d.txt', 'd\n');
    const joined = await remap(dir);
    assert.deepEqual(joined.ran, ['copy d.txt'], 'a new input the glob finds runs');
    assert.equal(joined.shortCut, false);

    assert.equal((await remap(dir)).ran.length, 0);
    fs.rmSync(path.join(dir, 'out/a.txt'));
    const gone = await remap(dir);
    assert.deepEqual(gone.ran, ['copy a.txt']);
  });

  it('is taken for inputs given after :::, and never for a glob over folders', async () => {
    const dir = folder();
    const given = ['map', '--shell', '--out', 'out/{name}', '--', 'echo "copy {name}" >> ran.log; cp {in} {out}', ':::', 'data/a.txt', 'data/b.txt'];
    const build = await runSluice(given, { cwd: dir });
    assert.equal(build.code, 0, build.stderr);
    assert.deepEqual(ranLog(dir), ['copy a.txt', 'copy b.txt']);
    assert.equal((await remap(dir, given)).ran.length, 0);
    assert.equal((await remap(dir, given)).shortCut, true);
    const more = await remap(dir, [...given, 'data/c.txt']);
    assert.deepEqual(more.ran, ['copy c.txt'], 'one more input given: the snapshot does not speak for it');

    fs.mkdirSync(path.join(dir, 'data/deep'));
    writeOld(dir, 'data/deep/e.txt', 'e\n');
    fs.utimesSync(path.join(dir, 'data/deep'), HOUR_AGO, HOUR_AGO);
    const deep = ['map', '--shell', '--in', 'data/*/*.txt', '--out', 'deep/{name}', '--', 'echo "deep {name}" >> ran.log; cp {in} {out}'];
    assert.deepEqual((await remap(dir, deep)).ran, ['deep e.txt']);
    for (let round = 0; round < 2; round++) {
      const again = await remap(dir, deep);
      assert.deepEqual(again.ran, []);
      assert.equal(again.shortCut, false, 'a folder a wildcard picks cannot be vouched for by one stamp');
    }
  });

  it('is not taken for another command, nor with --force-all', async () => {
    const dir = folder();
    await settled(dir);
    const other = [...MAP.slice(0, -1), 'echo "other {name}" >> ran.log; cp {in} {out}'];
    const otherRun = await remap(dir, other);
    assert.equal(otherRun.shortCut, false, 'another command is never confirmed by the snapshot of this one');
    assert.deepEqual(otherRun.ran, ['other a.txt', 'other b.txt', 'other c.txt']);
    assert.equal((await remap(dir)).ran.length, 3, 'back to the first command: it runs again');
    assert.equal((await remap(dir)).ran.length, 0, 'the full check leaves a snapshot again');
    const forced = await remap(dir, [MAP[0] as string, '--force-all', ...MAP.slice(1)]);
    assert.equal(forced.shortCut, false);
    assert.deepEqual(forced.ran, ['copy a.txt', 'copy b.txt', 'copy c.txt']);
  });

  it('after one input changed, maps only its task, and the next map takes the short cut (inputs outside the folder too)', async () => {
    const dir = folder();
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    // From a folder of its own, as the benchmark's map: every input named `../data/...`.
    const outside = ['map', '--shell', '--in', '../data/*.txt', '--out', 'out/{name}', '--', 'echo "copy {name}" >> ../ran.log; cp {in} {out}'];
    const build = await runSluice(outside, { cwd: work });
    assert.equal(build.code, 0, build.stderr);
    assert.equal(ranLog(dir).length, 3);
    writeOld(dir, 'data/b.txt', 'bee\n');
    const edited = await runSluice(outside, { cwd: work, env: { SLUICE_DEBUG: '1' } });
    assert.equal(edited.code, 0, edited.stderr);
    assert.match(edited.stderr, /snapshot vouches for the files of 2 of 3 tasks/);
    assert.deepEqual(ranLog(dir), ['copy b.txt']);
    assert.equal(fs.readFileSync(path.join(work, 'out/b.txt'), 'utf8'), 'bee\n');
    const again = await runSluice(outside, { cwd: work, env: { SLUICE_DEBUG: '1' } });
    assert.match(again.stderr, /the snapshot of the last run confirms all 3 tasks/);
    assert.deepEqual(ranLog(dir), []);
  });
});
