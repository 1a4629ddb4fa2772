// The tasks planned below folder outputs (directory-outputs.ts), linked to the folder tasks they
// wait for; which of them cannot be planned yet; targets that name what is not planned yet.

import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../kernel/task.ts';
import { isFolderOutput, type FolderAnalysis } from './directory-outputs.ts';
import type { NormalizedStep } from './normalize-step.ts';
import { testPathPattern } from './path-pattern.ts';

/**
 * Links each task of a waiting step (one reading inside a folder output, or reading what such a
 * step makes) to the tasks that make the folders it may depend on: the folder its wildcards name,
 * or every folder of the step for a gather. A new sample's folder is then waited for too, even
 * before any file of it exists. Returns task id → ids of those folder tasks.
 */
export function linkFolderReaders(tasks: readonly Task[], steps: readonly NormalizedStep[], analysis: FolderAnalysis): Map<number, number[]> {
  const links = new Map<number, number[]>();
  if (analysis.waiting.size === 0) return links;
  const byStep = new Map<string, Task[]>();
  for (const task of tasks) {
    const list = byStep.get(task.step) ?? [];
    list.push(task);
    byStep.set(task.step, list);
  }
  // Per step that makes folders: the wildcards its folder outputs name.
  const folderWildcardsOf = new Map(
    steps.map((step) => [step.name, step.outputs.filter((output) => isFolderOutput(output.pattern.source)).flatMap((output) => output.pattern.wildcards)]),
  );
  analysis.waiting.forEach((after, index) => {
    const readers = byStep.get((steps[index] as NormalizedStep).name) ?? [];
    for (const reader of readers) {
      const needs = new Set<number>();
      for (const name of after) {
        const folderWildcards = folderWildcardsOf.get(name) ?? [];
        for (const maker of byStep.get(name) ?? []) {
          const agrees = folderWildcards.every((wildcard) => reader.wildcards?.[wildcard] === undefined || reader.wildcards[wildcard] === maker.wildcards?.[wildcard]);
          if (agrees && maker.id !== reader.id) needs.add(maker.id);
        }
      }
      if (needs.size > 0) links.set(reader.id, [...needs]);
    }
  });
  return links;
}

/** Adds the folder links to the DAG (a new map; the lists stay sorted by first appearance). */
export function mergeLinks(dependencies: Map<number, readonly number[]>, links: ReadonlyMap<number, readonly number[]>): Map<number, readonly number[]> {
  // No step reads a folder output (most pipelines): the DAG is linkTasks', not a copy of it.
  if (links.size === 0) return dependencies;
  const merged = new Map(dependencies);
  links.forEach((needs, id) => merged.set(id, [...new Set([...(merged.get(id) ?? []), ...needs])]));
  return merged;
}

/**
 * The readers (linkFolderReaders) whose inputs may not be planned yet: one of their folders is not
 * on disk, so the tasks that make what they read are planned only once it is made. A reader whose
 * folders all exist is planned from them: an input of it that nothing makes is a plan error.
 */
export function findUnplannedReaders(tasks: readonly Task[], folderLinks: ReadonlyMap<number, readonly number[]>): Set<number> {
  if (folderLinks.size === 0) return new Set();
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const unmade = (id: number): boolean => {
    const maker = byId.get(id);
    return maker !== undefined && maker.outputs.some((output) => isFolderOutput(output) && !fs.existsSync(path.resolve(maker.cwd, output)));
  };
  const readers = new Set<number>();
  folderLinks.forEach((makers, reader) => {
    if (makers.some(unmade)) readers.add(reader);
  });
  return readers;
}

/**
 * Targets that name a waiting step, or a path its outputs will hold, before the step has tasks:
 * replaced by the steps whose folders it waits for, so that this round makes them and the next
 * plan finds the target.
 */
export function widenTargets(
  targets: readonly string[],
  tasks: readonly Task[],
  steps: readonly NormalizedStep[],
  waiting: ReadonlyMap<number, readonly string[]>,
  cwd: string,
  dir: string,
): readonly string[] {
  if (waiting.size === 0 || targets.length === 0) return targets;
  const planned = new Set(tasks.map((task) => task.step));
  const outputs = new Set(tasks.flatMap((task) => task.outputs.map((output) => path.resolve(dir, output))));
  return targets.flatMap((target) => {
    for (const [index, after] of waiting) {
      const step = steps[index] as NormalizedStep;
      if (target === step.name && !planned.has(step.name)) return [...after];
      const absolute = path.resolve(cwd, target);
      if (target === step.name || outputs.has(absolute)) continue;
      const relative = path.relative(dir, absolute);
      if (step.outputs.some((output) => testPathPattern(output.pattern, relative) || testPathPattern(output.pattern, absolute))) return [...after];
    }
    return [target];
  });
}
