import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Attempt, AttemptOutcome, AttemptStatus, Executor } from '../../src/execute/executor.ts';
import type { Task } from '../../src/kernel/task.ts';
import type { RunListener } from '../../src/schedule/run-events.ts';
import { runTasks } from '../../src/schedule/run-tasks.ts';

// The scheduler on its own, with an executor whose tasks end when the test says: it records
// what runs at once, so slot accounting and ordering can be checked exactly.
function makeTask(id: number, cpus = 1, retries = 0): Task {
  return { id, step: 's', action: { kind: 'argv', argv: ['true'] }, inputs: [], outputs: [], cwd: '/', resources: { cpus, retries } };
}

interface ScriptedExecutor extends Executor {
  readonly started: number[];
  /** Largest sum of cpus running at once. */
  readonly peak: () => number;
}

function scriptedExecutor(outcomeOf: (task: Task, attempt: number) => AttemptStatus, durationMs = 10): ScriptedExecutor {
  const started: number[] = [];
  const running = new Map<number, { cpus: number; finish: (status: AttemptStatus) => void }>();
  let peak = 0;
  return {
    traits: { name: 'scripted', printsStdout: false },
    started,
    peak: () => peak,
    submit({ task, attempt }: Attempt): Promise<AttemptOutcome> {
      started.push(task.id);
      return new Promise((resolve) => {
        const finish = (status: AttemptStatus): void => {
          running.delete(task.id);
          const now = Date.now();
          resolve({ status, exitCode: status === 'succeeded' ? 0 : 1, signal: null, argv: ['true'], startedAt: now, endedAt: now, stderrLog: '', stderrTail: [] });
        };
        running.set(task.id, { cpus: task.resources.cpus, finish });
        peak = Math.max(peak, [...running.values()].reduce((sum, item) => sum + item.cpus, 0));
        setTimeout(() => running.get(task.id)?.finish(outcomeOf(task, attempt)), durationMs);
      });
    },
    cancel(taskId: number): void {
      running.get(taskId)?.finish('cancelled');
    },
    async shutdown(): Promise<void> {},
  };
}

// One worker thread, as function steps run: a task handed over ahead of a free slot (onStart)
// holds no slot, so it waits behind the running one and starts the moment that one ends, before
// its end is reported; or, released (onHeld) while the thread is idle, it starts at once.
function oneThreadExecutor(outcomeOf: (task: Task) => AttemptStatus, accepts: (task: Task) => boolean = () => true, limit = 1) {
  interface Entry {
    readonly task: Task;
    readonly onStart?: (() => void) | undefined;
    readonly resolve: (outcome: AttemptOutcome) => void;
  }
  const log: string[] = [];
  let running: Entry | undefined;
  const waiting: Entry[] = [];
  const outcome = (status: AttemptStatus): AttemptOutcome => {
    const now = Date.now();
    return { status, exitCode: status === 'succeeded' ? 0 : 1, signal: null, argv: [], startedAt: now, endedAt: now, stderrLog: '', stderrTail: [] };
  };
  const run = (entry: Entry): void => {
    if (running !== undefined) throw new Error(`task ${entry.task.id} started while task ${running.task.id} runs`);
    running = entry;
    log.push(`run ${entry.task.id}`);
    entry.onStart?.();
    setTimeout(() => {
      running = undefined;
      const next = waiting.shift();
      if (next !== undefined) run(next);
      entry.resolve(outcome(outcomeOf(entry.task)));
    }, 5);
  };
  const executor: Executor & { readonly log: string[] } = {
    traits: { name: 'one thread', printsStdout: false },
    ahead: { limit, accepts },
    log,
    submit({ task, onStart, onHeld }: Attempt): Promise<AttemptOutcome> {
      log.push(`submit ${task.id}${onStart === undefined ? '' : ' ahead'}`);
      return new Promise((resolve) => {
        const entry = { task, onStart, resolve };
        if (onStart === undefined) run(entry);
        else {
          waiting.push(entry);
          onHeld?.(() => {
            if (running !== undefined || !waiting.includes(entry)) return;
            waiting.splice(waiting.indexOf(entry), 1);
            log.push(`released ${task.id}`);
            run(entry);
          });
        }
      });
    },
    cancel(taskId: number): void {
      const at = waiting.findIndex((entry) => entry.task.id === taskId);
      if (at < 0) return;
      const [entry] = waiting.splice(at, 1);
      log.push(`called back ${taskId}`);
      entry?.resolve(outcome('cancelled'));
    },
    async shutdown(): Promise<void> {},
  };
  return executor;
}

