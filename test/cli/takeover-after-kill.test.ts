// `kill -9` of sluice while a task that ignores SIGTERM appends to an output it writes in place:
// the next run, started at once, takes over the lock, ends what the dead run left, and only
// then runs the task again. Its output is exactly a clean run's, however many times we try.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';
import { findByMarker, makeMarker, waitForMarkerGone } from '../process/process-helpers.ts';

const LINES = 40;

// The task writes out.txt by a name it knows (in place, not staged), a line every 0.1 s, and
// ignores SIGTERM (so do its children: an ignored signal is inherited). `escape`: the writer is
// a child that left the task's process group and session (setsid). It runs in the background and
// is waited for: bash execs a script's last command, and `setsid` run as the group's leader forks
// and returns at once, so the task would end before it wrote anything.
function pipelineOf(marker: string, escape: boolean): string {
  const loop = `i=0; while [ $i -lt ${LINES} ]; do i=$((i+1)); echo "line $i" >> out.txt; sleep 0.1; done; : ${marker}`;
  const script = `trap "" TERM; rm -f out.txt; ${escape ? `setsid sh -c '${loop}' & wait` : loop}`;
  return `
import { pipeline, step, sh } from 'sluice';
export default pipeline({
  stubborn: step({ in: 'data.txt', out: 'out.txt', run: sh(${JSON.stringify(script)}) }),
});
`;
}

const CLEAN = Array.from({ length: LINES }, (_, index) => `line ${index + 1}\n`).join('');

function lineCount(file: string): number {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

async function killMidTaskAndRunAgain(launcher: 'python' | 'spawn', escape = false): Promise<void> {
  const dir = makeTempDir('sluice-takeover-');
  const marker = makeMarker();
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipelineOf(marker, escape));
  fs.writeFileSync(path.join(dir, 'data.txt'), 'x\n');
  const env = { SLUICE_LAUNCHER: launcher };
  const first = startSluice(['run'], { cwd: dir, env });
  await waitFor(() => lineCount(path.join(dir, 'out.txt')) >= 3, 60_000);
  first.child.kill('SIGKILL');
  await first.done;
  const second = await runSluice(['run'], { cwd: dir, env });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /Took over the lock/);
  // Whatever could still write has to be gone: then the file is final.
  assert.deepEqual(await waitForMarkerGone(marker), []);
  assert.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), CLEAN, `${launcher} launcher: the output is a clean run's`);
  const again = await runSluice(['run'], { cwd: dir, env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), CLEAN);
  fs.rmSync(dir, { recursive: true, force: true });
}

// A function step whose child (started with child_process, ignoring SIGTERM) appends to the
// task's log, written in place, a line every 0.1 s; once it is done the function copies the log
// to its output. The child outlives a kill -9 of sluice, reparented: no launcher adopts it.
function functionPipelineOf(marker: string, detach: boolean): string {
  const loop = `trap "" TERM; i=0; while [ $i -lt ${LINES} ]; do i=$((i+1)); echo "line $i" >> "$0"; sleep 0.1; done; : ${marker}`;
  return `
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { pipeline, step } from 'sluice';
export default pipeline({
  stubborn: step({ in: 'data.txt', out: 'out.txt', log: 'writer.log', run: async ({ output, log }) => {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('sh', ['-c', ${JSON.stringify(loop)}, log], { stdio: 'ignore', detached: ${detach} });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error('writer exited ' + code))));
    });
    fs.copyFileSync(log, output);
  } }),
});
`;
}

async function killFunctionStepAndRunAgain(detach: boolean): Promise<void> {
  const dir = makeTempDir('sluice-takeover-fn-');
  const marker = makeMarker();
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), functionPipelineOf(marker, detach));
  fs.writeFileSync(path.join(dir, 'data.txt'), 'x\n');
  const first = startSluice(['run'], { cwd: dir });
  await waitFor(() => lineCount(path.join(dir, 'writer.log')) >= 3, 60_000);
  first.child.kill('SIGKILL');
  await first.done;
  const second = await runSluice(['run'], { cwd: dir });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /Took over the lock/);
  assert.deepEqual(await waitForMarkerGone(marker), []);
  assert.equal(fs.readFileSync(path.join(dir, 'writer.log'), 'utf8'), CLEAN, 'the log is a clean run\'s');
  assert.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), CLEAN, 'the output is a clean run\'s');
  fs.rmSync(dir, { recursive: true, force: true });
}

describe('a run that takes over the lock of a killed run', () => {
  for (const detach of [false, true]) {
    it(`ends what a killed run's function step started${detach ? ' in a group of its own' : ''} before it starts a task (2 trials)`, async () => {
      for (let trial = 0; trial < 2; trial += 1) await killFunctionStepAndRunAgain(detach);
    });
  }

  for (const launcher of ['python', 'spawn'] as const) {
    it(`ends every task the killed run left before it starts one (${launcher} launcher, 3 trials)`, async () => {
      for (let trial = 0; trial < 3; trial += 1) await killMidTaskAndRunAgain(launcher);
    });
  }

  it('ends a writer that left the task\'s group too (python launcher, 3 trials)', async () => {
    for (let trial = 0; trial < 3; trial += 1) await killMidTaskAndRunAgain('python', true);
  });

  it('ends a writer that left the task\'s group too (spawn launcher, 2 trials)', async () => {
    for (let trial = 0; trial < 2; trial += 1) await killMidTaskAndRunAgain('spawn', true);
  });

  it('ends the launcher and its task within a bounded wait after kill -9 of sluice', async () => {
    const dir = makeTempDir('sluice-kill-launcher-');
    const marker = makeMarker();
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `
import { pipeline, step, sh } from 'sluice';
export default pipeline({
  hang: step({ in: 'data.txt', out: 'out.txt', run: sh('trap "" TERM; echo started > {out}; sleep 1000.${marker}') }),
});
`,
    );
    fs.writeFileSync(path.join(dir, 'data.txt'), 'x\n');
    const run = startSluice(['run'], { cwd: dir, env: { SLUICE_LAUNCHER: 'python' } });
    await waitFor(() => fs.readdirSync(dir, { recursive: true }).some((name) => String(name).endsWith('out.txt')), 60_000);
    await waitFor(() => findLauncher(run.child.pid ?? 0) !== undefined, 30_000);
    const launcher = findLauncher(run.child.pid ?? 0) as number;
    assert.ok((await findByMarker(marker)).length > 0, 'the task runs');
    run.child.kill('SIGKILL');
    await run.done;
    assert.deepEqual(await waitForMarkerGone(marker), [], 'the task is gone');
    await waitFor(() => !isAlive(launcher), 15_000);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

// The python helper that `parent` started.
function findLauncher(parent: number): number | undefined {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('sluice-launcher.py')) return Number(name);
    } catch {
      // exited while we looked
    }
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
