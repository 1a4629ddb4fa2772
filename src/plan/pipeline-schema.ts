// The shape of what pipeline() and step() accept, in one place. check-definition.ts turns a
// failed check into a PlanError naming the pipeline file, the step and the field; what needs more
// than one field or the disk (wildcards bound, outputs named by `stdout`, the DAG) is checked by
// the planner after this.
import * as v from 'valibot';
import { isPlainObject } from './copy-definition.ts';
import { cmd, sh } from './define-pipeline.ts';

/** What each field is expected to be: the message of its schema, and of a missing field. */
export const EXPECTED = {
  path: 'a path',
  in: "a path, a list of paths or a record of names to paths (or to all('pattern') or to lists of paths)",
  inItem: "a path, all('pattern') or a list of paths (expand(...))",
  out: 'a path, a list of paths or a record of names to paths',
  outItem: 'a path',
  run: "cmd('program', 'arg', ...), sh('script') or a function",
  program: "cmd('program', 'arg', ...) with a program as its first word",
  word: 'a string',
  script: "sh('script') with a script",
  temp: 'true or false',
  stdout: 'true, false or the name of an output',
  env: 'a list of environment variable names',
  envName: 'an environment variable name',
  description: 'a string',
  cpus: 'a positive integer',
  memory: 'a size like 4G or 512M',
  timeout: 'a duration such as `30s`, `10m`, `1h30m` or `500ms`, or a number of milliseconds',
  noOutputTimeout: 'a duration such as `30s`, `10m`, `1h30m` or `500ms`, or a number of milliseconds',
  retries: 'a whole number (0 or more)',
  log: 'a path, a list of paths or a record of names to paths',
  slurm: '{ partition?, account?, args?, tasksPerJob? }',
  name: 'a name',
  args: 'a list of sbatch options (strings)',
  tasksPerJob: 'a positive integer',
  steps: 'a record of steps, or a function of the parameters that returns one',
  params: 'a record of parameters and their default values',
  wildcards: 'a record of wildcard names to a list of values or a regular expression',
  wildcardValue: 'a list of values (strings or numbers) or a regular expression such as /[A-Z]+/',
  wildcardItem: 'a non-empty string without `/` or a NUL byte (nor `.` or `..`), or a number',
  param: 'a string, a number or a boolean (or a list or record of them, for steps() and functions)',
} as const;

/** Keys a step takes, and other spellings people write for them. */
export const STEP_KEYS = ['in', 'out', 'run', 'temp', 'stdout', 'env', 'description', 'slurm', 'cpus', 'memory', 'timeout', 'noOutputTimeout', 'retries', 'log', 'wildcards'] as const;
export const STEP_KEY_ALIASES: Readonly<Record<string, string>> = {
  input: 'in', inputs: 'in', output: 'out', outputs: 'out', cmd: 'run', command: 'run', shell: 'run', sh: 'run',
  script: 'run', fn: 'run', threads: 'cpus', cores: 'cpus', cpu: 'cpus', mem: 'memory', time: 'timeout',
  walltime: 'timeout', retry: 'retries', temporary: 'temp', environment: 'env', desc: 'description', logs: 'log',
  stderr: 'log', noOutputTimeoutMs: 'noOutputTimeout', outputTimeout: 'noOutputTimeout', idleTimeout: 'noOutputTimeout',
  silenceTimeout: 'noOutputTimeout', silentTimeout: 'noOutputTimeout', wildcard_constraints: 'wildcards', constraints: 'wildcards', values: 'wildcards',
};
export const PIPELINE_KEYS = ['params', 'steps'] as const;
export const PIPELINE_KEY_ALIASES: Readonly<Record<string, string>> = { param: 'params', parameters: 'params', config: 'params', step: 'steps', rules: 'steps' };
export const SLURM_KEYS = ['partition', 'account', 'args', 'tasksPerJob'] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const text = (message: string) => v.pipe(v.string(message), v.check((value) => value.trim() !== '', message));
const path = text(EXPECTED.path);
const gather = v.strictObject({ kind: v.literal('gather'), pattern: path }, EXPECTED.inItem);
// A record the user wrote: not a list, nor an object sluice made for another field (all(),
// cmd(), sh(), step()). Checked before v.record, which copies its input.
const plainObject = (message: string) =>
  v.custom<Record<string, unknown>>((value) => isPlainObject(value) && !isMadeBySluice(value), message);
const plainRecord = <T extends v.GenericSchema>(item: T, message: string) =>
  v.pipe(plainObject(message), v.record(v.string(), item, message), v.check((value) => Object.keys(value).length > 0, message));

const inputs = v.union([path, v.array(path, EXPECTED.in), plainRecord(v.union([path, gather, v.array(path, EXPECTED.inItem)], EXPECTED.inItem), EXPECTED.in)], EXPECTED.in);
const outputs = v.union(
  [
    path,
    v.pipe(v.array(text(EXPECTED.outItem), EXPECTED.out), v.minLength(1, EXPECTED.out)),
    plainRecord(text(EXPECTED.outItem), EXPECTED.out),
  ],
  EXPECTED.out,
);
const command = v.strictObject(
  {
    kind: v.literal('command'),
    argv: v.pipe(
      v.array(v.string(EXPECTED.word), EXPECTED.program),
      v.check((argv) => typeof argv[0] === 'string' && argv[0].trim() !== '', EXPECTED.program),
    ),
  },
  EXPECTED.run,
);
const shell = v.strictObject({ kind: v.literal('shell'), script: text(EXPECTED.script) }, EXPECTED.run);
const positive = (message: string) => v.pipe(v.number(message), v.integer(message), v.minValue(1, message));

