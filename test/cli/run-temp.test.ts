import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice, takeRanLog as ranLog } from '../helpers/run-sluice.ts';

// Temporary intermediates: deleted once what reads them succeeded, remade when a user asks for
// them or a reader must run again, and never the cause of a re-run by their absence alone.

const PIPELINE = `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  mid: step({ in: 'data/{p}.txt', out: 'work/{p}/deep/{p}.mid', temp: true, run: sh('echo "mid {p}" >> ran.log; tr a-z A-Z < {in} > {out}') }),
  final: step({ in: 'work/{p}/deep/{p}.mid', out: 'out/{p}.txt', run: sh('echo "final {p}" >> ran.log; head -n 1 {in} > {out}') }),
});`;

function project(): string {
  const dir = makeTempDir('sluice-temp-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (const p of ['a', 'b']) fs.writeFileSync(path.join(dir, 'data', `${p}.txt`), `${p}1\n${p}2\n`);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

async function run(dir: string, ...args: string[]): Promise<string> {
  const result = await runSluice(['run', ...args], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  return result.stderr;
}

describe('temporary outputs', () => {
  it('are remade when a target names them, and kept for that run', async () => {
    const dir = project();
    await run(dir);
    assert.deepEqual(ranLog(dir), ['final a', 'final b', 'mid a', 'mid b']);
    assert.equal(fs.existsSync(path.join(dir, 'work/a/deep/a.mid')), false);

    const dry = await runSluice(['run', '-n', '--explain', 'work/a/deep/a.mid'], { cwd: dir });
    assert.match(dry.stdout, /mid\[p=a\]: .*\n {2}because: output missing: work\/a\/deep\/a\.mid/);
    assert.match(dry.stdout, /1 task would run/);

    await run(dir, 'work/a/deep/a.mid');
    assert.deepEqual(ranLog(dir), ['mid a']);
    assert.equal(fs.readFileSync(path.join(dir, 'work/a/deep/a.mid'), 'utf8'), 'A1\nA2\n');

    // A plain run deletes it again, and runs nothing.
    await run(dir);
    assert.deepEqual(ranLog(dir), [], 'a deleted intermediate makes a plain run re-run nothing');
    assert.equal(fs.existsSync(path.join(dir, 'work')), false);
    // Named with its reader, which is up to date: still kept, and the reader does not run.
    const both = await run(dir, 'work/b/deep/b.mid', 'out/b.txt');
    assert.deepEqual(ranLog(dir), ['mid b']);
    assert.match(both, /1 succeeded, 1 up to date/);
    assert.equal(fs.readFileSync(path.join(dir, 'work/b/deep/b.mid'), 'utf8'), 'B1\nB2\n');

    // A step named as the target: each of its deleted outputs is remade.
    await run(dir);
    assert.equal(fs.existsSync(path.join(dir, 'work')), false);
    await run(dir, 'mid');
    assert.deepEqual(ranLog(dir), ['mid a', 'mid b']);
    assert.deepEqual(listFiles(path.join(dir, 'work')), ['a/', 'a/deep/', 'a/deep/a.mid', 'b/', 'b/deep/', 'b/deep/b.mid']);

    // A plain run finds everything up to date and deletes the intermediates again.
    const plain = await run(dir);
    assert.deepEqual(ranLog(dir), []);
    assert.match(plain, /4 up to date/);
    assert.equal(fs.existsSync(path.join(dir, 'work')), false);
  });

  it('are remade when a reader must run again, and a plain run re-runs nothing when they are gone', async () => {
    const dir = project();
    await run(dir);
    ranLog(dir);
    await run(dir);
    assert.deepEqual(ranLog(dir), [], 'deleted intermediates cause no re-run');
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE.replace('head -n 1', 'head -n 2'));
    await run(dir);
    assert.deepEqual(ranLog(dir), ['final a', 'final b', 'mid a', 'mid b']);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'A1\nA2\n');
    // The reader of one only: only that intermediate is remade.
    fs.rmSync(path.join(dir, 'out/b.txt'));
    await run(dir);
    assert.deepEqual(ranLog(dir), ['final b', 'mid b']);
    assert.equal(fs.existsSync(path.join(dir, 'work')), false);
  });

  it('remade with new content are no longer taken for the deleted ones', async () => {
    const dir = project();
    await run(dir);
    ranLog(dir);
    // The source changes; only the intermediate is asked for, so its reader does not run.
    fs.writeFileSync(path.join(dir, 'data/a.txt'), 'new1\nnew2\n');
    await run(dir, 'work/a/deep/a.mid');
    assert.deepEqual(ranLog(dir), ['mid a']);
    // Deleted by hand: its reader must see the new content, not the one sluice deleted before.
    fs.rmSync(path.join(dir, 'work'), { recursive: true });
    await run(dir);
    assert.deepEqual(ranLog(dir), ['final a', 'mid a']);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'NEW1\n');
  });

  it('leave no folder they emptied, and no other folder touched', async () => {
    const dir = project();
    // work/a holds something else; work/b/deep and work/b only the intermediate.
    fs.mkdirSync(path.join(dir, 'work/a/deep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'work/a/.keep'), '');
    fs.mkdirSync(path.join(dir, 'empty-before'));
    await run(dir);
    assert.deepEqual(listFiles(path.join(dir, 'work')), ['a/', 'a/.keep']);
    assert.ok(fs.existsSync(path.join(dir, 'empty-before')), 'a folder no temporary was in stays');
    assert.ok(fs.existsSync(path.join(dir, 'pipeline.ts')));

    // Outputs in the pipeline's own folder: the folder stays.
    const flat = project();
    fs.writeFileSync(path.join(flat, 'pipeline.ts'), PIPELINE.replaceAll('work/{p}/deep/{p}.mid', '{p}.mid'));
    await run(flat);
    assert.equal(fs.existsSync(path.join(flat, 'a.mid')), false);
    assert.ok(fs.existsSync(path.join(flat, 'pipeline.ts')));
    assert.ok(fs.existsSync(path.join(flat, 'out/a.txt')));
  });
});
