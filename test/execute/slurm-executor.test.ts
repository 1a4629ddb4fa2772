import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { AttemptOutcome } from '../../src/execute/executor.ts';
import type { SbatchRequest } from '../../src/execute/slurm/build-sbatch-argv.ts';
import type { JobReport } from '../../src/execute/slurm/job-state.ts';
import { createSlurmExecutor, type SlurmExecutorOptions } from '../../src/execute/slurm/slurm-executor.ts';
import type { SlurmClient } from '../../src/execute/slurm/slurm-client.ts';
import { SubmitLimitError } from '../../src/execute/slurm/explain-sbatch-refusal.ts';
import { markerPathOf, readJsonFile, type Marker, type TaskFile } from '../../src/execute/slurm/task-files.ts';
import type { Task } from '../../src/kernel/task.ts';

// The executor's logic against a Slurm played by the test: what goes out in which sbatch call,
// how answers, silences and markers become outcomes. test/execute/slurm-cluster.test.ts and
// test/conformance/ run the same code against a real cluster.

interface FakeJob {
  readonly id: string;
  readonly request: SbatchRequest;
  /** The task files the job runs in turn (one unless a step packs several per job). */
  readonly taskFiles: readonly string[];
  state: string;
}

function fakeSlurm() {
  const submits: SbatchRequest[] = [];
  const cancels: string[][] = [];
  const jobs = new Map<string, FakeJob>();
  let next = 100;
  let silent = false;
  const client: SlurmClient = {
    async submit(request) {
      submits.push(request);
      const job = String(next++);
      const list = readJsonFile<string[][]>(request.scriptArgs[1] as string) ?? [];
      list.forEach((files, index) => {
        const id = request.arraySize === undefined ? job : `${job}_${index}`;
        const taskFiles = files.map((file) => path.join(path.dirname(request.scriptArgs[1] as string), file));
        jobs.set(id, { id, request, taskFiles, state: 'PENDING' });
      });
      return job;
    },
    async queue(ids) {
      if (silent) return undefined;
      const reports: JobReport[] = [];
      for (const job of jobs.values()) {
        if (ids.includes(job.id.split('_')[0] as string) && job.state !== 'GONE') {
          reports.push({ id: job.id, state: job.state, exitCode: null, signal: null, reason: '' });
        }
      }
      return reports;
    },
    async accounting() {
      return undefined;
    },
    async cancel(ids) {
      cancels.push([...ids]);
      for (const id of ids) {
        const job = jobs.get(id);
        if (job !== undefined) job.state = 'CANCELLED';
      }
      return true;
    },
    async maxArraySize() {
      return 1000;
    },
    // A cluster larger than any batch here: no test task waits for a probe unless it asks.
    async partitions() {
      return [{ name: 'debug', isDefault: true, cpus: 64, maxTimeMs: undefined }];
    },
  };
  /** Plays the node: writes the outputs and markers of the attempts `job` runs. */
  const finish = (id: string, fields: Partial<Marker> = {}, state = 'COMPLETED'): void => {
    const job = jobs.get(id) as FakeJob;
    for (const taskFile of job.taskFiles) {
      const spec = readJsonFile<TaskFile>(taskFile) as TaskFile;
      for (const output of spec.task.outputs) fs.writeFileSync(path.resolve(spec.task.cwd, output), `made by ${id}\n`);
      const marker: Marker = { status: 'succeeded', exitCode: 0, signal: null, startedAt: 1, endedAt: 2, stderrLog: '/dev/null', stderrTail: [], ...fields };
      fs.writeFileSync(markerPathOf(taskFile), JSON.stringify(marker));
    }
    job.state = state;
  };
  return {
    client, submits, cancels, jobs, finish,
    set silent(value: boolean) {
      silent = value;
    },
  };
}

function project(): { root: string; task: (id: number, fields?: Partial<Task>) => Task } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-slurm-exec-'));
  return {
    root,
    task: (id, fields = {}) => ({
      id,
      step: 'copy',
      action: { kind: 'argv', argv: ['cp', `in/${id}.txt`, { parts: [{ output: 0 }] }] },
      inputs: [`in/${id}.txt`],
      outputs: [`out/${id}.txt`],
      cwd: root,
      resources: { cpus: 1, retries: 0 },
      ...fields,
    }),
  };
}

