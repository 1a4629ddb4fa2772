// Checks what pipeline() and step() were given against pipeline-schema.ts, where the pipeline
// file is known, and words every mistake alike: "Expected `in` of step `align` in pipeline.ts to
// be ..., got ..." or "Unknown key `ouput` in step `align` of pipeline.ts; did you mean `out`?".
import * as v from 'valibot';
import { PlanError } from '../errors.ts';
import { cmd, isPipelineSpec, isStep, sh, type PipelineDefinition, type Step } from './define-pipeline.ts';
import {
  EXPECTED,
  PIPELINE_KEY_ALIASES,
  PIPELINE_KEYS,
  pipelineSchema,
  SLURM_KEYS,
  STEP_KEY_ALIASES,
  STEP_KEYS,
  stepRecordSchema,
  stepSchema,
  isPlainFunction,
} from './pipeline-schema.ts';
import { suggestName } from './suggest-name.ts';
import { readBundlePath } from './bundle-pipeline.ts';
import { copyDefinition, isPlainObject, ReadFailure, type Key } from './copy-definition.ts';
import { locateError } from './locate-error.ts';

/** Refuses a pipeline({...}) with unknown keys or values of the wrong kind. */
export function checkPipelineSpec(definition: PipelineDefinition, file: string): void {
  if (!Object.hasOwn(definition, 'spec')) return;
  const spec = readPlain(definition.spec, 'the pipeline', file);
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new PlanError(`Expected pipeline(...) in ${file} to be given { params?, steps } or a record of steps, got ${describeValue(spec)}`, { file });
  }
  if (!isPipelineSpec(spec)) return; // a record of steps, checked as steps() returns it
  const result = v.safeParse(pipelineSchema, spec);
  if (!result.success) throw issueError(result.issues, { owner: 'the pipeline', container: 'pipeline({...})', file, keys: PIPELINE_KEYS, aliases: PIPELINE_KEY_ALIASES });
}

/** What steps() returned, as a record of steps; each value is checked with checkStep. */
export function checkStepRecord(value: unknown, file: string): Readonly<Record<string, Step>> {
  const result = v.safeParse(stepRecordSchema, value);
  if (!result.success) {
    const issue = result.issues[0];
    throw new PlanError(`Expected the steps of the pipeline in ${file} to be ${issue.message}, got ${describeValue(value)}`, { file, field: 'steps' });
  }
  return value as Readonly<Record<string, Step>>;
}

/** Refuses a step that was not made by step(), has unknown keys, or a field of the wrong kind. */
export function checkStep(name: string, given: unknown, file: string): Step {
  const value = readPlain(given, `step \`${name}\``, file, name);
  if (!isStep(value)) {
    throw new PlanError(`Expected step \`${name}\` in ${file} to be made with step({...}), got ${describeValue(value)}`, { file, step: name });
  }
  const result = v.safeParse(stepSchema, value);
  if (!result.success) {
    throw issueError(result.issues, { owner: `step \`${name}\``, container: `step \`${name}\``, step: name, file, keys: STEP_KEYS, aliases: STEP_KEY_ALIASES, root: value });
  }
  return value;
}

// The user's value as plain data (copy-definition.ts); a getter that throws, a Proxy's trap that
// throws or a record that contains itself is a plan error naming the field and the line.
function readPlain(value: unknown, owner: string, file: string, step?: string): unknown {
  try {
    return copyDefinition(value);
  } catch (error) {
    if (!(error instanceof ReadFailure)) throw error;
    const field = error.path.length === 0 ? owner : `\`${formatPath(error.path)}\` of ${owner}`;
    const place = { file, step, field: error.path.length === 0 ? undefined : formatPath(error.path) };
    if (error.circular) throw new PlanError(`Expected ${field} in ${file} to be plain data, got a value that contains itself`, place);
    const at = locateError(error.thrown, file, readBundlePath(file));
    const thrown = error.thrown instanceof Error ? (error.thrown.name === 'Error' ? error.thrown.message : `${error.thrown.name}: ${error.thrown.message}`) : describeValue(error.thrown);
    throw new PlanError(`Could not read ${field} in ${file}: reading it threw ${thrown}${at === undefined ? '' : ` (at ${at})`}`, { ...place, cause: error.thrown });
  }
}

