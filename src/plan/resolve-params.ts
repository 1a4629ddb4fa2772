import { PlanError } from '../errors.ts';
import type { ParamValue } from '../kernel/task.ts';
import { applyConfig } from './check-config-values.ts';
import type { ConfigFile } from './read-config.ts';
import { didYouMean } from './suggest-name.ts';

/**
 * Parameter values: the pipeline's defaults, set by a config file (`--config FILE`), then
 * overridden by `--param key=value`, each parsed as the type of its default. Unknown names and
 * values of the wrong type are plan errors.
 */
export function resolveParams(
  defaults: Readonly<Record<string, ParamValue>>,
  assignments: readonly string[],
  file: string,
  /** Config files in order: each sets values on top of the one before. */
  configs: readonly ConfigFile[] = [],
): Record<string, ParamValue> {
  let values: Record<string, ParamValue> = { ...defaults };
  for (const config of configs) values = applyConfig(defaults, config, file, values);
  for (const assignment of assignments) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) throw new PlanError(`Expected \`--param\` as key=value, got \`${assignment}\` (parameters of ${file})`);
    const key = assignment.slice(0, equals);
    const text = assignment.slice(equals + 1);
    // `--param trim.left=3` sets one field of a record parameter (a name with a dot of its own wins).
    const names = Object.hasOwn(defaults, key) ? [key] : key.split('.');
    const example = defaultAt(defaults, names, key, file);
    try {
      values = setAt(values, names, parseValue(key, text, example, file));
    } catch (error) {
      // Which option and which pipeline: `--param rows=many` of pipeline.ts.
      if (!(error instanceof PlanError) || error.message.includes(file)) throw error;
      throw new PlanError(`${error.message} (\`--param ${assignment}\` for ${file})`);
    }
  }
  return values;
}

function parseValue(key: string, text: string, example: ParamValue, file: string): ParamValue {
  // A list or record parameter (for steps() and functions) has no text form to parse.
  if (typeof example === 'object' && example !== null) {
    throw new PlanError(`Parameter \`${key}\` of ${file} is a ${Array.isArray(example) ? 'list' : 'record'}: \`--param\` sets only strings, numbers and booleans (${Array.isArray(example) ? 'a list or record comes from \`--config FILE\`' : `one field: \`--param ${key}.FIELD=value\`; a whole record comes from \`--config FILE\``})`);
  }
  if (typeof example === 'number') {
    const number = Number(text);
    if (text.trim() === '' || !Number.isFinite(number)) {
      throw new PlanError(`Expected parameter \`${key}\` to be a number, got \`${text}\``);
    }
    if (Number.isInteger(example) && !Number.isInteger(number)) {
      throw new PlanError(`Expected parameter \`${key}\` to be an integer, got \`${text}\``);
    }
    return number;
  }
  if (typeof example === 'boolean') {
    if (/^(true|yes|1)$/i.test(text)) return true;
    if (/^(false|no|0)$/i.test(text)) return false;
    throw new PlanError(`Expected parameter \`${key}\` to be true or false, got \`${text}\``);
  }
  return text;
}

// The default at a path of names through record parameters; an unknown name is a plan error.
function defaultAt(defaults: Readonly<Record<string, ParamValue>>, names: readonly string[], key: string, file: string): ParamValue {
  let record: Readonly<Record<string, ParamValue>> = defaults;
  for (let i = 0; ; i += 1) {
    const name = names[i] as string;
    if (!Object.hasOwn(record, name)) {
      const known = Object.keys(record);
      const owner = i === 0 ? file : `parameter \`${names.slice(0, i).join('.')}\` of ${file}`;
      throw new PlanError(`Unknown parameter \`${key}\`: ${owner} declares ${known.length === 0 ? 'no parameters' : known.map((known) => `\`${known}\``).join(', ')}${didYouMean(name, known)}`);
    }
    const value = record[name] as ParamValue;
    if (i === names.length - 1) return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new PlanError(`Unknown parameter \`${key}\`: parameter \`${names.slice(0, i + 1).join('.')}\` of ${file} is not a record`);
    }
    record = value as Readonly<Record<string, ParamValue>>;
  }
}

// A copy of `values` with the value at `names` replaced (records along the way copied, not changed).
function setAt(values: Record<string, ParamValue>, names: readonly string[], value: ParamValue): Record<string, ParamValue> {
  const [first, ...rest] = names as [string, ...string[]];
  if (rest.length === 0) return { ...values, [first]: value };
  const inner = values[first] as Record<string, ParamValue>;
  return { ...values, [first]: setAt({ ...inner }, rest, value) };
}
