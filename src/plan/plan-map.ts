import { PlanError } from '../errors.ts';
import type { ListingLog } from './list-pattern-files.ts';
import { checkNameLength } from './check-name-length.ts';
import { checkOutputs } from './check-outputs.ts';
import { describeOutputPlace } from './check-output-place.ts';
import { refuseLinkedClashes } from './refuse-linked-clashes.ts';
import { expandArg, expandParts, expandText, resolveInputPlaceholders, type ExpandContext } from './expand-template.ts';
import { findBashForMap } from './find-bash.ts';
import { findProgram } from './find-program.ts';
import { collectPlaceholders, parseTemplate, type ParsedTemplate } from './parse-template.ts';
import { INPUT_PLACEHOLDERS, PLACEHOLDER_NAMES } from './placeholders.ts';
import type { Action, Arg, Task } from '../kernel/task.ts';
import { MAP_STEP } from '../kernel/name-task.ts';
import { isPlainRelative } from '../kernel/resolve-task-path.ts';

export interface MapPlanOptions {
  /** The command template: argv words, or (with `shell`) words joined into one script. */
  readonly command: readonly string[];
  /** Run the command as a script of bash in strict mode, as a pipeline's sh() step. */
  readonly shell: boolean;
  /** With `shell`: the bash that runs it; found on PATH when not given. */
  readonly bash?: string | undefined;
  readonly inputs: readonly string[];
  readonly outTemplate?: string | undefined;
  readonly cwd: string;
  readonly cpus?: number;
  readonly timeoutMs?: number | undefined;
  /** `--no-output-timeout` in ms. */
  readonly noOutputTimeoutMs?: number | undefined;
  readonly retries: number;
  /** Check that the program exists before planning; off for tests of pure planning. */
  readonly checkProgram?: boolean;
}

export { MAP_STEP };

/** Turns `sluice map` options into tasks, finding every usage error before anything runs. */
export function planMap(options: MapPlanOptions): Task[] {
  if (options.command.length === 0) throw new PlanError('Expected a command after `--`, got none');
  const words = options.shell ? [options.command.join(' ')] : options.command;
  // `{out}` is there only with `--out`, and not in `--out` itself.
  const withoutOut = PLACEHOLDER_NAMES.filter((name) => name !== 'out');
  const usable = options.outTemplate === undefined ? withoutOut : PLACEHOLDER_NAMES;
  // `{threads}` in the command only: an output path must not depend on where the task runs.
  const templates = words.map((word, index) => parseTemplate(word, `command argument ${index + 1}`, ['threads'], usable));
  const outTemplate =
    options.outTemplate === undefined ? undefined : parseTemplate(options.outTemplate, '`--out`', [], withoutOut);
  const used = collectPlaceholders(templates);
  const outPlace = options.outTemplate === undefined ? undefined : describeOutputPlace(options.outTemplate, options.cwd, { file: true });
  if (outPlace !== undefined) throw new PlanError(`Expected \`--out\` to ${outPlace}`);
  if (outTemplate !== undefined && collectPlaceholders([outTemplate]).has('out')) {
    throw new PlanError('`--out` cannot contain `{out}`: it defines it');
  }
  if (used.has('out') && outTemplate === undefined) {
    throw new PlanError('The command uses `{out}` but no `--out TEMPLATE` was given');
  }
  const appendInput = ![...used].some((name) => name in INPUT_PLACEHOLDERS);
  const finalTemplates = appendInput ? [...templates, [{ placeholder: 'in' }]] : templates;
  if (!options.shell && options.checkProgram !== false && typeof finalTemplates[0]?.[0] === 'string' && finalTemplates[0].length === 1) {
    findProgram(finalTemplates[0][0], options.cwd);
  }
  const bash = options.shell ? (options.bash ?? findBashForMap(options.cwd)) : undefined;
  const resources = { cpus: options.cpus ?? 1, timeoutMs: options.timeoutMs, noOutputTimeoutMs: options.noOutputTimeoutMs, retries: options.retries };
  const compiled = compileWords(finalTemplates, options.outTemplate !== undefined);
  const tasks = new Array<Task>(options.inputs.length);
  for (let index = 0; index < tasks.length; index++) {
    tasks[index] = planTask(options, compiled, finalTemplates, outTemplate, used.has('out'), options.inputs[index] as string, index + 1, resources, bash);
  }
  checkOutputs(tasks);
  if (options.outTemplate !== undefined) refuseLinkedClashes(tasks, options.cwd);
  return tasks;
}

