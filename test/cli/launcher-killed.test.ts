import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { groupAlive, makeTempDir, runSluice, waitFor } from '../helpers/run-sluice.ts';

// The launcher (libexec/sluice-launcher.py) killed under a running task: the task fails, and its
// failure report says what it ran, as any other failure does, and names it only as users do.
describe('a task whose launcher is killed', () => {
  const dir = makeTempDir('sluice-launcher-killed-');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fails with its command in the report and no internal task number', { timeout: 180_000 }, async () => {
    // The task's shell, started by the launcher, kills it (its parent). (Killed before its ledger
    // names the group, the task is found by its SLUICE_COOKIE: test/session/launcher-cookie.)
    fs.writeFileSync(path.join(dir, 'in.txt'), 'x\n');
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, sh } from 'sluice';
export default pipeline({ steps: { k: step({ in: 'in.txt', out: 'out.txt', run: sh('echo $$$$ > ids.txt; sleep 2; kill -KILL "$$PPID"; sleep 60; cp {in} {out}') }) } });
`.replaceAll('$$', '$'),
    );
    const result = await runSluice(['run'], { cwd: dir, env: { SLUICE_LAUNCHER: 'python' } });
    const group = Number(fs.readFileSync(path.join(dir, 'ids.txt'), 'utf8'));
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^✗ k sluice could not run the task: The launcher exited \(SIGKILL\)/m);
    assert.match(result.stderr, /^ {2}command: {2}\S*bash -euo pipefail -c 'echo \$\$ > ids\.txt; sleep 2; kill -KILL "\$PPID"; sleep 60; cp in\.txt out\.txt'$/m, result.stderr);
    assert.doesNotMatch(result.stderr, /task \d/, result.stderr);
    assert.equal(fs.existsSync(path.join(dir, 'out.txt')), false);
    // What the task left running ends with the run (session/close-session.ts).
    await waitFor(() => !groupAlive(group), 30_000);
  });

  it('removes what the task wrote in place: its outcome is unknown, no success', { timeout: 180_000 }, async () => {
    // The command writes its output at its final name itself (no {out} in it), then kills its
    // launcher: nothing tells whether it would have succeeded, so nothing it wrote is kept. It
    // writes again once that is removed, unless it was ended first, as it must be.
    const folder = path.join(dir, 'in-place');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'in.txt'), 'x\n');
    fs.writeFileSync(
      path.join(folder, 'pipeline.ts'),
      `import { pipeline, step, sh } from 'sluice';
export default pipeline({ steps: { w: step({ in: 'in.txt', out: 'out.txt', run: sh('echo $$$$ > ids.txt; echo partial > out.txt; kill -KILL "$$PPID"; while [ -e out.txt ]; do sleep 0.01; done; echo late > out.txt; sleep 60') }) } });
`.replaceAll('$$', '$'),
    );
    const result = await runSluice(['run'], { cwd: folder, env: { SLUICE_LAUNCHER: 'python' } });
    const group = Number(fs.readFileSync(path.join(folder, 'ids.txt'), 'utf8'));
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^✗ w sluice could not run the task: The launcher exited \(SIGKILL\)/m);
    assert.equal(fs.existsSync(path.join(folder, 'out.txt')), false, 'the partial output is removed');
    await waitFor(() => !groupAlive(group), 30_000);
  });

  it('leaves the tasks it held, never started, not run rather than failed', { timeout: 180_000 }, async () => {
    // -j 1: the launcher holds the next tasks behind the first, which kills it.
    const folder = path.join(dir, 'held');
    fs.mkdirSync(folder);
    fs.writeFileSync(
      path.join(folder, 'task.sh'),
      'if [ "$1" = 1 ]; then echo $$ > ids.txt; sleep 2; kill -KILL "$PPID"; sleep 60; fi\necho "$1" >> ran.txt\n',
    );
    const inputs = ['1', '2', '3', '4', '5', '6'];
    const result = await runSluice(['map', '-j', '1', '--', 'sh', 'task.sh', ':::', ...inputs], { cwd: folder, env: { SLUICE_LAUNCHER: 'python' } });
    const group = Number(fs.readFileSync(path.join(folder, 'ids.txt'), 'utf8'));
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^✗ map\[in=1\] sluice could not run the task: The launcher exited \(SIGKILL\)/m);
    // Only the task that ran is blamed.
    assert.equal(result.stderr.match(/^✗/gm)?.length, 1, result.stderr);
    assert.match(result.stderr, /6 tasks: 0 succeeded, 1 failed, 5 not run/, result.stderr);
    assert.equal(fs.existsSync(path.join(folder, 'ran.txt')), false);
    await waitFor(() => !groupAlive(group), 30_000);
  });
});
