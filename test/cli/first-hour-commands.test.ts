// The commands a user of make, Snakemake and GNU Parallel reaches for in the first hour:
// --version, run -k/--keep-going, --force-all, clean --all, status's exit code as make -q's, and
// -C DIR as make -C. Each through the real CLI, on real files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO, listFiles, makeTempDir, runSluice, takeRanLog } from '../helpers/run-sluice.ts';

const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** A project: data/{a,b,c}.txt, `copy` → out/{n}.txt, `upper` of each copy → up/{n}.txt. */
function project(dir = makeTempDir('sluice-first-hour-'), copyScript = 'echo "copy {n}" >> ran.log; cp {in} {out}'): string {
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  for (const n of ['a', 'b', 'c']) {
    fs.writeFileSync(path.join(dir, 'data', `${n}.txt`), `${n}\n`);
    fs.utimesSync(path.join(dir, 'data', `${n}.txt`), HOUR_AGO, HOUR_AGO);
  }
  fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  steps: () => ({
    copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh(${JSON.stringify(copyScript)}) }),
    upper: step({ in: 'out/{n}.txt', out: 'up/{n}.txt', run: sh('echo "upper {n}" >> ran.log; tr a-z A-Z < {in} > {out}') }),
  }),
});
`,
  );
  return dir;
}

describe('sluice --version', () => {
  it("prints the package's version and exits 0", async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = await runSluice([flag], { cwd: makeTempDir() });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${version}\n`);
      assert.equal(result.stderr, '', 'not a word on stderr (on every Node version sluice supports)');
    }
    const help = await runSluice(['--help'], { cwd: makeTempDir() });
    assert.match(help.stdout, /-v, --version/);
  });
});