// Command tasks run at once as processes; function tasks on `threads` worker threads, as the local
// executor runs them: one handed over ahead (onStart) holds no slot, so it starts only in place of
// a function task that ends (before that one's end is reported) or once released (onHeld). It
// records the most slots (cpus, at most `jobs` each) its tasks really held at once.
function processesAndThreads(threads: number, jobs: number, failFirst: ReadonlySet<number> = new Set()) {
  interface Entry {
    readonly task: Task;
    readonly attempt: number;
    readonly onStart?: (() => void) | undefined;
    readonly resolve: (outcome: AttemptOutcome) => void;
  }
  const held: Entry[] = [];
  const running = new Set<Entry>();
  let busyThreads = 0;
  let peak = 0;
  const isFunction = (task: Task): boolean => task.action.kind === 'function';
  const begin = (entry: Entry): void => {
    running.add(entry);
    peak = Math.max(peak, [...running].reduce((sum, { task }) => sum + Math.min(task.resources.cpus, jobs), 0));
    entry.onStart?.();
    setTimeout(() => end(entry), 2 + (entry.task.id % 3) * 4);
  };
  const end = (entry: Entry): void => {
    running.delete(entry);
    if (isFunction(entry.task)) {
      // The thread takes the next held task at once, in this one's slot.
      const next = held.shift();
      if (next === undefined) busyThreads--;
      else begin(next);
    }
    const now = Date.now();
    const status = failFirst.has(entry.task.id) && entry.attempt === 1 ? 'failed' : 'succeeded';
    entry.resolve({ status, exitCode: status === 'failed' ? 1 : 0, signal: null, argv: [], startedAt: now, endedAt: now, stderrLog: '', stderrTail: [] });
  };
  const executor: Executor & { readonly peak: () => number } = {
    traits: { name: 'processes and threads', printsStdout: false },
    ahead: { limit: threads, accepts: (task) => isFunction(task) && task.resources.cpus === 1 },
    peak: () => peak,
    submit({ task, attempt, onStart, onHeld }: Attempt): Promise<AttemptOutcome> {
      return new Promise((resolve) => {
        const entry: Entry = { task, attempt, onStart, resolve };
        const takeThread = (): void => {
          if (busyThreads >= threads) throw new Error(`task ${task.id} given a slot while every thread is busy`);
          busyThreads++;
          begin(entry);
        };
        if (!isFunction(task)) begin(entry);
        else if (onStart === undefined) takeThread();
        else {
          held.push(entry);
          onHeld?.(() => {
            const at = held.indexOf(entry);
            if (at < 0) return;
            held.splice(at, 1);
            takeThread();
          });
        }
      });
    },
    cancel(): void {},
    async shutdown(): Promise<void> {},
  };
  return executor;
}

function makeFunctionTask(id: number, cpus = 1, retries = 0): Task {
  return { ...makeTask(id, cpus, retries), action: { kind: 'function', module: '/pipeline.ts', step: 's', source: '() => {}' } };
}

function eventLog(log: string[]): RunListener {
  return {
    onTaskStarted: (task) => log.push(`started ${task.id}`),
    onTaskEnded: (task, _attempt, outcome) => log.push(`ended ${task.id} ${outcome.status}`),
  };
}

