// `sluice map ... | head -1`: the reader of sluice's standard output (or standard error) goes away
// while tasks still print. Writing then fails with EPIPE (Node ignores SIGPIPE). sluice stops as on
// Ctrl-C: no new task starts, the running ones end, nothing half-written stays under a final
// name, exit 130; never "a bug in sluice" (exit 70).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice } from '../helpers/run-sluice.ts';

const INPUTS = Array.from({ length: 400 }, (_, index) => `i${index}`);

describe('a reader that closes sluice\'s output early', () => {
  it('stops the run cleanly when standard output is closed (`| head -1`)', async () => {
    const dir = makeTempDir('sluice-epipe-');
    const started = startSluice(['map', '-j', '2', '--', 'sh', '-c', 'echo "$1"; echo "$1" >> ran.log', 'sh', ':::', ...INPUTS], { cwd: dir });
    // Read the first chunk, then go away as `head -1` does.
    started.child.stdout.once('data', () => started.child.stdout.destroy());
    const result = await started.done;
    assert.doesNotMatch(result.stderr, /bug in sluice/, result.stderr);
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /standard output was closed/);
    const ran = fs.readFileSync(path.join(dir, 'ran.log'), 'utf8').trim().split('\n');
    assert.ok(ran.length < INPUTS.length, `the run stopped early (${ran.length} tasks ran)`);
    // The state stays usable: the next run works.
    const again = await runSluice(['map', '--', 'echo', ':::', 'x'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'x\n');
  });

  it('stops cleanly when both are one closed pipe (`2>&1 | head -1`), and keeps no partial output', async () => {
    const dir = makeTempDir('sluice-epipe-');
    const args = ['map', '-j', '2', '--out', 'out/{}.txt', '--', 'sh', '-c', 'echo "$1" >> ran.log; echo done; echo "$1" >&2', 'sh', ':::', ...INPUTS];
    const started = startSluice([...args.slice(0, 3), ...args.slice(3)], { cwd: dir });
    started.child.stderr.destroy();
    started.child.stdout.destroy();
    const result = await started.done;
    assert.ok(result.code === 130 || result.code === 0, `exit ${result.code}`);
    const outputs = fs.existsSync(path.join(dir, 'out')) ? fs.readdirSync(path.join(dir, 'out')) : [];
    for (const name of outputs) assert.equal(fs.readFileSync(path.join(dir, 'out', name), 'utf8'), 'done\n', name);
    const again = await runSluice(args, { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fs.readdirSync(path.join(dir, 'out')).length, INPUTS.length);
  });

  // Its failure report cannot be written: the run stops as on Ctrl-C (130), or, had it ended
  // before sluice wrote, ends with its own status (1).
  it('never reports a bug when only standard error is closed and a task fails', async () => {
    const dir = makeTempDir('sluice-epipe-');
    const started = startSluice(['map', '-k', '--', 'sh', '-c', 'test "$1" != i3', 'sh', ':::', ...INPUTS.slice(0, 8)], { cwd: dir });
    started.child.stderr.destroy();
    const result = await started.done;
    assert.ok(result.code === 1 || result.code === 130, `exit ${result.code}`);
  });
});
