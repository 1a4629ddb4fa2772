// Each exit status means one thing: 0 done, 1 a task failed, 2 refused before anything ran, 3 the
// environment failed, 70 a bug in sluice, 130 interrupted. `sluice --help` lists them. (A full
// disk and the other environment faults: environment-faults.test.ts.)

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';

const STACK = /\n\s+at .+:\d+:\d+/;

function project(command: string, extra = ''): string {
  const dir = makeTempDir('sluice-exit-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (const name of ['a', 'b']) fs.writeFileSync(path.join(dir, 'data', `${name}.txt`), `${name}\n`);
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
${extra}
export default pipeline({
  steps: () => ({
    copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh(${JSON.stringify(command)}) }),
  }),
});
`,
  );
  return dir;
}

describe('exit status', () => {
  it('is 0 when every task succeeded, 1 when one failed', async () => {
    const ok = await runSluice(['run'], { cwd: project('cat {in} > {out}') });
    assert.equal(ok.code, 0, ok.stderr);
    const failed = await runSluice(['run'], { cwd: project('exit 4') });
    assert.equal(failed.code, 1, failed.stderr);
    assert.doesNotMatch(failed.stderr, STACK);
  });

  it('is 2 for a usage or pipeline error, and for a folder whose lock another run holds', async () => {
    const dir = project('echo started >> ran.log; sleep 600; cat {in} > {out}');
    const usage = await runSluice(['run', '--jobs', 'zero'], { cwd: dir });
    assert.equal(usage.code, 2, usage.stderr);
    const unknown = await runSluice(['run', '--force', 'nosuchstep'], { cwd: dir });
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /Unknown step `nosuchstep`/);

    const first = startSluice(['run', '-j', '1'], { cwd: dir });
    try {
      await waitFor(() => fs.existsSync(path.join(dir, 'ran.log')), 60_000);
      const second = await runSluice(['run'], { cwd: dir });
      assert.equal(second.code, 2, second.stderr);
      assert.match(second.stderr, new RegExp(`Another sluice run is in progress in this folder: pid ${first.child.pid}`));
      assert.doesNotMatch(second.stderr, STACK);
    } finally {
      first.child.kill('SIGINT');
    }
    const interrupted = await first.done;
    assert.equal(interrupted.code, 130, interrupted.stderr);
  });

  it('is 2 for a report of a folder where nothing ran', async () => {
    const result = await runSluice(['report'], { cwd: makeTempDir('sluice-exit-report-') });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /No sluice run recorded in/);
  });

  it('is 3 for an environment fault (a state database that is not one)', async () => {
    const dir = project('cat {in} > {out}');
    fs.mkdirSync(path.join(dir, '.sluice'));
    fs.writeFileSync(path.join(dir, '.sluice', 'state.db'), 'not a database, '.repeat(512));
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /state\.db is damaged/);
    assert.equal(fs.existsSync(path.join(dir, 'out')), false, 'nothing ran');
  });

  it('is 70 for an error nobody expected: one paragraph, the stack only with SLUICE_DEBUG=1', async () => {
    // Thrown in a timer while the pipeline loads: no caller of sluice's waits for it.
    const dir = project('cat {in} > {out}', "setTimeout(() => { throw new TypeError('nobody catches this'); }, 0);");
    const plain = await runSluice(['run'], { cwd: dir, env: { SLUICE_DEBUG: '' } });
    assert.equal(plain.code, 70, plain.stderr);
    assert.match(plain.stderr, /sluice: TypeError: nobody catches this\nThis is a bug in sluice\. Run again with SLUICE_DEBUG=1/);
    assert.doesNotMatch(plain.stderr, STACK);
    const debug = await runSluice(['run'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
    assert.equal(debug.code, 70, debug.stderr);
    assert.match(debug.stderr, STACK);
  });

  it('is listed by `sluice --help`', async () => {
    const help = await runSluice(['--help'], { cwd: makeTempDir('sluice-exit-help-') });
    assert.equal(help.code, 0);
    for (const code of ['0', '1', '2', '3', '70', '130']) assert.match(help.stdout, new RegExp(`\\n  ${code} +\\S`));
  });
});
