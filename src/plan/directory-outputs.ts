// Folder outputs (`out: directory('chunks/{sample}')`, a pattern ending in `/`): the files a step
// makes in them are known only once it ran. Steps that read inside such a folder (and the steps
// after them) wait: they are planned from what the folder holds, once it is made. Like
// Snakemake's checkpoints, the DAG below a folder is planned again after the folder's task ran;
// here the CLI plans again between rounds of one `sluice run` (cli/execute-request.ts).
// What links the planned tasks to the folders is in link-folder-readers.ts.

import path from 'node:path';
import { PlanError } from '../errors.ts';
import type { NormalizedStep } from './normalize-step.ts';
import { testPathPattern, type PathPattern } from './path-pattern.ts';

/** Whether an output pattern (or a task's output path) names a folder the task makes. */
export function isFolderOutput(pattern: string): boolean {
  return pattern.endsWith('/');
}

export interface FolderAnalysis {
  /** Index of each step that waits for folders → names of the steps whose folders it waits for. */
  readonly waiting: ReadonlyMap<number, readonly string[]>;
  /** For each step (by index): its inputs that lie inside a folder output, and the folder's step. */
  readonly readsInside: ReadonlyMap<number, readonly { readonly input: PathPattern; readonly producer: number; readonly folder: PathPattern }[]>;
}

/** Refuses misuse of folder outputs and finds the steps that wait for them. */
export function analyzeFolderOutputs(steps: readonly NormalizedStep[], file: string): FolderAnalysis {
  const folders: { step: number; pattern: PathPattern; field: string }[] = [];
  steps.forEach((step, index) => {
    for (const input of step.inputs) {
      if (isFolderOutput(input.pattern.source)) {
        throw new PlanError(
          `Expected input \`${input.pattern.source}\` of step \`${step.name}\` of ${file} to be a file path, got a folder: ` +
            `directory() declares a folder a step makes (\`out\`); read the files inside it (\`in: '${input.pattern.source}{name}'\`)`,
          { file, step: step.name, field: `in.${input.name}` },
        );
      }
    }
    for (const output of step.outputs) {
      if (!isFolderOutput(output.pattern.source)) continue;
      if (step.temporary) {
        throw new PlanError(
          `Expected step \`${step.name}\` of ${file} to make no folder output (\`${output.pattern.source}\`) with \`temp: true\`, got both: a folder output is not deleted as a temporary`,
          { file, step: step.name, field: 'temp' },
        );
      }
      folders.push({ step: index, pattern: output.pattern, field: `out.${output.name}` });
    }
  });
  const readsInside = new Map<number, { input: PathPattern; producer: number; folder: PathPattern }[]>();
  if (folders.length === 0) return { waiting: new Map(), readsInside };
  for (const folder of folders) {
    const owner = steps[folder.step] as NormalizedStep;
    steps.forEach((other, index) => {
      for (const output of other.outputs) {
        if (index === folder.step && output.pattern === folder.pattern) continue;
        if (!mayLieInside(output.pattern.source, folder.pattern.source) && !sameSegments(output.pattern.source, folder.pattern.source)) continue;
        throw new PlanError(
          `Output \`${output.pattern.source}\` of step \`${other.name}\` of ${file} lies in folder \`${folder.pattern.source}\`, which step \`${owner.name}\` makes ` +
            `(directory()): a folder output is made whole by one task, so no other output may be written into it`,
          { file, step: other.name, field: 'out' },
        );
      }
      for (const input of other.inputs) {
        if (!mayLieInside(input.pattern.source, folder.pattern.source)) continue;
        const head = input.pattern.source.slice(0, folder.pattern.source.length);
        const rest = input.pattern.source.slice(folder.pattern.source.length);
        if (head !== folder.pattern.source) {
          throw new PlanError(
            `Input \`${input.pattern.source}\` of step \`${other.name}\` of ${file} reads inside folder \`${folder.pattern.source}\` of step \`${owner.name}\` ` +
              `but names the folder differently: begin it with \`${folder.pattern.source}\`, so that each file is tied to the task whose folder holds it`,
            { file, step: other.name, field: `in.${input.name}` },
          );
        }
        if (!rest.includes('{')) {
          throw new PlanError(
            `Expected input \`${input.pattern.source}\` of step \`${other.name}\` of ${file} to name the files in folder \`${folder.pattern.source}\` (directory() of step \`${owner.name}\`) with a wildcard, got a fixed name: ` +
              `the folder's files are known only once it is made (\`${folder.pattern.source}{name}\`)`,
            { file, step: other.name, field: `in.${input.name}` },
          );
        }
        if (index === folder.step) {
          throw new PlanError(
            `Input \`${input.pattern.source}\` of step \`${other.name}\` of ${file} reads inside folder \`${folder.pattern.source}\`, which the same step makes ` +
              `(directory()): made whole, the folder would replace what the step reads. Write the folder elsewhere`,
            { file, step: other.name, field: `in.${input.name}` },
          );
        }
        const list = readsInside.get(index) ?? [];
        list.push({ input: input.pattern, producer: folder.step, folder: folder.pattern });
        readsInside.set(index, list);
      }
    });
  }
  return { waiting: spreadWaiting(steps, readsInside), readsInside };
}

