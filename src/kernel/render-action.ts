import type { Action, Arg, ArgPart, ShellScriptAction, Task } from './task.ts';
import { renderFunctionCommand } from './function-command.ts';
import { quoteArg } from './quote-argv.ts';

/**
 * Joins parts with the given output paths substituted, and `threads` for `{threads}` (left as
 * `{threads}` when unknown: a plan shown before the task runs somewhere).
 */
export function renderParts(parts: readonly ArgPart[], outputs: readonly string[], quote = false, threads?: number): string {
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') text += part;
    else if ('threads' in part) text += threads === undefined ? '{threads}' : String(threads);
    else {
      const path = outputs[part.output] ?? '';
      // A folder output (directory(), `chunks/A/`) reads as `chunks/A`: `{out}/part` then reads well.
      const value = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
      text += quote ? quoteArg(value) : value;
    }
  }
  return text;
}

/** The script of a shell action, its placeholders quoted, as the shell receives it. */
export function renderShellScript(action: ShellScriptAction, outputs: readonly string[], threads?: number): string {
  return renderParts(action.script, outputs, true, threads);
}

function renderArg(arg: Arg, outputs: readonly string[], threads: number | undefined): string {
  return typeof arg === 'string' ? arg : renderParts(arg.parts, outputs, false, threads);
}

/** The cpus a task holds where it runs, `{threads}`: see Resources.threads. */
export function threadsOf(task: Pick<Task, 'resources'>): number {
  return task.resources.threads ?? task.resources.cpus;
}

/** The options of bash's strict mode: a failing command (even in a pipe) or an unset variable fails the script. */
export const BASH_STRICT_OPTIONS: readonly string[] = ['-euo', 'pipefail'];

/**
 * The argv that runs an action, with `outputs` standing for the task's outputs (final paths for
 * display, temporary ones for execution). Shell actions (`sh()` steps, `sluice map --shell`)
 * become `BASH -euo pipefail -c SCRIPT`.
 */
export function renderArgv(action: Action, outputs: readonly string[], threads?: number): string[] {
  if (action.kind === 'shell') {
    return [action.bash, ...BASH_STRICT_OPTIONS, '-c', renderShellScript(action, outputs, threads)];
  }
  if (action.kind === 'function') return [renderFunctionCommand(action.step, action.module)];
  return action.argv.map((arg) => renderArg(arg, outputs, threads));
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
    for (const part of parts) if (typeof part !== 'string' && 'output' in part) found.add(part.output);
  };
  if (action.kind === 'shell') scan(action.script);
  else for (const arg of action.argv) if (typeof arg !== 'string') scan(arg.parts);
  if (task.stdoutOutput !== undefined) found.add(task.stdoutOutput);
  return found;
}
