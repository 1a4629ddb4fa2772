// The snapshot a run leaves once its tasks ran and all succeeded (session/leave-snapshot.ts): the
// run after an edit takes the no-op short cut, and the snapshot never vouches for a file the
// tasks that ran could not (one changed within the racy margin, one a task changed behind
// another's back, one made in this run), nor after a failure.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runSluice, takeRanLog as ranLog } from '../helpers/run-sluice.ts';
import { editInput, hasSnapshot, project, rerun, settled } from '../helpers/noop-project.ts';

function usePipeline(dir: string, run: string, extra = ''): void {
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh(${JSON.stringify(run)}) }),${extra}
});
`,
  );
}

describe('sluice run: the snapshot after tasks ran', () => {
  it('is left when every task succeeded, and the next run takes the short cut', async () => {
    const dir = project();
    await settled(dir);
    editInput(dir, 'b.txt', 'B\n');
    const edited = await rerun(dir);
    assert.equal(edited.shortCut, false);
    assert.deepEqual(edited.ran, ['copy b']);
    assert.equal(hasSnapshot(dir), true, 'the tasks that ran are up to date now: the run leaves a snapshot');
    const after = await rerun(dir);
    assert.equal(after.shortCut, true, after.stderr);
    assert.deepEqual(after.ran, []);
    assert.equal(fs.readFileSync(path.join(dir, 'out/b.txt'), 'utf8'), 'B\n');
    // What it vouches for is checked as before: an output edited since is seen.
    fs.appendFileSync(path.join(dir, 'out/b.txt'), 'edited\n');
    const outputEdited = await rerun(dir);
    assert.equal(outputEdited.shortCut, false);
    assert.deepEqual(outputEdited.ran, ['copy b']);
    assert.equal(fs.readFileSync(path.join(dir, 'out/b.txt'), 'utf8'), 'B\n');
  });

  it('is not left when an input changed within the racy margin', async () => {
    const dir = project();
    await settled(dir);
    fs.writeFileSync(path.join(dir, 'data/b.txt'), 'B\n');
    const edited = await runSluice(['run'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
    assert.equal(edited.code, 0, edited.stderr);
    assert.deepEqual(ranLog(dir), ['copy b']);
    assert.equal(hasSnapshot(dir), false, 'data/b.txt changed a moment ago: its stamp cannot vouch for its content yet');
  });

  it('is not left when a task failed, even with --keep-going', async () => {
    const dir = project();
    usePipeline(dir, 'echo "copy {n}" >> ran.log; test {n} != b; cp {in} {out}');
    const failed = await runSluice(['run', '-k'], { cwd: dir });
    assert.notEqual(failed.code, 0);
    assert.deepEqual(ranLog(dir), ['copy a', 'copy b', 'copy c']);
    assert.equal(hasSnapshot(dir), false);
    const again = await rerun(dir, ['-k']).catch(() => undefined);
    assert.equal(again, undefined, 'b fails again: nothing vouched for it');
    assert.deepEqual(ranLog(dir), ['copy b']);
  });

  it('does not vouch for an up-to-date task whose input a task that ran changed', async () => {
    const dir = project();
    // Task a, when poked, rewrites c's input and dates it back, as `cp -p` or `rsync -t` would.
    usePipeline(dir, 'echo "copy {n}" >> ran.log; cp {in} {out}; if [ -e poke-{n} ]; then echo poked >> data/c.txt; touch -r data/b.txt data/c.txt; fi');
    await settled(dir);
    fs.writeFileSync(path.join(dir, 'poke-a'), '');
    editInput(dir, 'a.txt', 'A\n');
    const poked = await rerun(dir);
    assert.deepEqual(poked.ran, ['copy a']);
    assert.equal(hasSnapshot(dir), true, 'a snapshot is left, naming c as the survey saw it');
    fs.rmSync(path.join(dir, 'poke-a'));
    const after = await rerun(dir);
    assert.equal(after.shortCut, false, 'c changed after the survey saw it');
    assert.deepEqual(after.ran, ['copy c']);
    assert.equal(fs.readFileSync(path.join(dir, 'out/c.txt'), 'utf8'), 'c\npoked\n');
  });

  it('is not left when a task read what another made in this run', async () => {
    const dir = project();
    usePipeline(dir, 'echo "copy {n}" >> ran.log; cp {in} {out}', "\n  upper: step({ in: 'out/{n}.txt', out: 'upper/{n}.txt', run: sh('tr a-z A-Z < {in} > {out}') }),");
    const build = await runSluice(['run'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
    assert.equal(build.code, 0, build.stderr);
    assert.match(build.stderr, /no snapshot: a task read what another made in this run/);
    assert.equal(hasSnapshot(dir), false);
    assert.equal(fs.readFileSync(path.join(dir, 'upper/b.txt'), 'utf8'), 'B\n');
  });
});