// The steps reading inside folders wait, and so do the steps that read what waiting steps make:
// step index → names of the steps whose folders it waits for.
function spreadWaiting(
  steps: readonly NormalizedStep[],
  readsInside: ReadonlyMap<number, readonly { readonly producer: number }[]>,
): Map<number, readonly string[]> {
  const waiting = new Map<number, Set<string>>();
  readsInside.forEach((reads, index) => waiting.set(index, new Set(reads.map((read) => (steps[read.producer] as NormalizedStep).name))));
  for (let changed = true; changed; ) {
    changed = false;
    steps.forEach((step, index) => {
      for (const [waiter, after] of [...waiting]) {
        if (waiter === index) continue;
        const outputs = (steps[waiter] as NormalizedStep).outputs;
        if (!step.inputs.some((input) => (input.list ?? [input.pattern]).some((item) => outputs.some((output) => mayMatch(item, output.pattern))))) continue;
        const mine = waiting.get(index) ?? new Set<string>();
        const size = mine.size;
        for (const name of after) mine.add(name);
        if (!waiting.has(index) || mine.size !== size) changed = true;
        waiting.set(index, mine);
      }
    });
  }
  return new Map([...waiting].map(([index, after]) => [index, [...after]]));
}

/**
 * A file on disk that an output pattern of a waiting step matches, but that no task of that step
 * makes this time, is left over from an earlier run (a chunk that is gone): it is not read.
 */
export function createLeftoverFilter(
  steps: readonly NormalizedStep[],
  waiting: ReadonlyMap<number, readonly string[]>,
): ((candidate: string, producedBy: readonly (readonly string[])[]) => boolean) | undefined {
  if (waiting.size === 0) return undefined;
  const made = new Map<number, Set<string>>();
  let seen: readonly (readonly string[])[] | undefined;
  return (candidate, producedBy) => {
    if (seen !== producedBy) {
      made.clear();
      seen = producedBy;
    }
    for (const index of waiting.keys()) {
      const step = steps[index] as NormalizedStep;
      if (!step.outputs.some((output) => testPathPattern(output.pattern, candidate))) continue;
      let outputs = made.get(index);
      if (outputs === undefined) {
        outputs = new Set(producedBy[index] ?? []);
        made.set(index, outputs);
      }
      if (!outputs.has(candidate)) return true;
    }
    return false;
  };
}

// Segment by segment, a pattern may name a path below a folder pattern: it has more segments and
// each of the folder's segments may match (equal text, or a wildcard on either side).
function mayLieInside(source: string, folder: string): boolean {
  const inner = path.posix.normalize(source).split('/');
  const outer = folder.replace(/\/+$/, '').split('/');
  if (inner.length <= outer.length) return false;
  return outer.every((segment, at) => segmentsMayMatch(segment, inner[at] as string));
}

function sameSegments(source: string, folder: string): boolean {
  const a = source.replace(/\/+$/, '').split('/');
  const b = folder.replace(/\/+$/, '').split('/');
  return a.length === b.length && a.every((segment, at) => segmentsMayMatch(segment, b[at] as string));
}

function segmentsMayMatch(a: string, b: string): boolean {
  return a === b || a.includes('{') || b.includes('{');
}

// Whether an input pattern may match paths an output pattern makes: the output's own text, its
// wildcards written as they are, matches the input (a wildcard matches any text in a segment).
// Either way round: an input with wildcards may match an output pattern's text, and a fixed path
// (or an item of an expand() list) may be one of the paths an output pattern makes.
function mayMatch(input: PathPattern, output: PathPattern): boolean {
  return testPathPattern(input, output.source) || testPathPattern(output, input.source);
}