interface Owner {
  /** "step `align`", for "Expected `in` of step `align` in FILE". */
  readonly owner: string;
  /** "step `align`", for "Unknown key `ouput` in step `align` of FILE". */
  readonly container: string;
  /** The step checked, if a step is. */
  readonly step?: string | undefined;
  readonly file: string;
  readonly keys: readonly string[];
  readonly aliases: Readonly<Record<string, string>>;
  /** The object checked, to show the part at fault. */
  readonly root?: unknown;
}

type Issue = v.BaseIssue<unknown>;

function issueError(issues: readonly Issue[], owner: Owner): PlanError {
  // An unknown key first: it is often why a known one is missing (`ouput:` for `out:`).
  const first = issues.find(isUnknownKey) ?? (issues[0] as Issue);
  const { issue, path } = pickIssue(first, []);
  const field = path.slice(0, -1);
  if (isUnknownKey(issue)) {
    const key = String(path[path.length - 1]);
    const nested = field.length > 0;
    const keys = nested && field[0] === 'slurm' ? SLURM_KEYS : owner.keys;
    // A key the object lacks is likelier meant than one it has (`rn:` beside `in:` is `run`).
    const container = issue.path?.at(-1)?.input;
    const absent = typeof container === 'object' && container !== null ? keys.filter((name) => !Object.hasOwn(container, name)) : keys;
    const aliases = nested ? {} : owner.aliases;
    const suggestion = suggestName(key, absent, aliases) ?? suggestName(key, keys, aliases);
    const where = nested ? `\`${formatPath(field)}\` of ${owner.container}` : owner.container;
    return new PlanError(
      `Unknown key \`${key}\` in ${where} of ${owner.file}; ` +
        (suggestion === undefined ? `expected one of ${keys.map((name) => `\`${name}\``).join(', ')}` : `did you mean \`${suggestion}\`?`),
      { file: owner.file, step: owner.step, field: formatPath(path) },
    );
  }
  const missing = issue.type === 'strict_object' && issue.received === 'undefined';
  const key = String(path[path.length - 1] ?? '');
  const expected = missing || issue.message.startsWith('Invalid ') ? (EXPECTED[key as keyof typeof EXPECTED] ?? 'given') : issue.message;
  // A cmd(...) or sh(...) at fault is shown whole, as written: `got cmd('')`.
  const whole = path[0] === 'run' && path.length > 1 && typeof path[2] !== 'number';
  const got = missing ? 'nothing' : describeValue(whole ? (owner.root as { run?: unknown } | undefined)?.run : issue.input);
  const hint =
    key === 'run' && typeof issue.input === 'string' && path.length === 1
      ? ` (a shell command is sh(${JSON.stringify(issue.input)}))`
      : (issue.input as { kind?: unknown } | null | undefined)?.kind === 'gather'
        ? gatherHint(path, (issue.input as { pattern?: unknown }).pattern)
        : '';
  return new PlanError(`Expected ${formatField(path)} of ${owner.owner} in ${owner.file} to be ${expected}, got ${got}${hint}`, {
    file: owner.file,
    step: owner.step,
    field: formatPath(path[0] === 'run' ? ['run'] : path),
  });
}

// all(...) outside `in`, or in `in` but not named in a record (`in: all(...)`, `in: [all(...)]`):
// a gather is one named input among the step's, `{in.NAME}` in a command.
function gatherHint(path: readonly Key[], pattern: unknown): string {
  if (path[0] !== 'in') return ' (all(...) gathers inputs; it belongs in `in`)';
  if (path.length > 2) return '';
  const written = typeof pattern === 'string' ? `all(${JSON.stringify(pattern).replace(/^"|"$/g, "'")})` : 'all(...)';
  return ` (a gather is named in a record of inputs: \`in: { parts: ${written} }\`, then \`{in.parts}\` in a command)`;
}

// The words of cmd(...) and the script of sh(...) are what the user wrote, not `run.argv[1]`.
function formatField(path: readonly Key[]): string {
  if (path[0] === 'run' && path[1] === 'argv' && typeof path[2] === 'number') return `word ${path[2] + 1} of \`run\``;
  if (path[0] === 'run') return '`run`';
  return `\`${formatPath(path)}\``;
}

