// The plan a snapshot was taken of is kept (state/freshness/kept-plan.ts): when only files changed
// since, the run takes its tasks from it instead of planning them again. These tests check that it
// does, and that it never stands for a plan that planning would make otherwise: another -j or
// PATH, a program gone, a file gone or made a folder, a damaged file, another pipeline.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, takeRanLog as ranLog } from '../helpers/run-sluice.ts';
import { editInput, HOUR_AGO, project, settled } from '../helpers/noop-project.ts';
import { temporaryNameFor } from '../../src/kernel/write-atomically.ts';

const keptFile = (dir: string, name = 'pipeline.ts'): string => path.join(dir, '.sluice', 'plans', `${name}.plan`);

/** Runs with SLUICE_DEBUG: whether the kept plan was used, why not, what ran. */
async function run(dir: string, args: readonly string[] = ['run'], env: Record<string, string> = {}) {
  const result = await runSluice(args, { cwd: dir, env: { SLUICE_DEBUG: '1', ...env } });
  const kept = /the plan of the last run's snapshot holds/.test(result.stderr);
  const why = /planning again: the kept plan (.*)/.exec(result.stderr)?.[1];
  return { code: result.code, kept, why, ran: ranLog(dir), stderr: result.stderr };
}

const read = (dir: string, name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

// What a run printed, its SLUICE_DEBUG lines aside.
const message = (stderr: string): string[] => stderr.split('\n').filter((line) => !line.startsWith('[sluice'));

// A step reading a reference file named as is (its folder is not listed) with each input, and
// running a program found on PATH (bin/, which the tests give).
const WITH_REFERENCE = `import { pipeline, step, cmd } from 'sluice';
export default pipeline({
  join: step({ in: { ref: 'ref/genome.txt', x: 'data/{n}.txt' }, out: 'out/{n}.txt', run: cmd('join-files', '{in.ref}', '{in.x}', '{out}') }),
});
`;

function referenceProject(): { dir: string; env: Record<string, string> } {
  const dir = project();
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), WITH_REFERENCE);
  fs.mkdirSync(path.join(dir, 'ref'));
  fs.writeFileSync(path.join(dir, 'ref', 'genome.txt'), 'ref\n');
  fs.utimesSync(path.join(dir, 'ref', 'genome.txt'), HOUR_AGO, HOUR_AGO);
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'join-files'), '#!/bin/sh\necho "join $2" >> ran.log\ncat "$1" "$2" > "$3"\n', { mode: 0o755 });
  return { dir, env: { PATH: `${path.join(dir, 'bin')}:${process.env['PATH'] ?? ''}` } };
}

/** The fields of a run that matter here. */
const seen = ({ code, kept, why, ran }: Awaited<ReturnType<typeof run>>) => ({ code, kept, why, ran });

