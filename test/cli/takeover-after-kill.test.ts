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
// a child that left the task's process group and session (setsid).
function pipelineOf(marker: string, escape: boolean): string {
  const loop = `i=0; while [ $i -lt ${LINES} ]; do i=$((i+1)); echo "line $i" >> out.txt; sleep 0.1; done; : ${marker}`;
  // `; :` after setsid: bash would exec a last command, and setsid, then the group's leader, would
  // fork and return at once, ending the task.
  const script = `trap "" TERM; rm -f out.txt; ${escape ? `setsid sh -c '${loop}'; :` : loop}`;
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

describe('a run that takes over the lock of a killed run', () => {
  for (const launcher of ['python', 'spawn'] as const) {
    it(`ends every task the killed run left before it starts one (${launcher} launcher, 3 trials)`, async () => {
      for (let trial = 0; trial < 3; trial += 1) await killMidTaskAndRunAgain(launcher);
    });
  }

  it('ends a writer that left the task\'s group too (python launcher, 3 trials)', async () => {
    for (let trial = 0; trial < 3; trial += 1) await killMidTaskAndRunAgain('python', true);
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
