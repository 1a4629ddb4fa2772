import type { Action, Arg, ArgPart, Task } from './task.ts';
import { quoteArg } from '../process/quote-argv.ts';

/** Joins parts with the given output paths substituted. */
export function renderParts(parts: readonly ArgPart[], outputs: readonly string[], quote = false): string {
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') text += part;
    else {
      const value = outputs[part.output] ?? '';
      text += quote ? quoteArg(value) : value;
    }
  }
  return text;
}

function renderArg(arg: Arg, outputs: readonly string[]): string {
  return typeof arg === 'string' ? arg : renderParts(arg.parts, outputs);
}

/**
 * The argv that runs an action, with `outputs` standing for the task's outputs (final paths for
 * display, temporary ones for execution). Shell actions become `/bin/sh -c SCRIPT`.
 */
export function renderArgv(action: Action, outputs: readonly string[]): string[] {
  if (action.kind === 'shell') return ['/bin/sh', '-c', renderParts(action.script, outputs, true)];
  if (action.kind === 'function') return [`(function step ${action.step} in ${action.module})`];
  return action.argv.map((arg) => renderArg(arg, outputs));
}

/**
 * Outputs the action names (or receives as standard output): sluice stages those under
 * temporary names. Others the command writes itself, by names it derives, in place.
 */
export function stagedOutputIndexes(task: Pick<Task, 'action' | 'outputs' | 'stdoutOutput'>): Set<number> {
  const { action } = task;
  if (action.kind === 'function') return new Set(task.outputs.map((_, index) => index));
  const found = new Set<number>();
  const scan = (parts: readonly ArgPart[]): void => {
    for (const part of parts) if (typeof part !== 'string') found.add(part.output);
  };
  if (action.kind === 'shell') scan(action.script);
  else for (const arg of action.argv) if (typeof arg !== 'string') scan(arg.parts);
  if (task.stdoutOutput !== undefined) found.add(task.stdoutOutput);
  return found;
}