describe('runTasks', () => {
  it('hands a task over ahead of a free slot, and tells it started only when it starts', async () => {
    const tasks = [1, 2, 3].map((id) => makeTask(id));
    const executor = oneThreadExecutor(() => 'succeeded');
    const summary = await runTasks(tasks, executor, { jobs: 1, keepGoing: false }, [eventLog(executor.log)]);
    assert.equal(summary.counts.succeeded, 3);
    assert.deepEqual(executor.log, [
      'started 1', 'submit 1', 'run 1',
      // Every slot is taken: 2 waits in the executor, not yet started.
      'submit 2 ahead',
      // 1 ends: 2 starts at once, then 1's end is reported and 3 is handed over behind 2.
      'run 2', 'started 2', 'ended 1 succeeded', 'submit 3 ahead',
      'run 3', 'started 3', 'ended 2 succeeded',
      'ended 3 succeeded',
    ]);
  });

  it('after a failure, calls back the tasks it handed over ahead: they are not run, and were never started', async () => {
    const tasks = [1, 2, 3, 4].map((id) => makeTask(id));
    // Two tasks can wait behind the running one: as 1 ends, 2 starts and 3 still waits.
    const executor = oneThreadExecutor((task) => (task.id === 1 ? 'failed' : 'succeeded'), () => true, 2);
    const summary = await runTasks(tasks, executor, { jobs: 1, keepGoing: false }, [eventLog(executor.log)]);
    assert.deepEqual(executor.log, [
      'started 1', 'submit 1', 'run 1', 'submit 2 ahead', 'submit 3 ahead',
      'run 2', 'started 2', 'ended 1 failed', 'called back 3',
      'ended 2 succeeded',
    ]);
    assert.deepEqual(summary.counts, { ...summary.counts, failed: 1, succeeded: 1, 'not run': 2, cancelled: 0 });
  });

  it('hands over ahead only the tasks the executor accepts', async () => {
    const tasks = [1, 2, 3, 4].map((id) => makeTask(id));
    const executor = oneThreadExecutor(() => 'succeeded', (task) => task.id !== 2);
    const summary = await runTasks(tasks, executor, { jobs: 1, keepGoing: false }, [eventLog(executor.log)]);
    assert.equal(summary.counts.succeeded, 4);
    assert.ok(executor.log.includes('submit 2'), 'task 2 waits for a free slot');
    assert.ok(!executor.log.includes('submit 2 ahead'));
  });

  for (const jobs of [1, 2, 3]) {
    it(`holds at most -j ${jobs} slots with processes and worker threads together, tasks handed ahead included`, { timeout: 20_000 }, async () => {
      // Commands first: while they hold every slot, function tasks are handed ahead; none may
      // start beside them, and each must start once a command ends (no function task runs then).
      const tasks = [
        makeTask(1), makeTask(2), makeFunctionTask(3), makeFunctionTask(4), makeTask(5, 2), makeFunctionTask(6, 1, 1),
        makeFunctionTask(7, 2), makeFunctionTask(8), makeTask(9, 1, 1), makeFunctionTask(10), makeFunctionTask(11), makeTask(12),
      ];
      const executor = processesAndThreads(jobs, jobs, new Set([6, 9]));
      const summary = await runTasks(tasks, executor, { jobs, keepGoing: false, retryDelayMs: () => 1 });
      assert.deepEqual(summary.failures, []);
      assert.equal(summary.counts.succeeded, tasks.length);
      assert.ok(executor.peak() <= jobs, `${executor.peak()} slots held at once with -j ${jobs}`);
    });
  }

  it('gives a free slot to a task handed ahead before a new one, and tells it started once', async () => {
    // -j 1: the command holds the slot, so 2 (a function task) is handed ahead; when the command
    // ends, 2 is released into its slot rather than waiting for a function task that never comes.
    const tasks = [makeTask(1), makeFunctionTask(2), makeTask(3)];
    const log: string[] = [];
    const executor = processesAndThreads(1, 1);
    const summary = await runTasks(tasks, executor, { jobs: 1, keepGoing: false }, [eventLog(log)]);
    assert.equal(summary.counts.succeeded, 3);
    assert.deepEqual(log, ['started 1', 'ended 1 succeeded', 'started 2', 'ended 2 succeeded', 'started 3', 'ended 3 succeeded']);
  });

  it('never holds more slots than -j; a 3-cpu task takes 3', async () => {
    const tasks = [makeTask(1, 3), makeTask(2), makeTask(3), makeTask(4, 2), makeTask(5), makeTask(6, 3)];
    const executor = scriptedExecutor(() => 'succeeded');
    const summary = await runTasks(tasks, executor, { jobs: 3, keepGoing: false });
    assert.equal(summary.counts.succeeded, 6);
    assert.equal(executor.peak(), 3);
  });

  it('clamps a task that asks for more cpus than there are slots, so it still runs', async () => {
    const executor = scriptedExecutor(() => 'succeeded');
    const summary = await runTasks([makeTask(1, 8)], executor, { jobs: 2, keepGoing: false });
    assert.equal(summary.counts.succeeded, 1);
  });

  it('starts a task only after everything it needs succeeded, and skips what a failure feeds', async () => {
    const tasks = [1, 2, 3, 4, 5].map((id) => makeTask(id));
    const dependencies = new Map([[3, [1, 2]], [4, [3]], [5, []]]);
    const executor = scriptedExecutor((task) => (task.id === 2 ? 'failed' : 'succeeded'));
    const skipped: number[] = [];
    const listener: RunListener = { onTaskSkipped: (task) => skipped.push(task.id) };
    const summary = await runTasks(tasks, executor, { jobs: 4, keepGoing: true, dependencies }, [listener]);
    assert.deepEqual([...executor.started].sort(), [1, 2, 5]);
    assert.deepEqual(skipped, [3, 4]);
    assert.equal(summary.counts.failed, 1);
    assert.equal(summary.counts['not run'], 2);
  });

  it('starts nothing new after a failure unless keepGoing', async () => {
    const tasks = [1, 2, 3, 4].map((id) => makeTask(id));
    const stop = scriptedExecutor((task) => (task.id === 1 ? 'failed' : 'succeeded'));
    const stopped = await runTasks(tasks, stop, { jobs: 1, keepGoing: false });
    assert.deepEqual(stop.started, [1]);
    assert.equal(stopped.counts['not run'], 3);
    const go = scriptedExecutor((task) => (task.id === 1 ? 'failed' : 'succeeded'));
    await runTasks(tasks, go, { jobs: 1, keepGoing: true });
    assert.deepEqual(go.started, [1, 2, 3, 4]);
  });

  it('retries a failed attempt as many times as the task allows', async () => {
    const executor = scriptedExecutor((_task, attempt) => (attempt < 3 ? 'failed' : 'succeeded'));
    const ends: string[] = [];
    const listener: RunListener = { onTaskEnded: (_task, attempt, outcome, final) => ends.push(`${attempt}:${outcome.status}:${final}`) };
    const summary = await runTasks([makeTask(1, 1, 2)], executor, { jobs: 1, keepGoing: false, retryDelayMs: () => 1 }, [listener]);
    assert.equal(summary.counts.succeeded, 1);
    assert.deepEqual(ends, ['1:failed:false', '2:failed:false', '3:succeeded:true']);
  });

  it('skips tasks known up to date and those decide() says need not run, releasing their dependents', async () => {
    const tasks = [1, 2, 3].map((id) => makeTask(id));
    const executor = scriptedExecutor(() => 'succeeded');
    const summary = await runTasks(tasks, executor, {
      jobs: 2,
      keepGoing: false,
      dependencies: new Map([[2, [1]], [3, [2]]]),
      upToDate: new Set([1]),
      decide: async (task) => task.id !== 2,
    });
    assert.deepEqual(executor.started, [3]);
    assert.equal(summary.counts['up to date'], 2);
    assert.equal(summary.counts.succeeded, 1);
  });

  it('asks decide() for the next ready tasks while every slot is taken, once per task', async () => {
    const tasks = [1, 2, 3, 4].map((id) => makeTask(id));
    const executor = scriptedExecutor(() => 'succeeded');
    const asked: string[] = [];
    let ended = 0;
    const listener: RunListener = { onTaskEnded: () => void ended++ };
    const summary = await runTasks(tasks, executor, {
      jobs: 1,
      keepGoing: false,
      decide: async (task) => {
        asked.push(`decide ${task.id} after ${ended} ended`);
        return task.id !== 3;
      },
    }, [listener]);
    // Task N + 1 is decided before task N has ended; 3 is up to date and does not run.
    assert.deepEqual(asked, ['decide 1 after 0 ended', 'decide 2 after 0 ended', 'decide 3 after 1 ended', 'decide 4 after 2 ended']);
    assert.deepEqual(executor.started, [1, 2, 4]);
    assert.equal(summary.counts['up to date'], 1);
  });

  it('starts the next task once a running one frees its slot, before that one has ended', async () => {
    const tasks = [1, 2, 3].map((id) => makeTask(id));
    const log: string[] = [];
    const finishing: Array<() => void> = [];
    const executor: Executor = {
      traits: { name: 'two-phase', printsStdout: false },
      submit({ task, freeSlot }: Attempt): Promise<AttemptOutcome> {
        log.push(`start ${task.id}`);
        return new Promise((resolve) => {
          setTimeout(() => {
            // The program has ended; its outputs are still being committed.
            log.push(`free ${task.id}`);
            freeSlot?.();
            freeSlot?.();
            finishing.push(() => {
              log.push(`end ${task.id}`);
              const now = Date.now();
              resolve({ status: 'succeeded', exitCode: 0, signal: null, argv: [], startedAt: now, endedAt: now, stderrLog: '', stderrTail: [] });
            });
            if (finishing.length === 2 || task.id === 3) for (const finish of finishing.splice(0)) finish();
          }, 5);
        });
      },
      cancel: () => {},
      shutdown: async () => {},
    };
    const summary = await runTasks(tasks, executor, { jobs: 1, keepGoing: false, dependencies: new Map([[3, [1]]]) });
    assert.equal(summary.counts.succeeded, 3);
    // 2 starts while 1 commits; 3 needs 1, so it waits for 1 to end, not only to free its slot.
    assert.deepEqual(log, ['start 1', 'free 1', 'start 2', 'free 2', 'end 1', 'end 2', 'start 3', 'free 3', 'end 3']);
  });

  it('reports a decide() that throws as the failure of that task only', async () => {
    const tasks = [1, 2, 3].map((id) => makeTask(id));
    const executor = scriptedExecutor(() => 'succeeded');
    const summary = await runTasks(tasks, executor, {
      jobs: 1,
      keepGoing: true,
      decide: async (task) => {
        if (task.id === 2) throw new Error('cannot read input');
        return true;
      },
    });
    assert.deepEqual(executor.started, [1, 3]);
    assert.equal(summary.failures.length, 1);
    assert.equal(summary.failures[0]?.task.id, 2);
    assert.match(summary.failures[0]?.outcome.error ?? '', /cannot read input/);
  });

  it('on abort cancels running tasks, starts no other, and says it was interrupted', async () => {
    const tasks = [1, 2, 3, 4].map((id) => makeTask(id));
    const executor = scriptedExecutor(() => 'succeeded', 10_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const summary = await runTasks(tasks, executor, { jobs: 2, keepGoing: false, signal: controller.signal });
    assert.equal(summary.interrupted, true);
    assert.deepEqual(executor.started, [1, 2]);
    assert.equal(summary.counts.cancelled, 2);
    assert.equal(summary.counts['not run'], 2);
  });
  // A committing task (its slot freed, its outputs not yet committed) is still the executor's:
  // Ctrl-C cancels it, and a commit that fails is retried like any failed attempt.
  function committingExecutor(commit: (task: Task, attempt: number) => AttemptStatus | undefined): Executor & { readonly log: string[] } {
    const log: string[] = [];
    const pending = new Map<number, (status: AttemptStatus) => void>();
    return {
      traits: { name: 'committing', printsStdout: false },
      log,
      submit({ task, attempt, freeSlot }: Attempt): Promise<AttemptOutcome> {
        log.push(`start ${task.id}.${attempt}`);
        return new Promise((resolve) => {
          const finish = (status: AttemptStatus): void => {
            pending.delete(task.id);
            log.push(`end ${task.id}.${attempt} ${status}`);
            const now = Date.now();
            resolve({ status, exitCode: status === 'succeeded' ? 0 : 1, signal: null, argv: [], startedAt: now, endedAt: now, stderrLog: '', stderrTail: [] });
          };
          pending.set(task.id, finish);
          setTimeout(() => {
            freeSlot?.();
            const status = commit(task, attempt);
            if (status !== undefined) setTimeout(() => pending.get(task.id)?.(status), 5);
          }, 5);
        });
      },
      cancel(taskId: number): void {
        log.push(`cancel ${taskId}`);
        pending.get(taskId)?.('cancelled');
      },
      shutdown: async () => {},
    };
  }

  it('on abort cancels a task that is committing its outputs, its slot freed already', async () => {
    const controller = new AbortController();
    // 1 never ends its commit; 2 takes its slot, and as it commits too (3 takes its slot), Ctrl-C.
    const executor = committingExecutor((task) => {
      if (task.id === 1) return undefined;
      controller.abort();
      return undefined;
    });
    const summary = await runTasks([1, 2, 3, 4].map((id) => makeTask(id)), executor, { jobs: 1, keepGoing: false, signal: controller.signal });
    assert.equal(summary.interrupted, true);
    assert.deepEqual(executor.log.filter((line) => line.startsWith('cancel')).sort(), ['cancel 1', 'cancel 2', 'cancel 3']);
    assert.equal(summary.counts.cancelled, 3);
    assert.equal(summary.counts['not run'], 1);
  });

  it('retries a task whose commit failed after its slot was freed, and holds -j meanwhile', async () => {
    const executor = committingExecutor((task, attempt) => (task.id === 1 && attempt === 1 ? 'failed' : 'succeeded'));
    const summary = await runTasks([makeTask(1, 1, 1), makeTask(2)], executor, { jobs: 1, keepGoing: false, retryDelayMs: () => 1 });
    assert.equal(summary.counts.succeeded, 2);
    assert.deepEqual(summary.failures, []);
    assert.deepEqual(executor.log.filter((line) => line.startsWith('end 1')), ['end 1.1 failed', 'end 1.2 succeeded']);
  });
  it('tells after each pump whether a slot stays free that no ready task can take (the journal then writes the successes that wait)', async () => {
    const executor = scriptedExecutor(() => 'succeeded');
    const told: string[] = [];
    const onPumped = (idle: boolean): void => void told.push(`${executor.started.join(',')} ${idle ? 'idle' : 'full'}`);
    const dependencies = new Map([[3, [1]]]);
    const summary = await runTasks([1, 2, 3].map((id) => makeTask(id)), executor, { jobs: 2, keepGoing: false, dependencies, onPumped });
    assert.equal(summary.counts.succeeded, 3);
    assert.equal(told[0], '1,2 full', 'both slots taken');
    assert.equal(told.at(-1), '1,2,3 idle', 'the last task runs alone');
  });
});