// In a union (`in` is a path, a list or a record), the option whose shape matched says more:
// its issue lies deeper (`in[1]` rather than `in`).
function pickIssue(issue: Issue, base: readonly Key[]): { issue: Issue; path: Key[] } {
  const path = [...base, ...(issue.path ?? []).map((item) => item.key as Key)];
  if (issue.type === 'union' && issue.issues !== undefined) {
    // Not an option whose `kind` differs: `in: { reads: cmd(...) }` is not a wrong all(...).
    // Nor one that lacks a key or has one too many: that option is of another kind than the value.
    const deeper = issue.issues.find((sub) => (sub.path?.length ?? 0) > 0 && sub.path?.[0]?.key !== 'kind' && sub.type !== 'strict_object');
    if (deeper !== undefined) return pickIssue(deeper, path);
  }
  return { issue, path };
}

function isUnknownKey(issue: Issue): boolean {
  return issue.type === 'strict_object' && issue.expected === 'never';
}

function formatPath(path: readonly Key[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${index === 0 ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`))
    .join('');
}

/** A value as a message shows it after "got". */
export function describeValue(value: unknown): string {
  if (value === undefined) return '`undefined`';
  if (value === null) return '`null`';
  if (typeof value === 'string') {
    if (value.trim() === '') return value === '' ? 'an empty string' : 'a blank string';
    const cut = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    // Control characters (a NUL, an escape sequence) are shown escaped, never sent to the terminal raw.
    const shown = /[\u0000-\u001f\u007f-\u009f]/.test(cut) ? JSON.stringify(cut) : `\`${cut}\``;
    return /^(-?[\d.]+|true|false|null|undefined)$/.test(value) ? `the string ${shown}` : shown;
  }
  if (value === cmd) return "cmd itself, not called: write cmd('program', 'arg', ...)";
  if (value === sh) return "sh itself, not called: write sh('script')";
  if (typeof value === 'function') return describeFunction(value);
  if (typeof value === 'bigint') return `\`${String(value)}n\` (a BigInt)`;
  if (typeof value !== 'object') return `\`${String(value)}\``;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value instanceof Promise) return 'a Promise (steps() must return its record, not await it)';
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'gather') return `all(\`${String((value as { pattern?: unknown }).pattern)}\`)`;
  if (kind === 'command') return `cmd(${describeWords((value as { argv?: unknown }).argv)})`;
  if (kind === 'shell') return `sh(${describeWords([(value as { script?: unknown }).script])})`;
  if (kind === 'step') return 'step({...})';
  if (!isPlainObject(value)) return describeInstance(value);
  return Object.keys(value).length === 0 ? 'an empty object' : 'an object';
}

function describeFunction(fn: unknown): string {
  if (isPlainFunction(fn)) return 'a function';
  const source = Function.prototype.toString.call(fn);
  if (/^class[\s{]/.test(source)) return 'a class (a function step is a plain or async function, called without `new`)';
  return 'a generator function (its body would never run: a function step is a plain or async function)';
}

// `a Date`, `a Map`, `an instance of class Sample`, `a String object`.
function describeInstance(value: object): string {
  let name: unknown;
  try {
    name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  } catch {
    name = undefined;
  }
  if (typeof name !== 'string' || name === '') return 'an object that is not a plain record';
  if (['String', 'Number', 'Boolean'].includes(name)) return `a ${name} object (write the ${name.toLowerCase()} itself)`;
  const article = /^[AEIOU]/.test(name) ? 'an' : 'a';
  return /^(Date|Map|Set|WeakMap|WeakSet|RegExp|Promise|Error|URL|Buffer|Uint8Array|ArrayBuffer)$/.test(name) ? `${article} ${name}` : `an instance of class ${name}`;
}

function describeWords(words: unknown): string {
  if (!Array.isArray(words)) return '...';
  const shown = words.slice(0, 4).map((word) => (typeof word === 'string' ? `'${word.length > 30 ? `${word.slice(0, 27)}...` : word}'` : String(word)));
  return shown.join(', ') + (words.length > 4 ? ', ...' : '');
}