export const stepSchema = v.strictObject(
  {
    kind: v.literal('step'),
    in: v.optional(inputs),
    out: outputs,
    run: v.union([v.pipe(v.function(EXPECTED.run), v.check((fn) => fn !== cmd && fn !== sh && isPlainFunction(fn), EXPECTED.run)), command, shell], EXPECTED.run),
    wildcards: v.optional(
      plainRecord(
        v.union(
          [
            v.instance(RegExp, EXPECTED.wildcardValue),
            v.array(
              v.union(
                [v.pipe(v.string(EXPECTED.wildcardItem), v.check((value) => value !== '' && !value.includes('/') && !value.includes('\0') && value !== '.' && value !== '..', EXPECTED.wildcardItem)), v.pipe(v.number(), v.finite())],
                EXPECTED.wildcardItem,
              ),
              EXPECTED.wildcardValue,
            ),
          ],
          EXPECTED.wildcardValue,
        ),
        EXPECTED.wildcards,
      ),
    ),
    temp: v.optional(v.boolean(EXPECTED.temp)),
    stdout: v.optional(v.union([v.boolean(), text(EXPECTED.stdout)], EXPECTED.stdout)),
    env: v.optional(v.array(v.pipe(v.string(EXPECTED.envName), v.regex(ENV_NAME, EXPECTED.envName)), EXPECTED.env)),
    description: v.optional(v.string(EXPECTED.description)),
    slurm: v.optional(
      v.pipe(
        plainObject(EXPECTED.slurm),
        v.strictObject(
        {
          partition: v.optional(text(EXPECTED.name)),
          account: v.optional(text(EXPECTED.name)),
          args: v.optional(v.array(v.string(EXPECTED.args), EXPECTED.args)),
          tasksPerJob: v.optional(positive(EXPECTED.tasksPerJob)),
        },
          EXPECTED.slurm,
        ),
      ),
    ),
    cpus: v.optional(positive(EXPECTED.cpus)),
    // Its size is read where the step is normalized (normalize-step.ts), as timeout's duration is.
    memory: v.optional(text(EXPECTED.memory)),
    timeout: v.optional(v.union([text(EXPECTED.timeout), v.pipe(v.number(), v.finite(), v.minValue(1))], EXPECTED.timeout)),
    noOutputTimeout: v.optional(v.union([text(EXPECTED.noOutputTimeout), v.pipe(v.number(), v.finite(), v.minValue(1))], EXPECTED.noOutputTimeout)),
    retries: v.optional(v.pipe(v.number(EXPECTED.retries), v.integer(EXPECTED.retries), v.minValue(0, EXPECTED.retries))),
    log: v.optional(v.union([path, v.array(path, EXPECTED.log), plainRecord(path, EXPECTED.log)], EXPECTED.log)),
  },
  'step({...})',
);

// A parameter's value is data, to the bottom of its lists and records: what the signature of a
// task serializes and a worker thread receives (no BigInt, function, Date or class instance).
const paramData: v.GenericSchema = v.lazy(() =>
  v.union(
    [v.string(), v.pipe(v.number(), v.finite()), v.boolean(), v.null(), v.array(paramData, EXPECTED.param), v.pipe(plainObject(EXPECTED.param), v.record(v.string(), paramData, EXPECTED.param))],
    EXPECTED.param,
  ),
);
const paramValue = v.union(
  [v.string(), v.pipe(v.number(), v.finite()), v.boolean(), v.array(paramData, EXPECTED.param), v.pipe(plainObject(EXPECTED.param), v.record(v.string(), paramData, EXPECTED.param))],
  EXPECTED.param,
);

/** pipeline({ params?, steps }); a bare record of steps is checked as `steps`. */
export const pipelineSchema = v.strictObject(
  {
    params: v.optional(v.pipe(plainObject(EXPECTED.params), v.record(v.string(), paramValue, EXPECTED.params))),
    steps: v.union([v.function(), plainObject(EXPECTED.steps)], EXPECTED.steps),
  },
  'pipeline({ params?, steps })',
);

/** What a pipeline's steps() returned: a record with at least one entry (each checked as a step). */
export const stepRecordSchema = v.pipe(
  plainObject(EXPECTED.steps),
  v.check((value) => Object.keys(value).length > 0, 'a record of at least one step'),
);

function isMadeBySluice(value: unknown): boolean {
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'gather' || kind === 'command' || kind === 'shell' || kind === 'step' || kind === 'sluice-pipeline';
}

/** Whether calling `fn` runs its body: not a class (which needs `new`) nor a generator (whose body waits to be iterated). */
export function isPlainFunction(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  const kind = (Object.getPrototypeOf(fn) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  if (kind === 'GeneratorFunction' || kind === 'AsyncGeneratorFunction') return false;
  return !/^class[\s{]/.test(Function.prototype.toString.call(fn));
}
