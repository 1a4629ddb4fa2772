import { EnvironmentError } from '../errors.ts';
import type { AttemptOutcome, Executor } from '../execute/executor.ts';
import type { Task } from '../kernel/task.ts';
import { pickFirstFit, type PickNext } from './pick-next.ts';
import type { RunListener, RunSummary, TaskFailure } from './run-events.ts';
import { moveTask, type TaskRecord, type TaskState } from './task-state.ts';

export interface ScheduleOptions {
  /** Slots: the most cpus that running tasks may hold at once. */
  readonly jobs: number;
  /** Keep starting tasks after a failure (default: running ones finish, no new one starts). */
  readonly keepGoing: boolean;
  /** Task id → ids of the tasks it needs. */
  readonly dependencies?: ReadonlyMap<number, readonly number[]>;
  /** Delay before retry number `attempt - 1`. */
  readonly retryDelayMs?: (attempt: number) => number;
  readonly pickNext?: PickNext;
  /** Aborting cancels running tasks and starts no new one (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Tasks known to be up to date before the run starts (with everything they need). */
  readonly upToDate?: ReadonlySet<number>;
  /**
   * Asked once a task's inputs exist, before it starts: false skips it as up to date. Lets a
   * task whose inputs were remade identically stay untouched. Asked ahead of time for the next
   * ready tasks while every slot is taken, so that its work (hashing inputs) is not between a
   * slot freeing and the next task starting.
   */
  readonly decide?: (task: Task) => Promise<boolean>;
}

/** Exponential back-off from 100 ms, at most 5 s. */
export function defaultRetryDelay(attempt: number): number {
  return Math.min(5000, 100 * 2 ** Math.max(0, attempt - 2));
}

