// The no-op short cut: a run that found every task up to date leaves a snapshot of what it saw
// (state/freshness/up-to-date-snapshot.ts), and the next run of the same pipeline confirms it with a stat
// per file, without planning or opening the state database. These tests check that it is taken
// when nothing changed, and never when something a full check would notice did.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, takeRanLog as ranLog, waitFor } from '../helpers/run-sluice.ts';
import { HOUR_AGO, PIPELINE, hasSnapshot, project, rerun, settled } from '../helpers/noop-project.ts';

describe('sluice run: the no-op short cut', () => {
  it('is taken when nothing changed, and says every task is up to date', async () => {
    const dir = project();
    await settled(dir);
    for (let round = 0; round < 2; round++) {
      const again = await rerun(dir);
      assert.equal(again.shortCut, true, again.stderr);
      assert.deepEqual(again.ran, []);
      assert.match(again.stderr, /^sluice: 3 tasks: 3 up to date in \d+\.\d\d s\n$/);
    }
    const quiet = await runSluice(['run', '-q'], { cwd: dir });
    assert.equal(quiet.stderr, '');
    const debug = await runSluice(['run', '-q'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
    assert.match(debug.stderr, /the snapshot of the last run confirms all 3 tasks/);
    fs.appendFileSync(path.join(dir, 'out/a.txt'), 'edited\n');
    const told = await runSluice(['run', '-q'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
    assert.match(told.stderr, /checking every task: .*out\/a\.txt changed/);
  });

  it('is not taken when an input changed, and the task runs', async () => {
    const dir = project();
    await settled(dir);
    fs.writeFileSync(path.join(dir, 'data/b.txt'), 'B\n');
    const after = await rerun(dir);
    assert.equal(after.shortCut, false);
    assert.deepEqual(after.ran, ['copy b']);
    assert.equal(fs.readFileSync(path.join(dir, 'out/b.txt'), 'utf8'), 'B\n');
  });

  it('is not taken when an input is added or removed', async () => {
    const dir = project();
    await settled(dir);
    fs.writeFileSync(path.join(dir, 'data/d.txt'), 'd\n');
    fs.utimesSync(path.join(dir, 'data/d.txt'), HOUR_AGO, HOUR_AGO);
    const added = await rerun(dir);
    assert.equal(added.shortCut, false);
    assert.deepEqual(added.ran, ['copy d']);

    fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
    await rerun(dir);
    assert.equal((await rerun(dir)).shortCut, true);
    fs.rmSync(path.join(dir, 'data/a.txt'));
    const removed = await rerun(dir);
    assert.equal(removed.shortCut, false);
    assert.match(removed.stderr, /3 tasks: 3 up to date/);
  });

  it('is not taken when an output was deleted or edited', async () => {
    const dir = project();
    await settled(dir);
    fs.rmSync(path.join(dir, 'out/a.txt'));
    const deleted = await rerun(dir);
    assert.equal(deleted.shortCut, false);
    assert.deepEqual(deleted.ran, ['copy a']);

    await rerun(dir);
    assert.equal((await rerun(dir)).shortCut, true);
    fs.appendFileSync(path.join(dir, 'out/c.txt'), 'edited\n');
    const edited = await rerun(dir);
    assert.equal(edited.shortCut, false);
    assert.deepEqual(edited.ran, ['copy c']);
  });

  it('is not taken when the pipeline, a parameter, a declared variable or the targets differ', async () => {
    const dir = project();
    await settled(dir);

    const file = path.join(dir, 'pipeline.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('cp {in} {out}', 'cat {in} > {out}'));
    const edited = await rerun(dir);
    assert.equal(edited.shortCut, false);
    assert.deepEqual(edited.ran, ['copy a', 'copy b', 'copy c']);

    await rerun(dir);
    const label = await rerun(dir, [], { SLUICE_TEST_LABEL: 'other' });
    assert.equal(label.shortCut, false);
    assert.deepEqual(label.ran, ['copy a', 'copy b', 'copy c']);

    await rerun(dir, [], { SLUICE_TEST_LABEL: 'other' });
    assert.equal((await rerun(dir, [], { SLUICE_TEST_LABEL: 'other' })).shortCut, true);
    fs.writeFileSync(path.join(dir, 'data/a.csv'), 'a\n');
    fs.utimesSync(path.join(dir, 'data/a.csv'), HOUR_AGO, HOUR_AGO);
    fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
    const param = await rerun(dir, ['--param', 'suffix=csv'], { SLUICE_TEST_LABEL: 'other' });
    assert.equal(param.shortCut, false);
    assert.deepEqual(param.ran, ['copy a']);

    // Back to the whole pipeline (out/a.txt is a's again), settled; then one target of it.
    assert.deepEqual((await rerun(dir, [], { SLUICE_TEST_LABEL: 'other' })).ran, ['copy a']);
    await rerun(dir, [], { SLUICE_TEST_LABEL: 'other' });
    assert.equal((await rerun(dir, [], { SLUICE_TEST_LABEL: 'other' })).shortCut, true);
    const target = await rerun(dir, ['out/b.txt'], { SLUICE_TEST_LABEL: 'other' });
    assert.equal(target.shortCut, false, 'a snapshot of the whole pipeline does not vouch for a target');
    assert.match(target.stderr, /1 task: 1 up to date/);
  });

  it('is not taken when a module the pipeline imports, a --config file or a file read while loading changed', async () => {
    const dir = project();
    const file = path.join(dir, 'pipeline.ts');
    fs.writeFileSync(path.join(dir, 'helper.ts'), "export const tool = 'cp';\n");
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ suffix: 'txt' }));
    fs.writeFileSync(path.join(dir, 'label.txt'), 'first');
    const imports = "import fs from 'node:fs';\nimport { tool } from './helper.ts';\nconst label = fs.readFileSync(new URL('label.txt', import.meta.url), 'utf8');\n";
    const run = 'run: sh(`echo "copy {n} ${label}" >> ran.log; ${tool} {in} {out}`),';
    fs.writeFileSync(file, imports + fs.readFileSync(file, 'utf8').replace(/run: sh\(.*\),/, () => run));
    await settled(dir, ['--config', 'config.json']);
    assert.equal((await rerun(dir, ['--config', 'config.json'])).shortCut, true);

    // The imported module: its code is the bundle's, whose name the snapshot's key holds.
    fs.writeFileSync(path.join(dir, 'helper.ts'), "export const tool = 'cp -p';\n");
    const helper = await rerun(dir, ['--config', 'config.json']);
    assert.equal(helper.shortCut, false);
    assert.deepEqual(helper.ran, ['copy a first', 'copy b first', 'copy c first']);
    await rerun(dir, ['--config', 'config.json']);
    assert.equal((await rerun(dir, ['--config', 'config.json'])).shortCut, true);

    // A file the pipeline reads while it loads: the steps it gives differ.
    fs.writeFileSync(path.join(dir, 'label.txt'), 'second');
    const label = await rerun(dir, ['--config', 'config.json']);
    assert.equal(label.shortCut, false);
    assert.deepEqual(label.ran, ['copy a second', 'copy b second', 'copy c second']);
    await rerun(dir, ['--config', 'config.json']);
    assert.equal((await rerun(dir, ['--config', 'config.json'])).shortCut, true);

    // The config file: its values are parameters.
    fs.writeFileSync(path.join(dir, 'data/a.csv'), 'a\n');
    fs.utimesSync(path.join(dir, 'data/a.csv'), HOUR_AGO, HOUR_AGO);
    fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ suffix: 'csv' }));
    const config = await rerun(dir, ['--config', 'config.json']);
    assert.equal(config.shortCut, false);
    assert.deepEqual(config.ran, ['copy a second']);
    // Back to the defaults' values: without the config file the plan is the same, and so is the answer.
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ suffix: 'txt' }));
    assert.deepEqual((await rerun(dir, ['--config', 'config.json'])).ran, ['copy a second']);
    await rerun(dir, ['--config', 'config.json']);
    assert.equal((await rerun(dir, ['--config', 'config.json'])).shortCut, true);
    const plain = await rerun(dir);
    assert.deepEqual(plain.ran, []);
    assert.equal(plain.shortCut, true, 'the same parameters from another command line: the same plan');
  });

  it('is not taken after `sluice clean`', async () => {
    const dir = project();
    await settled(dir);
    const clean = await runSluice(['clean', 'copy'], { cwd: dir });
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(hasSnapshot(dir), false);
    const after = await rerun(dir);
    assert.equal(after.shortCut, false);
    assert.deepEqual(after.ran, ['copy a', 'copy b', 'copy c']);
  });

  it('is forgotten as soon as a run holds the lock, so a killed run leaves none behind', async () => {
    const dir = project();
    await settled(dir);
    const file = path.join(dir, 'pipeline.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('cp {in} {out}', 'sleep 2; cp {in} {out}'));
    fs.writeFileSync(path.join(dir, 'data/b.txt'), 'B\n');
    const running = startSluice(['run', '-j', '1'], { cwd: dir });
    await waitFor(() => fs.existsSync(path.join(dir, 'ran.log')), 20_000);
    assert.equal(hasSnapshot(dir), false, 'the snapshot is gone while tasks run');
    running.child.kill('SIGKILL');
    await running.done;
    ranLog(dir);
    fs.writeFileSync(file, PIPELINE);
    const after = await rerun(dir);
    assert.equal(after.shortCut, false);
    assert.deepEqual(after.ran, ['copy b']);
    assert.equal(fs.readFileSync(path.join(dir, 'out/b.txt'), 'utf8'), 'B\n');
  });

  it('is never written when a folder the plan listed changed within the racy margin', async () => {
    const dir = project();
    await settled(dir);
    // A folder stamp from the future: whatever time it is, the folder changed "just now".
    const soon = new Date(Date.now() + 3_600_000);
    fs.utimesSync(path.join(dir, 'data'), soon, soon);
    const check = await rerun(dir);
    assert.equal(check.shortCut, false);
    assert.deepEqual(check.ran, []);
    assert.equal(hasSnapshot(dir), false, 'data/ changed a moment ago: its stamp cannot vouch for its listing yet');
    const again = await rerun(dir);
    assert.equal(again.shortCut, false);
  });

  it('is never written for a listing that a folder stamp cannot vouch for (a symlink, a glob over folders)', async () => {
    const dir = project();
    fs.symlinkSync(path.join(dir, 'data/a.txt'), path.join(dir, 'data/link.txt'));
    fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
    await runSluice(['run'], { cwd: dir });
    const check = await rerun(dir);
    assert.equal(check.shortCut, false);
    assert.equal(hasSnapshot(dir), false);
    assert.match(check.stderr, /4 tasks: 4 up to date/);

    const nested = makeTempDir('sluice-noop-');
    for (const n of ['a', 'b']) {
      fs.mkdirSync(path.join(nested, n));
      fs.writeFileSync(path.join(nested, n, 'in.txt'), `${n}\n`);
      fs.utimesSync(path.join(nested, n), HOUR_AGO, HOUR_AGO);
    }
    fs.writeFileSync(
      path.join(nested, 'pipeline.ts'),
      `import { pipeline, step, cmd } from 'sluice';
export default pipeline({ copy: step({ in: '{n}/in.txt', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}') }) });\n`,
    );
    assert.equal((await runSluice(['run'], { cwd: nested })).code, 0);
    assert.equal((await runSluice(['run'], { cwd: nested })).code, 0);
    assert.equal(hasSnapshot(nested), false);
  });
});