describe('the kept plan', () => {
  it('is kept by a run that leaves a snapshot, and used by each run after an edit', async () => {
    const dir = project();
    await settled(dir);
    assert.equal(fs.existsSync(keptFile(dir)), true, 'the build left its plan beside its snapshot');
    editInput(dir, 'b.txt', 'B\n');
    assert.deepEqual(seen(await run(dir)), { code: 0, kept: true, why: undefined, ran: ['copy b'] });
    assert.equal(read(dir, 'out/b.txt'), 'B\n');
    editInput(dir, 'c.txt', 'C\n');
    assert.deepEqual(seen(await run(dir)), { code: 0, kept: true, why: undefined, ran: ['copy c'] });
    assert.equal(read(dir, 'out/c.txt'), 'C\n');
    assert.deepEqual(seen(await run(dir)), { code: 0, kept: false, why: undefined, ran: [] }, 'then the no-op short cut, which plans nothing');
  });

  it('is not used with another -j or PATH, nor for another pipeline', async () => {
    const dir = project();
    await settled(dir, ['-j', '2']);
    editInput(dir, 'a.txt', 'A\n');
    assert.deepEqual(seen(await run(dir, ['run', '-j', '3'])), { code: 0, kept: false, why: 'was made with another -j or PATH', ran: ['copy a'] });
    editInput(dir, 'b.txt', 'B\n');
    const other = { PATH: `${dir}:${process.env['PATH'] ?? ''}` };
    assert.deepEqual(seen(await run(dir, ['run', '-j', '3'], other)), { code: 0, kept: false, why: 'was made with another -j or PATH', ran: ['copy b'] });
    editInput(dir, 'c.txt', 'C\n');
    assert.deepEqual(seen(await run(dir, ['run', '-j', '3'], other)), { code: 0, kept: true, why: undefined, ran: ['copy c'] });
    // A plan kept for another pipeline (a declared variable's other value) is not this one's:
    // left so by a run that could not write its own.
    const kept = fs.readFileSync(keptFile(dir), 'utf8');
    const labelled = { ...other, SLUICE_TEST_LABEL: 'other' };
    assert.equal((await run(dir, ['run', '-j', '3'], labelled)).ran.length, 3);
    fs.writeFileSync(keptFile(dir), kept);
    editInput(dir, 'a.txt', 'a\n');
    assert.deepEqual(seen(await run(dir, ['run', '-j', '3'], labelled)), {
      code: 0,
      kept: false,
      why: 'is of another pipeline, parameters, steps or targets',
      ran: ['copy a'],
    });
  });

  it('is not used when a file that changed is gone or a folder: planning says what it says', async () => {
    const { dir, env } = referenceProject();
    const build = await run(dir, ['run'], env);
    assert.equal(build.code, 0, build.stderr);
    assert.equal(build.ran.length, 3);
    assert.equal(fs.existsSync(keptFile(dir)), true, build.stderr);
    fs.rmSync(path.join(dir, 'ref', 'genome.txt'));
    const gone = await run(dir, ['run'], env);
    assert.equal(gone.why, `names ${path.join(dir, 'ref', 'genome.txt')}, which is no longer a file`, gone.stderr);
    // What planning says without any kept plan, word for word.
    fs.rmSync(path.join(dir, '.sluice', 'plans'), { recursive: true });
    const planned = await run(dir, ['run'], env);
    assert.equal(planned.code, gone.code);
    assert.notEqual(gone.code, 0);
    assert.deepEqual(gone.ran, []);
    assert.deepEqual(message(gone.stderr), message(planned.stderr));
    fs.mkdirSync(path.join(dir, 'ref', 'genome.txt'));
    const folder = await run(dir, ['run'], env);
    assert.notEqual(folder.code, 0);
    assert.equal(folder.kept, false);
    assert.deepEqual(folder.ran, []);
  });

  it('is not used when the folder of a file that changed is a file now: planning says what it says', async () => {
    const { dir, env } = referenceProject();
    assert.equal((await run(dir, ['run'], env)).ran.length, 3);
    assert.equal(fs.existsSync(keptFile(dir)), true);
    // The path cannot even be looked up (ENOTDIR).
    fs.rmSync(path.join(dir, 'ref'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'ref'), 'a file\n');
    const notFolder = await run(dir, ['run'], env);
    assert.equal(notFolder.why, `names ${path.join(dir, 'ref', 'genome.txt')}, which is no longer a file`, notFolder.stderr);
    fs.rmSync(path.join(dir, '.sluice', 'plans'), { recursive: true });
    const planned = await run(dir, ['run'], env);
    assert.notEqual(planned.code, 0);
    assert.equal(notFolder.code, planned.code);
    assert.deepEqual(message(notFolder.stderr), message(planned.stderr));
  });

  it('looks for the programs again: one gone from PATH refuses the run, as planning does', async () => {
    const { dir, env } = referenceProject();
    assert.equal((await run(dir, ['run'], env)).ran.length, 3);
    editInput(dir, 'b.txt', 'B\n');
    assert.deepEqual(seen(await run(dir, ['run'], env)), { code: 0, kept: true, why: undefined, ran: ['join data/b.txt'] });
    assert.equal(read(dir, 'out/b.txt'), 'ref\nB\n');
    fs.rmSync(path.join(dir, 'bin', 'join-files'));
    editInput(dir, 'c.txt', 'C\n');
    const refused = await run(dir, ['run'], env);
    assert.equal(refused.kept, true);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /join-files/);
    assert.deepEqual(refused.ran, []);
  });

  it('is planned again when damaged, and kept again after', async () => {
    const dir = project();
    await settled(dir);
    for (const damage of ['', 'not json\n{}', `${fs.readFileSync(keptFile(dir), 'utf8').split('\n')[0]}\n{"tasks": [`]) {
      fs.writeFileSync(keptFile(dir), damage);
      editInput(dir, 'a.txt', `a ${damage.length}\n`);
      const damaged = await run(dir);
      assert.deepEqual({ ...seen(damaged), why: damaged.why?.replace(/ \(.*/, '') }, { code: 0, kept: false, why: damage === '' ? 'is cut short' : 'is unreadable', ran: ['copy a'] });
      assert.equal(read(dir, 'out/a.txt'), `a ${damage.length}\n`);
    }
    editInput(dir, 'b.txt', 'B\n');
    assert.deepEqual(seen(await run(dir)), { code: 0, kept: true, why: undefined, ran: ['copy b'] });
  });

  it('fails no run when it cannot be read or written: a folder in its place, a file in place of its folder', async () => {
    const dir = project();
    await settled(dir);
    fs.rmSync(keptFile(dir));
    fs.mkdirSync(keptFile(dir));
    editInput(dir, 'a.txt', 'A\n');
    assert.deepEqual(seen(await run(dir)), { code: 0, kept: false, why: undefined, ran: ['copy a'] });
    fs.rmSync(path.dirname(keptFile(dir)), { recursive: true });
    fs.writeFileSync(path.dirname(keptFile(dir)), 'not a folder\n');
    editInput(dir, 'b.txt', 'B\n');
    assert.deepEqual(seen(await run(dir)), { code: 0, kept: false, why: undefined, ran: ['copy b'] });
    assert.equal(read(dir, 'out/b.txt'), 'B\n');
    fs.rmSync(path.dirname(keptFile(dir)));
    editInput(dir, 'c.txt', 'C\n');
    assert.deepEqual(seen(await run(dir)), { code: 0, kept: false, why: undefined, ran: ['copy c'] }, 'kept again by this run');
    editInput(dir, 'a.txt', 'a\n');
    assert.deepEqual(seen(await run(dir)), { code: 0, kept: true, why: undefined, ran: ['copy a'] });
  });

  it('leaves nothing of a write that a kill -9 cut short: the next run removes it', async () => {
    const dir = project();
    await settled(dir);
    // What writeFileAtomically leaves when its process dies between its write and its rename.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const leftBy = (file: string, pid: number): string => temporaryNameFor(file).replace(`.${process.pid}.`, `.${pid}.`);
    const bundles = path.join(dir, '.sluice', 'pipelines');
    const left = [leftBy(keptFile(dir), dead), leftBy(path.join(bundles, 'pipeline.mjs'), dead)];
    // A write in progress by a live process (this one), what is no such copy, and a copy written
    // just now (by another machine sharing the folder, say, whose pids mean nothing here) stay.
    const kept = [leftBy(keptFile(dir), process.pid), path.join(dir, '.sluice', 'plans', 'notes.tmp'), leftBy(path.join(bundles, 'other.mjs'), dead)];
    for (const file of [...left, ...kept]) fs.writeFileSync(file, 'cut short');
    for (const file of [...left, ...kept.slice(0, 2)]) fs.utimesSync(file, HOUR_AGO, HOUR_AGO);
    editInput(dir, 'b.txt', 'B\n');
    assert.deepEqual(seen(await run(dir)), { code: 0, kept: true, why: undefined, ran: ['copy b'] });
    assert.deepEqual(left.filter((file) => fs.existsSync(file)), [], 'removed');
    assert.deepEqual(kept.filter((file) => !fs.existsSync(file)), [], 'left');
  });

  it('serves `sluice map` too, and looks for its program again', async () => {
    const dir = makeTempDir('sluice-kept-map-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'copy-one'), '#!/bin/sh\necho "copy $1" >> ran.log\ncp "$1" "$2"\n', { mode: 0o755 });
    for (const n of ['a', 'b', 'c']) editInput(dir, `${n}.txt`, `${n}\n`);
    fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
    const env = { PATH: `${path.join(dir, 'bin')}:${process.env['PATH'] ?? ''}` };
    const map = ['map', '--in', 'data/*.txt', '--out', 'out/{name}', '--', 'copy-one', '{in}', '{out}'];
    assert.equal((await run(dir, map, env)).ran.length, 3);
    editInput(dir, 'b.txt', 'B\n');
    assert.deepEqual(seen(await run(dir, map, env)), { code: 0, kept: true, why: undefined, ran: ['copy data/b.txt'] });
    assert.equal(read(dir, 'out/b.txt'), 'B\n');
    fs.rmSync(path.join(dir, 'bin', 'copy-one'));
    editInput(dir, 'c.txt', 'C\n');
    const refused = await run(dir, map, env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /copy-one/);
    assert.deepEqual(refused.ran, []);
  });
});
