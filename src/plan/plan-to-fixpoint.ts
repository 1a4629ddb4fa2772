// Steps are planned against files on disk plus what the other steps make, until the set of
// planned outputs stops changing: the DAG follows from the paths, whatever the step order.

import { PlanError } from '../errors.ts';
import { createLeftoverFilter } from './directory-outputs.ts';
import { listPatternFiles, type ListingLog } from './list-pattern-files.ts';
import type { NormalizedStep } from './normalize-step.ts';
import { patternKey, testPathPattern, type PathPattern } from './path-pattern.ts';
import { planStepTasks, type PlannedTask } from './plan-step-tasks.ts';

export interface Fixpoint {
  /** The tasks of each step, in the order of the steps. */
  readonly planned: PlannedTask[][];
  /** Inputs found on disk (regular files), which linking need not stat again. */
  readonly onDisk: ReadonlySet<string>;
  /**
   * Steps waiting for folders whose planning failed (a listed value that no file inside gives):
   * step index → the error, which stands once those folders are all made (unplanned-readers.ts).
   */
  readonly held: ReadonlyMap<number, PlanError>;
}

/** Plans every step's tasks against the disk and the other steps' outputs until nothing changes. */
export function planToFixpoint(
  steps: readonly NormalizedStep[],
  dir: string,
  file: string,
  listings: ListingLog,
  /** Steps that wait for folder outputs (directory-outputs.ts): planned from what is there, no error when nothing is. */
  waiting: ReadonlyMap<number, readonly string[]> = new Map(),
): Fixpoint {
  const isLeftover = createLeftoverFilter(steps, waiting);
  const onDisk = new Map<string, string[]>();
  const seenOnDisk = new Set<string>();
  const existing = (pattern: PathPattern): string[] => {
    let found = onDisk.get(patternKey(pattern));
    if (found === undefined) {
      const specials = new Set<string>();
      found = listPatternFiles(pattern, dir, listings, specials, file);
      onDisk.set(patternKey(pattern), found);
      // A FIFO, socket, device or broken symlink stays out: linking the tasks refuses it by name.
      for (const candidate of found) if (!specials.has(candidate)) seenOnDisk.add(candidate);
    }
    return found;
  };
  const reads = (step: NormalizedStep, candidate: string): boolean =>
    step.inputs.some((input) => testPathPattern(input.pattern, candidate));
  // mayRead[reader][maker]: whether any output of `maker` can match an input of `reader`; when
  // none can, its outputs are not tested one by one (10,000 of them, every round).
  const mayRead = steps.map((reader) => steps.map((maker) => canReadAny(reader, maker)));
  let producedBy: string[][] = steps.map(() => []);
  let result: PlannedTask[][] = [];
  const unmatched: (PlanError | undefined)[] = [];
  const emptied: boolean[] = [];
  const previousKeys: (string | undefined)[] = steps.map(() => undefined);
  for (let round = 0; round <= steps.length + 1; round++) {
    const next: PlannedTask[][] = steps.map((step, index) => {
      const readable = mayRead[index] as boolean[];
      const others = producedBy.flatMap((outputs, owner) => (owner === index || !readable[owner] ? [] : outputs.filter((output) => reads(step, output))));
      const ownRead = readable[index] === true ? (producedBy[index] ?? []).filter((output) => reads(step, output)) : [];
      const key = `${others.join('\0')}\0own\0${ownRead.join('\0')}`;
      if (key === previousKeys[index] && result[index] !== undefined) return result[index];
      previousKeys[index] = key;
      // A step never reads its own outputs, even when old copies of them lie on disk.
      const own = new Set(producedBy[index]);
      const candidates = (pattern: PathPattern): string[] => {
        const listed = existing(pattern);
        const fromDisk = isLeftover === undefined ? listed : listed.filter((candidate) => !isLeftover(candidate, producedBy));
        const fromSteps = others.filter((candidate) => testPathPattern(pattern, candidate));
        if (own.size === 0 && fromSteps.length === 0) return fromDisk;
        return [...(own.size === 0 ? fromDisk : fromDisk.filter((candidate) => !own.has(candidate))), ...fromSteps];
      };
      const planned = planStepTasks(step, candidates, file);
      unmatched[index] = planned.unmatched;
      // Below folders, no file at all is data (every folder came out empty): no tasks, no error.
      emptied[index] = planned.nothingMatched === true;
      return planned.tasks;
    });
    const nextProducedBy = next.map(outputsOf);
    const stable = nextProducedBy.every((outputs, index) => sameList(outputs, producedBy[index] ?? []));
    result = next;
    producedBy = nextProducedBy;
    if (stable) {
      const error = unmatched.find((item, index) => item !== undefined && !waiting.has(index));
      if (error !== undefined) throw error;
      const held = new Map<number, PlanError>();
      unmatched.forEach((item, index) => item !== undefined && emptied[index] !== true && held.set(index, item));
      return { planned: result, onDisk: seenOnDisk, held };
    }
  }
  throw new PlanError(`The steps of ${file} keep making inputs for each other without end (a cycle of patterns)`, { file });
}

/**
 * Whether some output of `maker` could match some input of `reader`. A path matches a pattern
 * with wildcards only if it starts with the pattern's literal head and ends with its literal tail
 * (match-wildcards.ts), and every output a pattern with wildcards fills starts and ends with that
 * pattern's own: when neither head is a prefix of the other, or neither tail a suffix of the
 * other, no output can match. A pattern without wildcards is left to the test of each path.
 */
export function canReadAny(reader: NormalizedStep, maker: NormalizedStep): boolean {
  return reader.inputs.some((input) => maker.outputs.some((output) => canMatch(input.pattern, output.pattern)));
}

function canMatch(input: PathPattern, output: PathPattern): boolean {
  const last = input.shape.occurrences.at(-1);
  const made = output.shape.occurrences.at(-1);
  if (last === undefined || made === undefined) return true;
  const head = input.shape.head;
  const madeHead = output.shape.head;
  return (head.startsWith(madeHead) || madeHead.startsWith(head)) && (last.literal.endsWith(made.literal) || made.literal.endsWith(last.literal));
}

// A loop, not flatMap: 10,000 tasks per round, each with its own small array.
function outputsOf(tasks: readonly PlannedTask[]): string[] {
  const outputs: string[] = [];
  for (let i = 0; i < tasks.length; i += 1) {
    const task = tasks[i] as PlannedTask;
    for (let j = 0; j < task.outputs.length; j += 1) outputs.push(task.outputs[j] as string);
  }
  return outputs;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