describe('sluice run -k / --keep-going', () => {
  it("goes on with the tasks that do not depend on the failure, as make -k; map's -k keeps order", async () => {
    for (const flag of ['-k', '--keep-going']) {
      const dir = project(undefined, 'if [ {n} = a ]; then exit 3; fi; echo "copy {n}" >> ran.log; cp {in} {out}');
      const result = await runSluice(['run', '-j', '1', flag], { cwd: dir });
      assert.equal(result.code, 1, result.stderr);
      // Everything that does not need out/a.txt ran, whatever order the tasks started in.
      assert.deepEqual(takeRanLog(dir), ['copy b', 'copy c', 'upper b', 'upper c']);
      assert.equal(fs.existsSync(path.join(dir, 'up', 'a.txt')), false);
    }
    const runHelp = await runSluice(['run', '--help'], { cwd: makeTempDir() });
    assert.match(runHelp.stdout, /-k, --keep-going\s+after a failure, go on/);
    assert.match(runHelp.stdout, /sluice map -k/);
    const mapHelp = await runSluice(['map', '--help'], { cwd: makeTempDir() });
    assert.match(mapHelp.stdout, /-k, --keep-order\s+print outputs in input order \(GNU Parallel's\s+-k/);
    assert.match(mapHelp.stdout, /--keep-going\s+after a failure/);
  });
});

describe('sluice run --force-all', () => {
  it('runs every task again, or every task the targets need', async () => {
    const dir = project();
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    assert.equal(takeRanLog(dir).length, 6);
    const again = await runSluice(['run', '--force-all'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(takeRanLog(dir), ['copy a', 'copy b', 'copy c', 'upper a', 'upper b', 'upper c']);
    const target = await runSluice(['run', '--force-all', 'up/b.txt'], { cwd: dir });
    assert.equal(target.code, 0, target.stderr);
    assert.deepEqual(takeRanLog(dir), ['copy b', 'upper b']);
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    assert.deepEqual(takeRanLog(dir), []);
  });
});

describe('sluice clean --all', () => {
  it("removes every step's outputs and recorded state; refuses neither and both", async () => {
    const dir = project();
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    takeRanLog(dir);
    const cleaned = await runSluice(['clean', '--all'], { cwd: dir });
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.match(cleaned.stderr, /removed 6 outputs and 6 recorded successes of every step/);
    assert.deepEqual(listFiles(path.join(dir, 'out')), []);
    assert.deepEqual(listFiles(path.join(dir, 'up')), []);
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    assert.equal(takeRanLog(dir).length, 6);

    const neither = await runSluice(['clean'], { cwd: dir });
    assert.equal(neither.code, 2, neither.stderr);
    assert.match(neither.stderr, /Expected the steps to clean, or `--all` for every step, got neither/);
    const both = await runSluice(['clean', '--all', 'copy'], { cwd: dir });
    assert.equal(both.code, 2, both.stderr);
    assert.match(both.stderr, /got both/);
    assert.equal(fs.existsSync(path.join(dir, 'up', 'a.txt')), true, 'a refused clean removes nothing');
  });
});

describe('sluice status', () => {
  it('exits 1 when something is out of date, 0 when all is up to date (as make -q), 2 for a pipeline error', async () => {
    const dir = project();
    const before = await runSluice(['status'], { cwd: dir });
    assert.equal(before.code, 1, before.stderr);
    assert.match(before.stdout, /copy\s+out of date/);
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    const after = await runSluice(['status'], { cwd: dir });
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /upper\s+up to date/);
    // One output gone: its task and the one downstream of it are out of date.
    fs.rmSync(path.join(dir, 'out', 'b.txt'));
    const stale = await runSluice(['status'], { cwd: dir });
    assert.equal(stale.code, 1, stale.stderr);
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), 'export default 42;\n');
    const broken = await runSluice(['status'], { cwd: dir });
    assert.equal(broken.code, 2, broken.stderr);
    const help = await runSluice(['status', '--help'], { cwd: dir });
    assert.match(help.stdout, /1 when some task would run \(as make -q\)/);
  });
});

describe('-C DIR', () => {
  it('runs the pipeline of another folder as make -C: -f, targets and outputs relative to DIR', async () => {
    const parent = makeTempDir('sluice-dash-c-');
    const dir = project(path.join(parent, 'proj'));
    const result = await runSluice(['run', '-C', 'proj', 'up/a.txt'], { cwd: parent });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(takeRanLog(dir), ['copy a', 'upper a']);
    assert.equal(fs.readFileSync(path.join(dir, 'up', 'a.txt'), 'utf8'), 'A\n');
    assert.equal(fs.existsSync(path.join(parent, '.sluice')), false, 'no state in the folder sluice started in');
    assert.equal(fs.existsSync(path.join(parent, 'up')), false);
    // Before the command (as git -C), with a relative -f.
    const before = await runSluice(['-C', 'proj', 'run', '-f', 'pipeline.ts'], { cwd: parent });
    assert.equal(before.code, 0, before.stderr);
    assert.deepEqual(takeRanLog(dir), ['copy b', 'copy c', 'upper b', 'upper c']);
    const status = await runSluice(['status', '-C', path.join(parent, 'proj')], { cwd: makeTempDir() });
    assert.equal(status.code, 0, status.stderr);
    const cleaned = await runSluice(['clean', '-C', 'proj', 'upper'], { cwd: parent });
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.equal(fs.existsSync(path.join(dir, 'up', 'a.txt')), false);

    const mapped = await runSluice(['map', '-C', 'proj', '--in', 'data/*.txt', '--out', 'mapped/{name}', '--', 'cat'], { cwd: parent });
    assert.equal(mapped.code, 0, mapped.stderr);
    assert.deepEqual(listFiles(path.join(dir, 'mapped')), ['a.txt', 'b.txt', 'c.txt']);

    const missing = await runSluice(['run', '-C', 'nowhere'], { cwd: parent });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /Expected `-C` to be a folder, got `nowhere`/);
  });
});

describe('the summary of a run', () => {
  it('gives the wall time since sluice started, for a no-op run checked in full or by its snapshot', async () => {
    const dir = project();
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    // The folders of outputs an hour old: past the racy margin, so a snapshot can be left.
    for (const folder of ['out', 'up']) fs.utimesSync(path.join(dir, folder), HOUR_AGO, HOUR_AGO);
    // The outputs themselves must leave the 2 s margin too: on a fast Node (24) the four runs
    // below all fit in it, and none could leave a snapshot.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // Checked in full until a run leaves a snapshot, then confirmed by it.
    const ways: string[] = [];
    while (!ways.includes('snapshot') && ways.length < 4) {
      const started = Date.now();
      const noop = await runSluice(['run'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
      const waited = (Date.now() - started) / 1000;
      assert.equal(noop.code, 0, noop.stderr);
      ways.push(/the snapshot of the last run confirms all 6 tasks/.test(noop.stderr) ? 'snapshot' : 'full');
      const seconds = Number(/6 tasks: 6 up to date in ([\d.]+) s/.exec(noop.stderr)?.[1]);
      // Starting node and loading sluice alone take more than 10 ms: never `0.00 s`.
      assert.ok(seconds > 0, noop.stderr);
      assert.ok(seconds <= waited + 0.01, `${seconds} s reported, ${waited} s waited`);
    }
    assert.equal(ways[0], 'full');
    assert.equal(ways.at(-1), 'snapshot', ways.join(', '));
  });
});