function options(root: string, client: SlurmClient, commits: number[], extra: Partial<SlurmExecutorOptions> = {}): SlurmExecutorOptions {
  fs.mkdirSync(path.join(root, 'out'), { recursive: true });
  return {
    root,
    runId: `20260101-000000-${process.pid}`,
    logDir: path.join(root, '.sluice/logs/run'),
    commit: (task) => void commits.push(task.id),
    client,
    execTaskCommand: ['/bin/true'],
    batchWindowMs: 30,
    pollMinMs: 10,
    pollMaxMs: 40,
    markerGraceMs: 50,
    lostGraceMs: 200,
    cancelGraceMs: 500,
    ...extra,
  };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), 'condition not met in 4 s');
};

describe('Slurm executor (Slurm played by the test)', () => {
  it('sends the ready tasks of one step and shape as one array, and tasks of another shape apart', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const commits: number[] = [];
    const executor = await createSlurmExecutor(options(root, slurm.client, commits, { steps: new Map([['copy', { partition: 'short' }]]) }));
    const outcomes = Promise.all([
      ...[1, 2, 3, 4].map((id) => executor.submit({ task: task(id), attempt: 1 })),
      executor.submit({ task: task(5, { resources: { cpus: 2, retries: 0, memory: '1.5G', timeoutMs: 90_000 } }), attempt: 1 }),
    ]);
    await until(() => slurm.submits.length === 2);
    assert.deepEqual(slurm.submits.map((s) => [s.arraySize, s.cpus, s.memory, s.timeLimitMinutes, s.partition]), [
      [4, 1, undefined, undefined, 'short'],
      [undefined, 2, '1536M', 3, 'short'],
    ]);
    for (const id of ['100_0', '100_1', '100_2', '100_3', '101']) slurm.finish(id);
    const results = await outcomes;
    assert.deepEqual(results.map((o) => o.status), ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    assert.deepEqual(commits.sort(), [1, 2, 3, 4, 5]);
    assert.deepEqual(results[1]?.job, { id: '100_1', output: path.join(root, '.sluice/slurm', `20260101-000000-${process.pid}`, 'job-100_1.out') });
    await executor.shutdown();
  });

  it('packs consecutive tasks into one array job each when a step asks for several tasks per job', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const commits: number[] = [];
    const resources = { cpus: 1, retries: 0, timeoutMs: 50_000 };
    const executor = await createSlurmExecutor(options(root, slurm.client, commits, { slurm: { tasksPerJob: 2 } }));
    const outcomes = Promise.all([1, 2, 3].map((id) => executor.submit({ task: task(id, { resources }), attempt: 1 })));
    await until(() => slurm.submits.length === 1);
    assert.deepEqual([slurm.submits[0]?.arraySize, slurm.submits[0]?.timeLimitMinutes], [2, 3]);
    assert.deepEqual([...slurm.jobs.values()].map((job) => [job.id, job.taskFiles.map((file) => path.basename(file))]), [
      ['100_0', ['1.1.json', '2.1.json']],
      ['100_1', ['3.1.json']],
    ]);
    // The node runs a job's tasks in turn, each with its own marker.
    slurm.finish('100_0', {}, 'RUNNING');
    executor.cancel(3);
    const results = await outcomes;
    assert.deepEqual(results.map((o) => o.status), ['succeeded', 'succeeded', 'cancelled']);
    assert.deepEqual(results.map((o) => o.job?.id), ['100_0', '100_0', '100_1']);
    assert.deepEqual(slurm.cancels, [['100_1']]);
    await executor.shutdown();
  });

  // The node's sluice removes its shelter (`.sluice-slurm-<run>-<task>/` beside the outputs) only
  // once it has ended the task; a cancel settles when Slurm reports the job ended, before that (CI
  // on Node 24 found the folder left by an interrupted run), or the node is killed first.
  it('removes the shelter of a task cancelled before its node said it ended', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const executor = await createSlurmExecutor(options(root, slurm.client, []));
    const outcome = executor.submit({ task: task(7), attempt: 1 });
    await until(() => slurm.submits.length === 1);
    const job = [...slurm.jobs.values()][0] as FakeJob;
    job.state = 'RUNNING';
    const spec = readJsonFile<TaskFile>(job.taskFiles[0] as string) as TaskFile;
    const shelter = path.join(root, 'out', `.sluice-slurm-${spec.runId}-7`);
    fs.mkdirSync(path.join(shelter, '.sluice-tmp-x'), { recursive: true });
    fs.writeFileSync(path.join(shelter, '.sluice-tmp-x', '7.txt'), 'half');
    executor.cancel(7);
    assert.equal((await outcome).status, 'cancelled');
    assert.equal(fs.existsSync(shelter), false, 'no staging folder beside the outputs');
    await executor.shutdown();
  });

  it('cancels one task of a packed element alone: no scancel, its pack-mates run on and succeed', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const commits: number[] = [];
    const executor = await createSlurmExecutor(options(root, slurm.client, commits, { slurm: { tasksPerJob: 3 } }));
    const outcomes = Promise.all([1, 2, 3].map((id) => executor.submit({ task: task(id), attempt: 1 })));
    await until(() => slurm.jobs.has('100'));
    (slurm.jobs.get('100') as FakeJob).state = 'RUNNING';
    executor.cancel(2);
    const cancelFile = path.join(path.dirname((slurm.jobs.get('100') as FakeJob).taskFiles[1] as string), '2.1.cancel');
    await until(() => fs.existsSync(cancelFile));
    assert.deepEqual(slurm.cancels, [], 'the element runs on for tasks 1 and 3');
    // The node skips task 2 (its cancel file) and runs the others.
    slurm.finish('100');
    fs.writeFileSync(markerPathOf((slurm.jobs.get('100') as FakeJob).taskFiles[1] as string), JSON.stringify({
      status: 'cancelled', exitCode: null, signal: null, startedAt: 1, endedAt: 1, stderrLog: '', stderrTail: [],
    }));
    fs.rmSync(path.join(root, 'out/2.txt'));
    const results = await outcomes;
    assert.deepEqual(results.map((o) => o.status), ['succeeded', 'cancelled', 'succeeded']);
    assert.deepEqual(commits.sort(), [1, 3]);
    assert.deepEqual(slurm.cancels, []);
    await executor.shutdown();
  });

  it('backs off squeue while probes run, and still sees a probe end from its marker soon', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    let queries = 0;
    const client: SlurmClient = {
      ...slurm.client,
      partitions: async () => [{ name: 'debug', isDefault: true, cpus: 1, maxTimeMs: undefined }],
      queue: async (ids) => {
        queries++;
        return slurm.client.queue(ids);
      },
    };
    // The polling a user gets: from half a second, slowing down to ten.
    const executor = await createSlurmExecutor(options(root, client, [], { pollMinMs: 500, pollMaxMs: 10_000 }));
    try {
      const outcomes = Promise.all([1, 2, 3].map((id) => executor.submit({ task: task(id), attempt: 1 })));
      await until(() => slurm.jobs.has('100'));
      (slurm.jobs.get('100') as FakeJob).state = 'RUNNING';
      await new Promise((resolve) => setTimeout(resolve, 4000));
      // 500, 750, 1125, 1688 ms apart: about 4 in 4 s (a busy machine asks fewer); 16 at 4 a second.
      assert.ok(queries <= 6, `${queries} squeue calls in 4 s while one probe ran`);
      slurm.finish('100');
      // The probe's marker frees the two tasks held back for it, without waiting for squeue.
      await until(() => slurm.jobs.has('101'));
      for (const id of slurm.jobs.keys()) if (id !== '100') slurm.finish(id);
      assert.deepEqual((await outcomes).map((o) => o.status), ['succeeded', 'succeeded', 'succeeded']);
    } finally {
      await executor.shutdown();
    }
  });

  it('splits 1,200 tasks at one task per element into arrays the cluster takes (MaxArraySize 101: 100 elements)', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const client: SlurmClient = { ...slurm.client, maxArraySize: async () => 100 };
    const executor = await createSlurmExecutor(options(root, client, [], { slurm: { tasksPerJob: 1 } }));
    try {
      const ids = Array.from({ length: 1200 }, (_, index) => index + 1);
      const outcomes = Promise.all(ids.map((id) => executor.submit({ task: task(id), attempt: 1 })));
      await until(() => slurm.jobs.size === 1200);
      assert.ok(slurm.submits.every((request) => (request.arraySize ?? 1) <= 100), slurm.submits.map((request) => request.arraySize).join(' '));
      assert.equal(slurm.submits.length, 12);
      for (const id of [...slurm.jobs.keys()]) slurm.finish(id);
      assert.ok((await outcomes).every((outcome) => outcome.status === 'succeeded'));
    } finally {
      await executor.shutdown();
    }
  });

  it("gives a packed element time for every task to reach its timeout and the kill grace after it", async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const resources = { cpus: 1, retries: 0, timeoutMs: 1000 };
    const executor = await createSlurmExecutor(options(root, slurm.client, [], { slurm: { tasksPerJob: 60 }, killGraceMs: 2000 }));
    try {
      const outcomes = Promise.all(Array.from({ length: 60 }, (_, index) => executor.submit({ task: task(index + 1, { resources }), attempt: 1 })));
      await until(() => slurm.submits.length === 1);
      // 60 tasks that all hang: 60 × 1 s, then 2 s each for the ones SIGTERM does not end (the
      // last one's is in the margin): 178 s, 3 minutes, plus the 1-minute margin.
      assert.equal(slurm.submits[0]?.timeLimitMinutes, 4);
      for (const id of [...slurm.jobs.keys()]) slurm.finish(id);
      await outcomes;
    } finally {
      await executor.shutdown();
    }
  });

  it('holds what a submit limit (MaxSubmitJobs) refuses: smaller arrays, then more as its jobs end; none fails', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const limit = 10;
    let refusals = 0;
    let most = 0;
    const queued = (): number => [...slurm.jobs.values()].filter((job) => job.state === 'PENDING' || job.state === 'RUNNING').length;
    const client: SlurmClient = {
      ...slurm.client,
      async submit(request) {
        if (queued() + (request.arraySize ?? 1) > limit) {
          refusals++;
          throw new SubmitLimitError('the cluster refused ...: it would go over the number of jobs you may have queued');
        }
        const job = await slurm.client.submit(request);
        most = Math.max(most, queued());
        return job;
      },
    };
    const executor = await createSlurmExecutor(options(root, client, [], { slurm: { tasksPerJob: 1 }, submitLimitWaitMs: 100 }));
    try {
      const outcomes = Promise.all(Array.from({ length: 25 }, (_, index) => executor.submit({ task: task(index + 1), attempt: 1 })));
      let done = false;
      void outcomes.then(() => (done = true));
      // The cluster runs what is queued, a few at a time.
      for (let round = 0; round < 200 && !done; round++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        for (const [id] of [...slurm.jobs].filter(([, job]) => job.state === 'PENDING').slice(0, 4)) slurm.finish(id);
      }
      assert.ok(done, `${slurm.jobs.size} of 25 tasks went out`);
      assert.ok((await outcomes).every((outcome) => outcome.status === 'succeeded'));
      assert.equal(slurm.jobs.size, 25);
      assert.ok(refusals > 0 && most <= limit, `${refusals} refusals, at most ${most} queued`);
    } finally {
      await executor.shutdown();
    }
  });

  it('fails a job the submit limit refuses when none of the run\'s jobs is queued, with the reason', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const client: SlurmClient = {
      ...slurm.client,
      async submit() {
        throw new SubmitLimitError('the cluster refused a job: it would go over the number of jobs you may have queued');
      },
    };
    const executor = await createSlurmExecutor(options(root, client, [], { slurm: { tasksPerJob: 1 }, submitLimitWaitMs: 100 }));
    try {
      const outcomes = await Promise.all([1, 2, 3].map((id) => executor.submit({ task: task(id), attempt: 1 })));
      assert.deepEqual(outcomes.map((outcome) => outcome.status), ['failed', 'failed', 'failed']);
      assert.match(outcomes[0]?.error ?? '', /^the cluster refused a job: it would go over the number of jobs you may have queued/);
    } finally {
      await executor.shutdown();
    }
  });

  it('cancels a packed element with scancel once every task of it is cancelled', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const executor = await createSlurmExecutor(options(root, slurm.client, [], { slurm: { tasksPerJob: 2 } }));
    const outcomes = Promise.all([1, 2].map((id) => executor.submit({ task: task(id), attempt: 1 })));
    await until(() => slurm.jobs.has('100'));
    executor.cancel(1);
    executor.cancel(2);
    assert.deepEqual((await outcomes).map((o) => o.status), ['cancelled', 'cancelled']);
    assert.deepEqual(slurm.cancels, [['100']]);
    await executor.shutdown();
  });

  it('sends a step of unknown duration as probes first, one per slot, and packs the rest once a probe ends', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const commits: number[] = [];
    const client: SlurmClient = { ...slurm.client, partitions: async () => [{ name: 'debug', isDefault: true, cpus: 2, maxTimeMs: undefined }] };
    const executor = await createSlurmExecutor(options(root, client, commits));
    const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const outcomes = Promise.all(ids.map((id) => executor.submit({ task: task(id), attempt: 1 })));
    await until(() => slurm.submits.length === 1);
    assert.equal(slurm.submits[0]?.arraySize, 2);
    // A task held back for the probes is cancelled without ever being sent.
    executor.cancel(10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(slurm.submits.length, 1, 'the rest waits for a probe');
    slurm.finish('100_0');
    await until(() => slurm.submits.length === 2);
    assert.deepEqual([...slurm.jobs.values()].map((job) => [job.id, job.taskFiles.map((file) => path.basename(file))]), [
      ['100_0', ['1.1.json']],
      ['100_1', ['2.1.json']],
      ['101_0', ['3.1.json', '4.1.json', '5.1.json', '6.1.json']],
      ['101_1', ['7.1.json', '8.1.json', '9.1.json']],
    ]);
    for (const id of ['100_1', '101_0', '101_1']) slurm.finish(id);
    const results = await outcomes;
    assert.deepEqual(results.map((o) => o.status), [...ids.slice(0, 9).map(() => 'succeeded'), 'cancelled']);
    assert.deepEqual(commits.sort((a, b) => a - b), ids.slice(0, 9));
    await executor.shutdown();
  });

  it('learns a step\'s duration from succeeded probes only: a task that fails at once says nothing of the others', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const client: SlurmClient = { ...slurm.client, partitions: async () => [{ name: 'debug', isDefault: true, cpus: 2, maxTimeMs: undefined }] };
    const executor = await createSlurmExecutor(options(root, client, []));
    const ids = [1, 2, 3, 4, 5, 6];
    const outcomes = Promise.all(ids.map((id) => executor.submit({ task: task(id), attempt: 1 })));
    await until(() => slurm.submits.length === 1);
    slurm.finish('100_0', { status: 'failed', exitCode: 3 }, 'FAILED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(slurm.submits.length, 1, 'a failed probe releases nothing');
    slurm.finish('100_1');
    await until(() => slurm.submits.length === 2);
    assert.equal(slurm.submits[1]?.arraySize, 2);
    for (const id of ['101_0', '101_1']) slurm.finish(id);
    assert.deepEqual((await outcomes).map((o) => o.status), ['failed', ...ids.slice(1).map(() => 'succeeded')]);
    await executor.shutdown();
  });

  it('sends the rest one per element when a probe runs past the target length', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const client: SlurmClient = { ...slurm.client, partitions: async () => [{ name: 'debug', isDefault: true, cpus: 1, maxTimeMs: undefined }] };
    const executor = await createSlurmExecutor(options(root, client, [], { packTargetMs: 300 }));
    const outcomes = Promise.all([1, 2, 3, 4].map((id) => executor.submit({ task: task(id), attempt: 1 })));
    await until(() => slurm.submits.length === 1);
    assert.equal(slurm.submits[0]?.arraySize, undefined);
    (slurm.jobs.get('100') as FakeJob).state = 'RUNNING';
    await until(() => slurm.submits.length === 2);
    assert.deepEqual([...slurm.jobs.values()].map((job) => job.taskFiles.length), [1, 1, 1, 1]);
    for (const id of ['100', '101_0', '101_1', '101_2']) slurm.finish(id);
    assert.deepEqual((await outcomes).map((o) => o.status), ['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    await executor.shutdown();
  });

  it('sends tasks held back for a probe in arrays no larger than the cluster takes', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const client: SlurmClient = { ...slurm.client, partitions: async () => [{ name: 'debug', isDefault: true, cpus: 1, maxTimeMs: undefined }] };
    const executor = await createSlurmExecutor(options(root, client, [], { packTargetMs: 300, maxArraySize: 3 }));
    const ids = [1, 2, 3, 4, 5, 6, 7];
    const outcomes = Promise.all(ids.map((id) => executor.submit({ task: task(id), attempt: 1 })));
    await until(() => slurm.submits.length === 1);
    (slurm.jobs.get('100') as FakeJob).state = 'RUNNING';
    await until(() => slurm.submits.length === 3);
    assert.deepEqual(slurm.submits.map((submit) => submit.arraySize), [undefined, 3, 3]);
    for (const id of slurm.jobs.keys()) slurm.finish(id);
    assert.deepEqual((await outcomes).map((o) => o.status), ids.map(() => 'succeeded'));
    await executor.shutdown();
  });

  it('reports the node\'s failure with the Slurm job id and output file; a failed query is no news', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const commits: number[] = [];
    const executor = await createSlurmExecutor(options(root, slurm.client, commits));
    const outcome = executor.submit({ task: task(1), attempt: 1 });
    await until(() => slurm.submits.length === 1);
    slurm.silent = true;
    await new Promise((resolve) => setTimeout(resolve, 400)); // longer than lostGraceMs
    slurm.finish('100', { status: 'failed', exitCode: 3, stderrTail: ['boom'] }, 'FAILED');
    const result: AttemptOutcome = await outcome;
    assert.equal(result.status, 'failed');
    assert.equal(result.exitCode, 3);
    assert.deepEqual(result.stderrTail, ['boom']);
    assert.match(result.error ?? '', /^exit code 3 \(Slurm job 100, job output \.sluice\/slurm\/.*\/job-100\.out\)$/);
    assert.deepEqual(commits, []);
    await executor.shutdown();
  });

  it('calls a job that vanished without a marker lost after the grace period', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const executor = await createSlurmExecutor(options(root, slurm.client, []));
    const outcome = executor.submit({ task: task(1), attempt: 1 });
    await until(() => slurm.jobs.has('100'));
    (slurm.jobs.get('100') as FakeJob).state = 'GONE';
    const result = await outcome;
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /^lost: the job is gone from Slurm's queue.* and left no exit-status file \(Slurm job 100, /);
    await executor.shutdown();
  });

  it('cancels a task still waiting for its batch without a submission, and a submitted one with scancel', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const executor = await createSlurmExecutor(options(root, slurm.client, []));
    const waiting = executor.submit({ task: task(1), attempt: 1 });
    executor.cancel(1);
    assert.equal((await waiting).status, 'cancelled');
    const submitted = executor.submit({ task: task(2), attempt: 1 });
    await until(() => slurm.jobs.has('100'));
    executor.cancel(2);
    executor.cancel(2);
    assert.equal((await submitted).status, 'cancelled');
    assert.deepEqual(slurm.cancels, [['100']]);
    assert.equal(slurm.submits.length, 1);
    await executor.shutdown();
  });

  it('cancels a task whose sbatch is still running once its job id is known, and only that array task', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    let answer: (() => void) | undefined;
    let asked = false;
    const client: SlurmClient = {
      ...slurm.client,
      async submit(request) {
        asked = true;
        await new Promise<void>((resolve) => (answer = resolve));
        return slurm.client.submit(request);
      },
    };
    const commits: number[] = [];
    const executor = await createSlurmExecutor(options(root, client, commits));
    const [first, second] = [1, 2].map((id) => executor.submit({ task: task(id), attempt: 1 }));
    await until(() => asked);
    executor.cancel(1);
    assert.deepEqual(slurm.cancels, [], 'no job to cancel before sbatch answers');
    answer?.();
    assert.equal((await first)?.status, 'cancelled');
    assert.deepEqual(slurm.cancels, [['100_0']]);
    slurm.finish('100_1');
    assert.equal((await second)?.status, 'succeeded');
    assert.deepEqual(commits, [2]);
    await executor.shutdown();
  });

  it('picks up a job an earlier, killed sluice left running instead of submitting it again', async () => {
    const slurm = fakeSlurm();
    const { root, task } = project();
    const first = await createSlurmExecutor(options(root, slurm.client, [], { runId: '20260101-000000-1' }));
    void first.submit({ task: task(7), attempt: 1 });
    void first.submit({ task: task(8), attempt: 1 });
    await until(() => slurm.jobs.has('100_1'));
    (slurm.jobs.get('100_0') as FakeJob).state = 'RUNNING';
    (slurm.jobs.get('100_1') as FakeJob).state = 'RUNNING';
    // The first sluice dies here: no shutdown, no cancel.
    const commits: number[] = [];
    const second = await createSlurmExecutor(options(root, slurm.client, commits, { runId: '20260101-000001-2' }));
    const outcome = second.submit({ task: task(1, { ...task(7), id: 1 }), attempt: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    slurm.finish('100_0');
    const result = await outcome;
    assert.equal(result.status, 'succeeded');
    assert.equal(result.job?.id, '100_0');
    assert.deepEqual(commits, [1]);
    assert.equal(slurm.submits.length, 1, 'nothing submitted twice');
    await second.shutdown();
    assert.deepEqual(slurm.cancels, [['100_1']], 'the job this run did not need is cancelled');
  });
});
