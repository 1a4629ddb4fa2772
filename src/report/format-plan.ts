import { nameTask } from '../kernel/name-task.ts';
import type { Task } from '../kernel/task.ts';
import { renderArgv, renderShellScript, threadsOf } from '../kernel/render-action.ts';
import { quoteArgv, showArg } from '../kernel/quote-argv.ts';
import type { Survey, Verdict } from '../schedule/up-to-date-gate.ts';

/** `--dry-run`: each task that would run, with its command, and with `--explain` why. */
export function formatPlan(tasks: readonly Task[], survey: Survey, options: { explain: boolean }): string {
  // Lines go into chunks of a few thousand, not one array of them all: a million-task dry run
  // held every line (and its parts) until a final join.
  const chunks: string[] = [];
  let chunk: string[] = [];
  let toRun = 0;
  for (const task of tasks) {
    const verdict = survey.verdicts.get(task.id);
    if (verdict === undefined || verdict.upToDate) continue;
    toRun++;
    chunk.push(`${nameTask(task)}: ${describeCommand(task)}\n`);
    if (options.explain) chunk.push(`  because: ${explainVerdict(verdict)}\n`);
    if (chunk.length >= CHUNK_LINES) {
      chunks.push(chunk.join(''));
      chunk = [];
    }
  }
  const upToDate = tasks.length - toRun;
  chunk.push(
    toRun === 0
      ? `nothing to do: all ${tasks.length} tasks are up to date\n`
      : `${toRun} task${toRun === 1 ? '' : 's'} would run${upToDate > 0 ? `, ${upToDate} up to date` : ''}\n`,
  );
  chunks.push(chunk.join(''));
  return chunks.join('');
}

// Lines joined into one flat string per this many, so their pieces can be collected early.
const CHUNK_LINES = 4096;


/** The command as a user could run it; shell steps and function steps are marked as such. */
export function describeCommand(task: Task): string {
  const { action } = task;
  if (action.kind === 'function') return `function ${action.step}() → ${task.outputs.map(showScript).join(', ')}`;
  const command = action.kind === 'shell' ? `sh: ${showScript(renderShellScript(action, task.outputs, threadsOf(task)))}` : quoteArgv(renderArgv(action, task.outputs, threadsOf(task)));
  const output = task.stdoutOutput === undefined ? undefined : task.outputs[task.stdoutOutput];
  return output === undefined ? command : `${command} > ${showArg(output)}`;
}

/** A verdict in words: "input changed: data/x (content changed)". */
export function explainVerdict(verdict: Verdict): string {
  if (verdict.upToDate) return 'up to date';
  switch (verdict.reason) {
    case 'upstream runs':
      return `an input will be remade first: ${verdict.path}`;
    case 'input changed':
      return `input changed: ${verdict.path ?? '(inputs reordered)'}${verdict.inputChange === undefined ? '' : ` (${verdict.inputChange})`}`;
    case 'output missing':
      return `output missing: ${verdict.path ?? ''}`;
    case 'outputs changed':
      return `output changed since it was made: ${verdict.path ?? ''}`;
    case 'never run':
      return 'never run (no record of a success)';
    case 'no outputs':
      return 'no outputs to check, so it always runs';
    case 'forced':
      return 'forced (--force)';
    default:
      return verdict.reason;
  }
}

// A script or path with control characters (from a file name) is shown in ANSI-C quotes, as one
// word: raw, they would reach the terminal.
function showScript(script: string): string {
  return /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(script) ? showArg(script) : script;
}