/** `sluice map` as a one-step pipeline: its tasks, no dependencies, no targets. */
export interface MapPlan {
  readonly tasks: readonly Task[];
  readonly dependencies: ReadonlyMap<number, readonly number[]>;
  readonly targets: ReadonlySet<number>;
  /** The folders `--in` globs listed (expand-input-glob.ts), for the no-op short cut. */
  readonly listings: ListingLog;
}

/** Plans `sluice map` as the pipeline of its one step, `map`. */
export function planMapPipeline(options: MapPlanOptions, listings: ListingLog): MapPlan {
  return { tasks: planMap(options), dependencies: new Map(), targets: new Set(), listings };
}

function planTask(
  options: MapPlanOptions,
  words: ReadonlyArray<Arg | undefined>,
  templates: readonly ParsedTemplate[],
  outTemplate: ParsedTemplate | undefined,
  usesOut: boolean,
  input: string,
  id: number,
  resources: Task['resources'],
  bash: string | undefined,
): Task {
  const hasOutput = outTemplate !== undefined;
  const context: ExpandContext = { resolve: resolveInputPlaceholders(input, id, hasOutput) };
  const output = outTemplate === undefined ? undefined : expandText(outTemplate, context);
  if (output === '') throw new PlanError(`\`--out\` expands to an empty path for input \`${input}\``);
  if (output !== undefined) {
    checkNameLength(output, options.cwd, () => ({ owner: `the task for input \`${input}\`` }));
    // An input's name may put the output where `--out` itself did not: `{stem}/state.db` of `.sluice.txt`.
    // (An empty input is refused as such once the inputs are checked: check-input-files.ts.)
    if (input !== '' && (output.startsWith('.sluice') || !isPlainRelative(output))) {
      const problem = describeOutputPlace(output, options.cwd, { file: true });
      if (problem !== undefined) throw new PlanError(`Expected the output of the task for input \`${input}\` (\`--out\`) to ${problem}`);
    }
  }
  const action: Action = bash !== undefined
    ? { kind: 'shell', script: joinShell(templates, { ...context, quoteValues: true }), bash }
    : { kind: 'argv', argv: templates.map((template, index): Arg => words[index] ?? expandArg(template, context)) };
  return {
    id,
    step: MAP_STEP,
    action,
    inputs: [input],
    outputs: output === undefined ? [] : [output],
    stdoutOutput: hasOutput && !usesOut ? 0 : undefined,
    cwd: options.cwd,
    resources,
  };
}

// A shell script is one template; an appended input becomes one more quoted word.
function joinShell(templates: readonly ParsedTemplate[], context: ExpandContext) {
  return templates.flatMap((template, index) => [
    ...(index === 0 ? [] : [' ']),
    ...expandParts(template, context),
  ]);
}

/**
 * Each command word expanded once if it does not depend on the input (`cp`, `{out}`): every task
 * shares that element instead of making its own (a million-task plan held 750 bytes a task).
 * Undefined where the word names the input or `{#}`.
 */
function compileWords(templates: readonly ParsedTemplate[], hasOutput: boolean): ReadonlyArray<Arg | undefined> {
  const shared: ExpandContext = { resolve: resolveInputPlaceholders('', 0, hasOutput) };
  return templates.map((template) =>
    template.every((part) => typeof part === 'string' || part.placeholder === 'out' || part.placeholder === 'threads') ? expandArg(template, shared) : undefined,
  );
}
