// Every process a function step starts ends with its task and with the run: started through
// streamLines, through child_process directly, or by such a child that called setsid (its parent
// still alive, or gone at once). Each shape runs under each ending; survivors are found by a
// unique marker in their argv.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { killMarked, survivorsAfter, waitForMarked } from '../helpers/find-marked.ts';
import { makeTempDir, runSluice, startSluice } from '../helpers/run-sluice.ts';

// ORPHAN_MODE: 'return' (the function returns), 'fail' (it throws) or 'hang' (it never ends).
const PIPELINE = `import { execSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { pipeline, step, streamLines } from 'sluice';

const MARK = process.env.ORPHAN_MARK ?? 'unset';
const MODE = process.env.ORPHAN_MODE ?? 'return';
// It ignores SIGTERM: only SIGKILL, after the grace period, ends it.
const SLEEPER = 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(100000)';

// Waits until a process marked \`mark\` runs, so that the task ends while it is alive.
async function until(mark: string): Promise<void> {
  for (;;) {
    for (const name of fs.readdirSync('/proc')) {
      try {
        if (/^\\d+$/.test(name) && fs.readFileSync('/proc/' + name + '/cmdline', 'latin1').includes(mark)) return;
      } catch {}
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function end(output: string): Promise<void> {
  if (MODE === 'fail') throw new Error('the step broke');
  if (MODE === 'hang') await new Promise((resolve) => setTimeout(resolve, 1e9));
  fs.writeFileSync(output, 'done');
}

export default pipeline({
  // A program that never exits, its lines never read to the end.
  stream: step({ out: 'out/stream', run: async ({ output }) => {
    const lines = streamLines(['python3', '-c', 'print("up", flush=True); ' + SLEEPER, MARK + '-stream'])[Symbol.asyncIterator]();
    await lines.next();
    await end(output);
  } }),
  // A child never waited for.
  spawn: step({ out: 'out/spawn', run: async ({ output }) => {
    spawn('python3', ['-c', SLEEPER, MARK + '-spawn'], { stdio: 'ignore' });
    await until(MARK + '-spawn');
    await end(output);
  } }),
  // A grandchild in a session of its own, its parent waiting for it.
  setsid: step({ out: 'out/setsid', run: async ({ output }) => {
    spawn('sh', ['-c', 'setsid python3 -c "' + SLEEPER + '" ' + MARK + '-setsid & wait'], { stdio: 'ignore' });
    await until(MARK + '-setsid');
    await end(output);
  } }),
  // A daemon: a grandchild in a session of its own whose parent exited at once.
  daemon: step({ out: 'out/daemon', run: async ({ output }) => {
    spawn('sh', ['-c', 'setsid python3 -c "' + SLEEPER + '" ' + MARK + '-daemon >/dev/null 2>&1 </dev/null &'], { stdio: 'ignore', detached: true });
    await until(MARK + '-daemon');
    await end(output);
  } }),
  // A program run by execSync, which blocks the thread until it exits: only when the task hangs.
  sync: step({ out: 'out/sync', run: async ({ output }) => {
    if (MODE === 'hang') execSync('python3 -c "' + SLEEPER + '" ' + MARK + '-sync');
    await end(output);
  } }),
});
`;

const SHAPES = ['stream', 'spawn', 'setsid', 'daemon'];

const everyMarker: string[] = [];
after(() => killMarked(everyMarker));

/** The markers of the shapes, and of the execSync one when the tasks hang. */
function project(hang = false): { dir: string; mark: string; markers: string[] } {
  const dir = makeTempDir('sluice-orphans-');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  const mark = `sluice-orphan-${randomUUID()}`;
  const markers = [...SHAPES, ...(hang ? ['sync'] : [])].map((shape) => `${mark}-${shape}`);
  everyMarker.push(...markers);
  return { dir, mark, markers };
}

describe('processes started by function steps', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGINT twice'] as const) {
    it(`end when sluice gets ${signal}`, async () => {
      const { dir, mark, markers } = project(true);
      const run = startSluice(['run', '-j', '5'], { cwd: dir, env: { ORPHAN_MARK: mark, ORPHAN_MODE: 'hang' } });
      try {
        await waitForMarked(markers);
      } catch (error) {
        run.child.kill('SIGKILL');
        throw new Error(`${String(error)}\n${(await run.done).stderr}`);
      }
      if (signal === 'SIGINT twice') {
        // The second one makes sluice exit at once, its tasks' threads still running.
        run.child.kill('SIGINT');
        await new Promise((resolve) => setTimeout(resolve, 100));
        run.child.kill('SIGINT');
      } else run.child.kill(signal);
      const result = await run.done;
      const ended = result.code ?? result.signal;
      // A second SIGINT that lands while Node tears down (the run over, its listeners gone) ends
      // sluice by the signal itself, which a shell reports as 130 too.
      if (signal === 'SIGINT twice') assert.ok(ended === 130 || ended === 'SIGINT', `ended by ${ended}: ${result.stderr}`);
      else assert.equal(ended, 130, result.stderr);
      assert.deepEqual(await survivorsAfter(markers), {});
    });
  }

  it('end when their task times out', async () => {
    const { dir, mark, markers } = project(true);
    const result = await runSluice(['run', '-j', '5', '--keep-going', '--timeout', '10s'], { cwd: dir, env: { ORPHAN_MARK: mark, ORPHAN_MODE: 'hang' } });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr.match(/✗ \w+(?:\[[^\]\n]*\])? timed out after/g)?.length, 5, result.stderr);
    assert.deepEqual(await survivorsAfter(markers), {});
  });

  it('end when their task fails', async () => {
    const { dir, mark, markers } = project();
    const result = await runSluice(['run', '-j', '4', '--keep-going'], { cwd: dir, env: { ORPHAN_MARK: mark, ORPHAN_MODE: 'fail' } });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /0 succeeded, 5 failed/);
    assert.deepEqual(await survivorsAfter(markers), {});
  });

  it('end when their task succeeds', async () => {
    const { dir, mark, markers } = project();
    const result = await runSluice(['run', '-j', '4'], { cwd: dir, env: { ORPHAN_MARK: mark, ORPHAN_MODE: 'return' } });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await survivorsAfter(markers), {});
  });
});