/** Runs tasks on an executor within the slot limit, following dependencies; the only DAG driver. */
export function runTasks(
  tasks: readonly Task[],
  executor: Executor,
  options: ScheduleOptions,
  listeners: readonly RunListener[] = [],
): Promise<RunSummary> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    // Indexed loops and forEach, no pair arrays: a no-op run sets up 10,000 tasks here, in code
    // V8 has not optimized yet (see state/hashes/hash-cache.ts).
    const byId = new Map<number, Task>();
    const records = new Map<number, TaskRecord>();
    for (let i = 0; i < tasks.length; i += 1) {
      const task = tasks[i] as Task;
      byId.set(task.id, task);
      records.set(task.id, { state: 'pending', since: startedAt, attempts: 0 });
    }
    const waitingOn = new Map<number, number>();
    const dependents = new Map<number, number[]>();
    options.dependencies?.forEach((needs, id) => {
      waitingOn.set(id, needs.length);
      for (let i = 0; i < needs.length; i += 1) {
        const need = needs[i] as number;
        const list = dependents.get(need);
        if (list === undefined) dependents.set(need, [id]);
        else list.push(id);
      }
    });
    options.upToDate?.forEach((id) => {
      const record = records.get(id);
      if (record === undefined || record.state !== 'pending') return;
      moveTask(record, 'up to date');
      for (const dependent of dependents.get(id) ?? []) waitingOn.set(dependent, (waitingOn.get(dependent) ?? 1) - 1);
    });
    const ready: Task[] = tasks.filter(
      (task) => records.get(task.id)?.state === 'pending' && (waitingOn.get(task.id) ?? 0) === 0,
    );
    let head = 0;
    let free = options.jobs;
    let running = 0;
    let retryTimers = new Map<number, NodeJS.Timeout>();
    let stopping = false;
    let interrupted = false;
    let fault: EnvironmentError | undefined;
    const failures: TaskFailure[] = [];
    const pick = options.pickNext ?? pickFirstFit;
    const emit = <K extends keyof RunListener>(event: K, ...args: Parameters<NonNullable<RunListener[K]>>): void => {
      for (const listener of listeners) {
        try {
          (listener[event] as ((...a: unknown[]) => void) | undefined)?.apply(listener, args);
        } catch (error) {
          // A listener that could not write (the attempts, on a full disk) stops the run as a
          // task the machine failed does; anything else is a bug and goes on up.
          if (!(error instanceof EnvironmentError)) throw error;
          fault ??= error;
          stop();
        }
      }
    };

    const slotsFor = (task: Task): number => Math.min(Math.max(1, task.resources.cpus), options.jobs);

    // Tasks handed to the executor ahead of a free slot (Executor.ahead) that have not started:
    // they stay pending and hold no slot until the executor says they started, which it does in
    // place of a task that ended (whose slot passes to them), or once released when a slot is
    // free. Oldest first.
    const heldAhead = new Set<number>();
    // Of those, the ones submitted: the function that releases each, once the executor gave it.
    const releases = new Map<number, (() => void) | undefined>();
    const ahead = executor.ahead;
    const aheadSlots = (task: Task): number => (slotsFor(task) === 1 && ahead?.accepts(task) === true ? 1 : Infinity);

    // Decisions asked ahead for ready tasks, by task id, one per slot and per task the executor
    // can hold ahead; taken at start.
    // Asked on the next turn of the event loop: the part of deciding that runs before its first
    // await (stat calls, queries) would otherwise delay the tasks that pump() just started.
    const decisions = new Map<number, Promise<boolean>>();
    let aheadQueued = false;
    const queueDecideAhead = (): void => {
      if (aheadQueued || options.decide === undefined || stopping) return;
      aheadQueued = true;
      setImmediate(() => {
        aheadQueued = false;
        decideAhead();
      });
    };
    const decideAhead = (): void => {
      const decide = options.decide;
      if (decide === undefined || stopping || finished) return;
      for (let index = head; index < ready.length && decisions.size < options.jobs + (ahead?.limit ?? 0); index++) {
        const task = ready[index] as Task;
        if (decisions.has(task.id) || (records.get(task.id) as TaskRecord).attempts > 0) continue;
        const decision = decide(task);
        // Rejections are reported when the task starts.
        decision.catch(() => {});
        decisions.set(task.id, decision);
      }
    };
    const decisionFor = (task: Task, decide: (task: Task) => Promise<boolean>): Promise<boolean> => {
      const decision = decisions.get(task.id);
      if (decision === undefined) return decide(task);
      decisions.delete(task.id);
      return decision;
    };

    const pump = (): void => {
      // A free slot goes first to a task handed over ahead, so that it does not wait for a
      // running task to end; the executor starts it as soon as a worker is free.
      while (!stopping && free > 0 && heldAhead.size > 0) releaseHeld(heldAhead.values().next().value as number);
      while (!stopping && head < ready.length) {
        let index = free > 0 ? pick(ready, head, free, slotsFor) : -1;
        const early = index < 0;
        if (early) {
          if (ahead === undefined || heldAhead.size >= ahead.limit) break;
          index = pick(ready, head, 1, aheadSlots);
          if (index < 0) break;
        }
        const task = ready[index] as Task;
        if (index === head) head++;
        else ready.splice(index, 1);
        start(task, early);
      }
      if (head > 4096 && head * 2 > ready.length) {
        ready.splice(0, head);
        head = 0;
      }
      queueDecideAhead();
      if (running === 0 && retryTimers.size === 0 && (stopping || head >= ready.length)) finishRun();
    };

    // `early`: handed over ahead of a free slot; it takes one when the executor starts it.
    const start = (task: Task, early: boolean): void => {
      const record = records.get(task.id) as TaskRecord;
      record.attempts++;
      if (early) heldAhead.add(task.id);
      else {
        moveTask(record, 'running');
        free -= slotsFor(task);
      }
      running++;
      if (options.decide !== undefined && record.attempts === 1) {
        decisionFor(task, options.decide).then(
          (run) => (run && !stopping ? submit(task, record) : skipUpToDate(task, record, run)),
          (error: unknown) => crashed(task, error),
        );
      } else submit(task, record);
    };

    // The executor started a task handed over ahead, in place of a task that ended: the slot that
    // task frees after this (freeSlot, or as it ends) is this one's.
    const onStarted = (task: Task, record: TaskRecord): void => {
      if (!heldAhead.delete(task.id)) return;
      releases.delete(task.id);
      moveTask(record, 'running');
      free -= slotsFor(task);
      emit('onTaskStarted', task, record.attempts);
    };

    // A task handed over ahead takes a free slot: it no longer waits for a task to end.
    const releaseHeld = (id: number): void => {
      const task = byId.get(id) as Task;
      const record = records.get(id) as TaskRecord;
      heldAhead.delete(id);
      moveTask(record, 'running');
      free -= slotsFor(task);
      // Not submitted yet (deciding whether it is up to date): it is submitted as any started task.
      if (!releases.has(id)) return;
      const release = releases.get(id);
      releases.delete(id);
      emit('onTaskStarted', task, record.attempts);
      release?.();
    };

    const skipUpToDate = (task: Task, record: TaskRecord, run: boolean): void => {
      const early = heldAhead.delete(task.id);
      if (!early) free += slotsFor(task);
      running--;
      if (run) {
        // Stopping: the task will not run after all.
        moveTask(record, early ? 'not run' : 'cancelled');
      } else {
        moveTask(record, 'up to date');
        emit('onTaskUpToDate', task);
        release(task.id);
      }
      pump();
    };

    // Tasks whose program or function has ended while the executor still commits their outputs:
    // their slots are free already.
    const slotFreed = new Set<number>();
    const submit = (task: Task, record: TaskRecord): void => {
      const early = heldAhead.has(task.id);
      if (!early) emit('onTaskStarted', task, record.attempts);
      const freeSlot = (): void => {
        if (slotFreed.has(task.id) || records.get(task.id)?.state !== 'running') return;
        slotFreed.add(task.id);
        free += slotsFor(task);
        pump();
      };
      let onStart: (() => void) | undefined;
      let onHeld: ((release: () => void) => void) | undefined;
      if (early) {
        releases.set(task.id, undefined);
        const attempt = record.attempts;
        onStart = () => onStarted(task, record);
        // Released before the executor held it: it may start at once.
        onHeld = (release) => {
          if (heldAhead.has(task.id) && record.attempts === attempt) releases.set(task.id, release);
          else release();
        };
      }
      executor.submit({ task, attempt: record.attempts, freeSlot, onStart, onHeld }).then(
        (outcome) => ended(task, outcome),
        (error: unknown) => crashed(task, error),
      );
    };

    // A task the backend could not run. A fault of the machine (a full disk) would fail every
    // task after it the same way: the run stops, and it ends the run.
    const crashed = (task: Task, error: unknown): void => {
      if (error instanceof EnvironmentError) {
        fault ??= error;
        stop();
      }
      ended(task, internalFailure(task, error));
    };

    const ended = (task: Task, outcome: AttemptOutcome): void => {
      const record = records.get(task.id) as TaskRecord;
      running--;
      releases.delete(task.id);
      if (heldAhead.delete(task.id)) {
        // It never started: called back, or it could not be handed over (a failure, as if started).
        if (outcome.status === 'cancelled' || interrupted) {
          moveTask(record, 'not run');
          pump();
          return;
        }
        moveTask(record, 'running');
        emit('onTaskStarted', task, record.attempts);
      } else if (!slotFreed.delete(task.id)) free += slotsFor(task);
      if (outcome.status === 'succeeded') {
        moveTask(record, 'succeeded');
        emit('onTaskEnded', task, record.attempts, outcome, true);
        release(task.id);
      } else if (outcome.status === 'cancelled' || interrupted) {
        moveTask(record, 'cancelled');
        emit('onTaskEnded', task, record.attempts, outcome, true);
      } else if (record.attempts <= task.resources.retries && !stopping) {
        moveTask(record, 'retrying');
        emit('onTaskEnded', task, record.attempts, outcome, false);
        const delay = (options.retryDelayMs ?? defaultRetryDelay)(record.attempts + 1);
        retryTimers.set(task.id, setTimeout(() => {
          retryTimers.delete(task.id);
          ready.splice(head, 0, task);
          pump();
        }, delay));
      } else failed(task, record, outcome);
      pump();
    };

    const failed = (task: Task, record: TaskRecord, outcome: AttemptOutcome): void => {
      moveTask(record, 'failed');
      failures.push({ task, attempt: record.attempts, outcome });
      emit('onTaskEnded', task, record.attempts, outcome, true);
      skipDependents(task.id);
      if (!options.keepGoing) stop();
    };

    // No task starts any more: those handed over ahead, which have not started, are called back.
    const stop = (): void => {
      stopping = true;
      heldAhead.forEach((id) => executor.cancel(id));
    };

    const release = (id: number): void => {
      for (const dependent of dependents.get(id) ?? []) {
        const left = (waitingOn.get(dependent) ?? 1) - 1;
        waitingOn.set(dependent, left);
        if (left === 0 && records.get(dependent)?.state === 'pending') ready.push(byId.get(dependent) as Task);
      }
    };

    const skipDependents = (id: number): void => {
      for (const dependent of dependents.get(id) ?? []) {
        const record = records.get(dependent) as TaskRecord;
        if (record.state !== 'pending') continue;
        moveTask(record, 'not run');
        emit('onTaskSkipped', byId.get(dependent) as Task);
        skipDependents(dependent);
      }
    };

    let finished = false;
    const finishRun = (): void => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener('abort', abort);
      for (const record of records.values()) {
        if (record.state === 'pending' || record.state === 'retrying') {
          moveTask(record, record.state === 'retrying' ? 'failed' : 'not run');
        }
      }
      const summary: RunSummary = {
        total: tasks.length,
        counts: countStates(records),
        startedAt,
        endedAt: Date.now(),
        interrupted,
        failures,
        fault,
      };
      emit('onRunEnded', summary);
      resolve(summary);
    };

    const abort = (): void => {
      interrupted = true;
      stop();
      for (const [id, timer] of retryTimers) {
        clearTimeout(timer);
        moveTask(records.get(id) as TaskRecord, 'cancelled');
      }
      retryTimers = new Map();
      for (const [id, record] of records) if (record.state === 'running') executor.cancel(id);
      pump();
    };

    emit('onRunStarted', tasks);
    const toldUpToDate = listeners.filter((listener) => listener.onTaskUpToDate !== undefined);
    options.upToDate?.forEach((id) => {
      if (records.get(id)?.state !== 'up to date') return;
      const task = byId.get(id) as Task;
      for (let i = 0; i < toldUpToDate.length; i += 1) (toldUpToDate[i] as RunListener).onTaskUpToDate?.(task);
    });
    if (options.signal?.aborted === true) abort();
    else options.signal?.addEventListener('abort', abort, { once: true });
    pump();
  });
}

function countStates(records: ReadonlyMap<number, TaskRecord>): Record<TaskState, number> {
  const counts: Record<TaskState, number> = {
    pending: 0, 'up to date': 0, running: 0, retrying: 0, succeeded: 0, failed: 0, cancelled: 0, 'not run': 0,
  };
  records.forEach((record) => counts[record.state]++);
  return counts;
}

function internalFailure(task: Task, error: unknown): AttemptOutcome {
  const now = Date.now();
  return {
    status: 'failed',
    exitCode: null,
    signal: null,
    error: `sluice could not run the task: ${error instanceof Error ? error.message : String(error)}`,
    argv: [],
    startedAt: now,
    endedAt: now,
    stderrLog: '',
    stderrTail: [],
  };
}
