import { debugLog } from '../../process/debug-log.ts';
import { isSettled } from './attempt-state.ts';
import type { Batch } from './batch-tasks.ts';
import { choosePacking, splitIntoPacks } from './choose-packing.ts';
import type { StepDurations } from './step-durations.ts';
import type { TaskShape } from './task-shape.ts';
import type { WatchedAttempt } from './watch-jobs.ts';

// Between the batcher and sbatch: cuts each batch into array elements (choose-packing.ts says how
// many tasks each runs). When a step's durations are unknown, the first tasks go out one per
// element, as many as the cluster runs at once, and the rest of the step waits for the first of
// them to succeed: its wall time says how to pack the rest. A probe still running after the
// target length says the tasks are long (one per element); probes that all end without a success
// (failed, lost, cancelled outside sluice) release the rest one per element too.

export interface PackerOptions {
  /** Work an element should do, about. */
  readonly targetMs: number;
  /** How often, while tasks wait for a probe, the probes' markers are read (squeue keeps its back-off). */
  readonly tickMs: number;
  /** What --time adds to the sum of the timeouts. */
  readonly timeMarginMs: number;
  /** How long a task that outlives its timeout gets between SIGTERM and SIGKILL. */
  readonly killGraceMs: number;
  readonly durations: StepDurations;
  readonly shapeOf: (attempt: WatchedAttempt) => TaskShape;
  /** Tasks of this shape the cluster runs at once, and the partition's time limit. */
  readonly capacityOf: (attempt: WatchedAttempt, shape: TaskShape) => { readonly slots: number; readonly maxTimeMs: number | undefined };
  /** Submits the packs as one job (an array job when there are several). */
  readonly send: (packs: WatchedAttempt[][]) => void;
  /** The most elements one array job may have. */
  readonly maxArraySize: number;
  /** Reads the markers of the attempts (a probe that ended), without asking Slurm. */
  readonly readMarkers: () => void;
}

export interface Packer {
  take(batch: Batch<WatchedAttempt>): void;
  /** An attempt of `step` ended after running `ms` (its marker's times). */
  learn(step: string, ms: number): void;
  /** Stops the timer; held attempts stay waiting (the watcher's close cancels them). */
  close(): void;
}

interface Probing {
  readonly step: string;
  readonly probes: Set<WatchedAttempt>;
  held: WatchedAttempt[];
  /** When squeue first said a probe was running. */
  readonly runningSince: Map<WatchedAttempt, number>;
}

export function createPacker(options: PackerOptions): Packer {
  const probing = new Map<string, Probing>();
  let ticker: NodeJS.Timeout | undefined;

  const release = (key: string, onePerElement: boolean): void => {
    const state = probing.get(key);
    if (state === undefined) return;
    probing.delete(key);
    if (probing.size === 0) stopTicker();
    const held = state.held.filter((attempt) => attempt.state === 'waiting');
    if (held.length === 0) return;
    if (onePerElement) sendInArrays(options, held, 1, 'no probe succeeded', false);
    else take({ key, items: held });
  };

  const tick = (): void => {
    const now = Date.now();
    for (const [key, state] of [...probing]) {
      const longest = longestRunning(state, now);
      if (longest === undefined) release(key, true);
      // Still running after the target length: the tasks are long.
      else if (longest >= options.targetMs) learn(state.step, longest);
    }
    if (probing.size > 0) options.readMarkers();
  };

  const stopTicker = (): void => {
    clearInterval(ticker);
    ticker = undefined;
  };

  function learn(step: string, ms: number): void {
    options.durations.learn(step, ms);
    for (const [key, state] of [...probing]) if (state.step === step) release(key, false);
  }

  function take(batch: Batch<WatchedAttempt>): void {
    const attempts = batch.items.filter((attempt) => attempt.state === 'waiting');
    const first = attempts[0];
    if (first === undefined) return;
    const shape = options.shapeOf(first);
    const { slots, maxTimeMs } = options.capacityOf(first, shape);
    const step = first.task.step;
    const state = probing.get(batch.key);
    if (state !== undefined) {
      sendInArrays(options, joinProbing(state, attempts, slots), 1, 'probing: duration not known yet', false);
      return;
    }
    const explicit = shape.slurm.tasksPerJob;
    const expectedMs = options.durations.estimate(step);
    const timeoutMs = first.task.resources.timeoutMs;
    const packing = choosePacking({
      count: attempts.length, explicit, expectedMs, timeoutMs, slots, maxTimeMs,
      targetMs: options.targetMs, timeMarginMs: options.timeMarginMs, killGraceMs: options.killGraceMs,
    });
    if (packing.kind === 'packs') {
      const why = explicit !== undefined ? 'tasksPerJob'
        : `${expectedMs !== undefined ? `${Math.round(expectedMs)} ms a task, from ${options.durations.sourceOf(step)}` : `timeout ${timeoutMs} ms`}; ${slots} slot(s)`;
      sendInArrays(options, attempts, packing.perElement, why, explicit !== undefined);
      return;
    }
    const probes = attempts.slice(0, packing.count);
    const rest = attempts.slice(packing.count);
    if (rest.length > 0) {
      probing.set(batch.key, { step, probes: new Set(probes), held: rest, runningSince: new Map() });
      ticker ??= setInterval(tick, options.tickMs);
    }
    sendInArrays(options, probes, 1, `probing: duration not known yet, ${rest.length} task(s) wait`, false);
  }

  return {
    take,
    learn,
    close() {
      stopTicker();
      probing.clear();
    },
  };
}

function sendInArrays(options: PackerOptions, attempts: WatchedAttempt[], perElement: number, why: string, explicit: boolean): void {
  if (attempts.length === 0) return;
  const packs = explicit ? sliceInOrder(attempts, perElement) : splitIntoPacks(attempts, perElement);
  debugLog('slurm', `packing ${attempts[0]?.task.step}: ${attempts.length} task(s), ${perElement} per element (${why}) → ${packs.length} element(s)`);
  // Tasks held back for probes may be more than one array takes.
  for (let at = 0; at < packs.length; at += options.maxArraySize) options.send(packs.slice(at, at + options.maxArraySize));
}

// More tasks of a step whose probes are out: more probes while slots are free (returned), the rest wait.
function joinProbing(state: Probing, attempts: readonly WatchedAttempt[], slots: number): WatchedAttempt[] {
  const free = Math.max(0, slots - [...state.probes].filter((probe) => !isSettled(probe)).length);
  const probes = attempts.slice(0, free);
  for (const probe of probes) state.probes.add(probe);
  state.held.push(...attempts.slice(free));
  return probes;
}

// How long the probe running longest has run by squeue's word; undefined when none is left.
function longestRunning(state: Probing, now: number): number | undefined {
  const live = [...state.probes].filter((probe) => !isSettled(probe));
  if (live.length === 0) return undefined;
  let longest = 0;
  for (const probe of live) {
    if (probe.report?.state === 'RUNNING' && !state.runningSince.has(probe)) state.runningSince.set(probe, now);
    const since = state.runningSince.get(probe);
    if (since !== undefined) longest = Math.max(longest, now - since);
  }
  return longest;
}

// `--tasks-per-job N`: exactly N consecutive tasks per element (the last may have fewer).
function sliceInOrder<T>(items: readonly T[], perElement: number): T[][] {
  const packs: T[][] = [];
  for (let at = 0; at < items.length; at += perElement) packs.push(items.slice(at, at + perElement));
  return packs;
}
