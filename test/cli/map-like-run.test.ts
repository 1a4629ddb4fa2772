// `sluice map` and `sluice run` share one front end: the same options, parsed the same way, the
// same dry run and `--explain`. Each case gives both commands the same work (a copy per file)
// and compares what they say.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const PIPELINE = `import { pipeline, step, cmd } from 'sluice';
export default pipeline({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}') }) });
`;
// Into its own folder: the two commands' outputs would otherwise overwrite each other's.
const MAP = ['--in', 'data/*.txt', '--out', 'mapped/{stem}.txt', '--', 'cp', '{in}', '{out}'];

/** A folder with data/a.txt, b.txt, c.txt and the pipeline that copies them. */
function folder(): string {
  const dir = makeTempDir('sluice-front-end-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (const n of ['a', 'b', 'c']) fs.writeFileSync(path.join(dir, 'data', `${n}.txt`), `${n}\n`);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

/** A dry run with task names as `NAME` and outputs in `out/`: what the two commands share. */
function shapeOf(stdout: string): string {
  return stdout.replace(/^(copy\[n=\w+\]|map\[in=[^\]]+\]): /gm, 'NAME: ').replaceAll('mapped/', 'out/');
}

describe('sluice map and sluice run: one front end', () => {
  it('print the same dry run, before and after the tasks ran', async () => {
    const dir = folder();
    const mapDry = await runSluice(['map', '--dry-run', ...MAP], { cwd: dir });
    const runDry = await runSluice(['run', '--dry-run'], { cwd: dir });
    assert.equal(mapDry.code, 0, mapDry.stderr);
    assert.equal(runDry.code, 0, runDry.stderr);
    assert.equal(mapDry.stdout, 'map[in=data/a.txt]: cp data/a.txt mapped/a.txt\nmap[in=data/b.txt]: cp data/b.txt mapped/b.txt\nmap[in=data/c.txt]: cp data/c.txt mapped/c.txt\n3 tasks would run\n');
    assert.equal(shapeOf(mapDry.stdout), shapeOf(runDry.stdout));
    assert.equal(mapDry.stderr, runDry.stderr);
    assert.deepEqual(listFiles(path.join(dir, 'mapped')), [], 'a dry run runs nothing');

    assert.equal((await runSluice(['map', ...MAP], { cwd: dir })).code, 0);
    const mapAfter = await runSluice(['map', '-n', ...MAP], { cwd: dir });
    assert.equal(mapAfter.stdout, 'nothing to do: all 3 tasks are up to date\n');
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    const runAfter = await runSluice(['run', '-n'], { cwd: dir });
    assert.equal(runAfter.stdout, mapAfter.stdout);
  });

  it('say why with --explain, in the same words', async () => {
    const dir = folder();
    const fresh = await runSluice(['map', '--dry-run', '--explain', ...MAP], { cwd: dir });
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.match(fresh.stdout, /^map\[in=data\/a\.txt\]: cp data\/a\.txt mapped\/a\.txt\n {2}because: output missing: mapped\/a\.txt\n/);
    assert.equal(fs.existsSync(path.join(dir, '.sluice')), false, 'a dry run where nothing ran makes no state');

    assert.equal((await runSluice(['map', ...MAP], { cwd: dir })).code, 0);
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    fs.writeFileSync(path.join(dir, 'data/b.txt'), 'B, longer\n');
    const mapWhy = await runSluice(['map', '-n', '--explain', ...MAP], { cwd: dir });
    assert.equal(mapWhy.code, 0, mapWhy.stderr);
    assert.equal(mapWhy.stdout, 'map[in=data/b.txt]: cp data/b.txt mapped/b.txt\n  because: input changed: data/b.txt (content changed)\n1 task would run, 2 up to date\n');
    const runWhy = await runSluice(['run', '-n', '--explain'], { cwd: dir });
    assert.equal(shapeOf(runWhy.stdout), shapeOf(mapWhy.stdout));

    const forced = await runSluice(['map', '-n', '--explain', '--force-all', ...MAP], { cwd: dir });
    assert.match(forced.stdout, /map\[in=data\/a\.txt\]: .*\n {2}because: forced \(--force\)\n/);
    assert.match(forced.stdout, /3 tasks would run\n$/);
  });

  it('parse a shared option alike: the same error for the same bad value', async () => {
    const dir = folder();
    const cases: ReadonlyArray<readonly string[]> = [
      ['-j', '0'],
      ['--jobs', 'many'],
      ['-j', '1.5'],
      ['--retries', '-1'],
      ['--timeout', '5 parsecs'],
      ['--executor', 'cloud'],
      ['--partition', 'short'],
      ['--executor', 'slurm', '--tasks-per-job', '0'],
    ];
    for (const option of cases) {
      const map = await runSluice(['map', ...option, ...MAP], { cwd: dir });
      const run = await runSluice(['run', ...option], { cwd: dir });
      assert.equal(map.code, 2, `map ${option.join(' ')}: ${map.stderr}`);
      assert.equal(run.code, 2, `run ${option.join(' ')}: ${run.stderr}`);
      assert.match(map.stderr, /^sluice: Expected `--/, option.join(' '));
      assert.equal(map.stderr, run.stderr, option.join(' '));
    }
    assert.deepEqual(listFiles(path.join(dir, 'mapped')), [], 'nothing ran');
    assert.deepEqual(listFiles(path.join(dir, 'out')), [], 'nothing ran');
  });

  it('name an unknown --force step, and keep -k as each command documents it', async () => {
    const dir = folder();
    const map = await runSluice(['map', '--force', 'copy', ...MAP], { cwd: dir });
    assert.equal(map.code, 2, map.stderr);
    assert.equal(map.stderr, 'sluice: Unknown step `copy` in `--force`: `sluice map` has map\n');
    const ordered = await runSluice(['map', '-k', '--', 'echo', ':::', '3', '1', '2'], { cwd: dir });
    assert.equal(ordered.stdout, '3\n1\n2\n', 'map -k keeps order');
    const going = await runSluice(['run', '-k', '--keep-order', '-q'], { cwd: dir });
    assert.equal(going.code, 0, going.stderr);
  });
});
