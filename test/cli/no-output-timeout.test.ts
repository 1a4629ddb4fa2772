// A step's no-output limit (`noOutputTimeout`, `--no-output-timeout`) through the real CLI: a
// silent task is ended as at its timeout, says so, is recorded timed out and retried as one; a
// task that talks (stdout, stderr, its log) runs past the limit; bad values are plan errors.
// Wide margins for a loaded machine: silent tasks sleep 1000 s under a 1 s limit, talking ones
// print every 0.2 s for 3 s under 1.5 s.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';
import { makeMarker, waitForMarkerGone } from '../process/process-helpers.ts';

function project(steps: string): string {
  const dir = makeTempDir('sluice-silence-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), `import { pipeline, step, sh } from 'sluice';\nexport default pipeline({\n${steps}\n});\n`);
  return dir;
}

// Prints to `where` every 0.2 s for 3 s, then copies its input: never silent for 1.5 s.
const TALK = (where: string): string => `for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do echo "line $i" ${where}; sleep 0.2; done; cp {in} {out}`;

describe('no-output timeout of steps', () => {
  it('ends a silent task, says which limit, records it timed out, and retries it as a timeout', async () => {
    const dir = project(`  quiet: step({ in: 'data/{x}.txt', out: 'out/{x}.txt', noOutputTimeout: '1s', timeout: '10m', retries: 1, run: sh('echo begun; sleep 1000; cp {in} {out}') }),`);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /quiet\[x=a\] timed out: no output for 1\.00 s \(attempt 2\)/);
    assert.match(result.stderr, /status: +signal SIGTERM \(terminated\), timed out/);
    const report = await runSluice(['report', '--tasks', '-'], { cwd: dir });
    assert.match(report.stdout, /^quiet\tx=a\ttimed out\t2\t/m, report.stdout);
    assert.ok(!listFiles(dir).some((file) => file.startsWith('out/') && file !== 'out/'), 'no output left');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lets tasks that talk on stdout, on stderr only, or in their log only run past the limit', async () => {
    const dir = project([
      `  out: step({ in: 'data/{x}.txt', out: 'o1/{x}.txt', noOutputTimeout: '1.5s', run: sh('${TALK('')}') }),`,
      `  err: step({ in: 'data/{x}.txt', out: 'o2/{x}.txt', noOutputTimeout: '1.5s', run: sh('${TALK('>&2')}') }),`,
      `  log: step({ in: 'data/{x}.txt', out: 'o3/{x}.txt', log: 'logs/{x}.log', noOutputTimeout: '1.5s', run: sh('${TALK('>> {log}')}') }),`,
    ].join('\n'));
    const result = await runSluice(['run', '-j', '3'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    for (const file of ['o1/a.txt', 'o2/a.txt', 'o3/a.txt']) assert.ok(fs.existsSync(path.join(dir, file)), file);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says a wall-clock timeout when that came first', async () => {
    const dir = project(`  busy: step({ in: 'data/{x}.txt', out: 'out/{x}.txt', timeout: '1s', noOutputTimeout: '10m', run: sh('while :; do echo tick; sleep 0.2; done') }),`);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /busy\[x=a\] timed out after 1\.00 s/);
    assert.doesNotMatch(result.stderr, /no output/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies run --no-output-timeout to command steps that set none, not to function steps', async () => {
    const dir = project([
      `  quiet: step({ in: 'data/{x}.txt', out: 'out/{x}.txt', run: sh('sleep 1000; cp {in} {out}') }),`,
      `  fn: step({ in: 'data/{x}.txt', out: 'fn/{x}.txt', run: async ({ input, output }) => { await new Promise((r) => setTimeout(r, 2500)); (await import('node:fs')).copyFileSync(input, output); } }),`,
    ].join('\n'));
    const result = await runSluice(['run', '-j', '2', '-k', '--no-output-timeout', '1s'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /quiet\[x=a\] timed out: no output for 1\.00 s/);
    assert.match(result.stderr, /sluice run .*--no-output-timeout 1s/, 'the re-run command keeps the limit');
    assert.ok(fs.existsSync(path.join(dir, 'fn/a.txt')), 'the silent function step ran to its end');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses bad values at load, naming the step; and noOutputTimeout on a function step', async () => {
    for (const [field, words] of [
      [`noOutputTimeout: '0s'`, /Expected `noOutputTimeout` of step `s` in .*pipeline\.ts to be longer than zero, got `0s`/],
      [`noOutputTimeout: -1`, /Expected `noOutputTimeout` of step `s` in .*pipeline\.ts to be a duration/],
      [`noOutputTimeout: 'abc'`, /Expected `noOutputTimeout` of step `s` in .*pipeline\.ts to be a duration .*got `abc`/],
      [`noOutputTimout: '1s'`, /Unknown key `noOutputTimout` in step `s` of .*pipeline\.ts; did you mean `noOutputTimeout`\?/],
    ] as const) {
      const dir = project(`  s: step({ in: 'data/{x}.txt', out: 'out/{x}.txt', ${field}, run: sh('cp {in} {out}') } as never),`);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, words);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const dir = project(`  s: step({ in: 'data/{x}.txt', out: 'out/{x}.txt', noOutputTimeout: '1s', run: async () => {} }),`);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Expected `noOutputTimeout` of step `s` in .*pipeline\.ts to be left out: a function step/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('sluice map --no-output-timeout', () => {
  it('ends a silent task with its setsid grandchild, and keeps one that talks on stderr', async () => {
    const dir = makeTempDir('sluice-silence-map-');
    const marker = makeMarker();
    const flag = path.join(dir, 'started.flag');
    const silent = `setsid sh -c 'echo > ${flag}; exec sleep 1000.${marker}' & while [ ! -e ${flag} ]; do sleep 0.02; done; sleep 1000; : {}`;
    const result = await runSluice(['map', '--no-output-timeout', '1s', '--shell', '--', silent, ':::', 'a'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /map\[in=a\] timed out: no output for 1\.00 s/);
    assert.deepEqual(await waitForMarkerGone(marker), [], 'no process of the task survives it');
    const talking = await runSluice(['map', '--no-output-timeout', '1.5s', '--shell', '--', `for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do echo $i >&2; sleep 0.2; done; echo {}`, ':::', 'b'], { cwd: dir });
    assert.equal(talking.code, 0, talking.stderr);
    assert.equal(talking.stdout, 'b\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a value that is no duration', async () => {
    const dir = makeTempDir('sluice-silence-map-');
    for (const value of ['abc', '0s', '-1s']) {
      const result = await runSluice(['map', `--no-output-timeout=${value}`, '--', 'echo', ':::', 'a'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /Expected `--no-output-timeout` to be/);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
