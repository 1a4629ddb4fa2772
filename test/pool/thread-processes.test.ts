// The processes a pool thread's job starts end with the job: when it answers, when the pool
// terminates its thread (a cancel, close) or when the thread dies. What the pool's own thread
// started is not the jobs': it is left alone.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { PoolAbortError } from '../../src/pool/pool-errors.ts';
import { createWorkerPool } from '../../src/pool/worker-pool.ts';
import { findMarked, killMarked, survivorsAfter, waitForMarked } from '../helpers/find-marked.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

interface Job {
  /** What the job starts: a sleeper; one that ignores SIGTERM; one run by execSync (blocks the thread); a daemon. */
  readonly start: 'spawn' | 'stubborn' | 'execSync' | 'daemon';
  /** Then: return, hang forever, or end the thread (process.exit in a worker ends the thread). */
  readonly then: 'return' | 'hang' | 'exit';
  readonly marker: string;
}

const SLEEPER = 'import time; time.sleep(100000)';
// The interpreter itself, not pyenv's python3 shim: a bash script whose helper processes carry the
// marker too, and may exec the interpreter after the job's processes were looked for.
const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
const STUBBORN = 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(100000)';

function entry(): URL {
  const dir = makeTempDir('sluice-pool-processes-');
  const serve = pathToFileURL(path.resolve('src/pool/serve-jobs.ts')).href;
  const file = path.join(dir, 'entry.ts');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  fs.writeFileSync(
    file,
    `import { execSync, spawn } from 'node:child_process';
import fs from 'node:fs';
const { serveJobs } = await import(${JSON.stringify(serve)});
const until = async (marker: string): Promise<void> => {
  for (;;) {
    for (const name of fs.readdirSync('/proc')) {
      // The marker as a whole argument: the \`sh -c '... marker ...'\` that starts the daemon holds it
      // inside a word, and returning on it would end the job before the daemon exists.
      try { if (fs.readFileSync('/proc/' + name + '/cmdline', 'latin1').includes(marker + '\\0')) return; } catch {}
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
serveJobs(async (job: { start: string; then: string; marker: string }) => {
  if (job.start === 'spawn') spawn(${JSON.stringify(PYTHON)}, ['-c', ${JSON.stringify(SLEEPER)}, job.marker], { stdio: 'ignore' });
  if (job.start === 'stubborn') spawn(${JSON.stringify(PYTHON)}, ['-c', ${JSON.stringify(STUBBORN)}, job.marker], { stdio: 'ignore' });
  if (job.start === 'daemon') spawn('sh', ['-c', 'setsid ' + ${JSON.stringify(JSON.stringify(PYTHON))} + ' -c "${SLEEPER}" ' + job.marker + ' >/dev/null 2>&1 </dev/null &'], { stdio: 'ignore', env: { PATH: process.env.PATH } });
  if (job.start === 'execSync') execSync(${JSON.stringify(JSON.stringify(PYTHON))} + ' -c "${SLEEPER}" ' + job.marker, { env: { PATH: process.env.PATH ?? '' } });
  await until(job.marker);
  if (job.then === 'exit') process.exit(3);
  if (job.then === 'hang') await new Promise((resolve) => setTimeout(resolve, 1e9));
  return 'returned';
}, () => 'failed');
`,
  );
  return pathToFileURL(file);
}

const markers: string[] = [];
after(() => killMarked(markers));
function marker(): string {
  const made = `sluice-pool-orphan-${randomUUID()}`;
  markers.push(made);
  return made;
}

describe('processes started by pool jobs', () => {
  it('end before the job answers, a stubborn one by SIGKILL after the grace', async () => {
    const pool = createWorkerPool<Job, string>({ size: 2, entry: entry(), killGraceMs: 500 });
    try {
      const jobs: Job[] = [
        { start: 'spawn', then: 'return', marker: marker() },
        { start: 'stubborn', then: 'return', marker: marker() },
        { start: 'daemon', then: 'return', marker: marker() },
      ];
      for (const job of jobs) {
        assert.equal(await pool.run(job), 'returned');
        assert.deepEqual(findMarked(job.marker), [], `${job.start}: nothing left once the job answered`);
      }
    } finally {
      await pool.close();
    }
  });

  it('end when the job is aborted, even a thread blocked in execSync', async () => {
    const pool = createWorkerPool<Job, string>({ size: 3, entry: entry(), killGraceMs: 500 });
    try {
      const jobs: Job[] = [
        { start: 'spawn', then: 'hang', marker: marker() },
        { start: 'daemon', then: 'hang', marker: marker() },
        { start: 'execSync', then: 'hang', marker: marker() },
      ];
      const controller = new AbortController();
      const runs = jobs.map((job) => pool.run(job, { signal: controller.signal }));
      await waitForMarked(jobs.map((job) => job.marker));
      controller.abort();
      // Every rejection handled at once: the three jobs end in any order.
      await Promise.all(runs.map((run) => assert.rejects(run, PoolAbortError)));
      assert.deepEqual(await survivorsAfter(jobs.map((job) => job.marker), 5000), {});
    } finally {
      await pool.close();
    }
  });

  it('end when the pool closes, or its thread dies, and what this thread started is left alone', async () => {
    const own = marker();
    const mine = spawn(PYTHON, ['-c', SLEEPER, own], { stdio: 'ignore' });
    const pool = createWorkerPool<Job, string>({ size: 2, entry: entry(), killGraceMs: 500 });
    try {
      const hanging: Job = { start: 'spawn', then: 'hang', marker: marker() };
      const dying: Job = { start: 'spawn', then: 'exit', marker: marker() };
      const running = pool.run(hanging);
      await assert.rejects(pool.run(dying), /exited with code 3/);
      assert.deepEqual(findMarked(dying.marker), [], 'the processes of a thread that died end before its job fails');
      await waitForMarked([hanging.marker]);
      await pool.close();
      await assert.rejects(running, PoolAbortError);
      assert.deepEqual(findMarked(hanging.marker), [], 'nothing left once the pool closed');
      await waitForMarked([own]);
    } finally {
      await pool.close();
      mine.kill('SIGKILL');
    }
  });
});
