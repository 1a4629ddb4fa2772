import { PlanError } from '../errors.ts';
import type { ParamValue } from '../kernel/task.ts';
import { describeValue } from './check-definition.ts';
import type { ConfigFile, ConfigPath } from './read-config.ts';
import { suggestName } from './suggest-name.ts';

/**
 * The parameter values a config file sets, each checked against the type of its declared default
 * (the type a function step's `params` has): a list replaces the default's list, a record sets
 * the fields it names and keeps the others. An undeclared name, or a value of another type, is a
 * PlanError naming the config file's line and the pipeline file.
 */
export function applyConfig(
  defaults: Readonly<Record<string, ParamValue>>,
  config: ConfigFile,
  pipeline: string,
  /** The values so far (an earlier config file's), which this one's records add to. */
  current: Readonly<Record<string, ParamValue>> = defaults,
): Record<string, ParamValue> {
  const values: Record<string, ParamValue> = { ...current };
  for (const [key, value] of Object.entries(config.values)) {
    if (!Object.hasOwn(defaults, key)) {
      const known = Object.keys(defaults);
      const suggestion = suggestName(key, known, {});
      throw new PlanError(
        `Unknown parameter \`${key}\` in ${config.locate([key], true)}: ${pipeline} declares ${known.length === 0 ? 'no parameters' : known.map((name) => `\`${name}\``).join(', ')}` +
          (suggestion === undefined ? '' : `; did you mean \`${suggestion}\`?`),
        { file: config.name, field: key },
      );
    }
    values[key] = checkValue(defaults[key] as ParamValue, value, [key], { config, pipeline }, current[key]);
  }
  return values;
}

interface Where {
  readonly config: ConfigFile;
  readonly pipeline: string;
}

function checkValue(example: ParamValue, value: ParamValue, path: ConfigPath, where: Where, current?: ParamValue): ParamValue {
  if (example === null) return value;
  const fail = (expected: string, hint = ''): never => {
    throw new PlanError(
      `Expected \`${formatPath(path)}\` in ${where.config.locate(path)} to be ${expected}, as the default of parameter \`${path[0]}\` in ${where.pipeline}, got ${describeValue(value)}${hint}`,
      { file: where.config.name, field: formatPath(path) },
    );
  };
  if (typeof example === 'string') {
    if (typeof value !== 'string') return fail('a string', typeof value === 'number' || typeof value === 'boolean' ? ` (quote it to make it text: '${String(value)}')` : '');
    return value;
  }
  if (typeof example === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return fail(Number.isInteger(example) ? 'an integer' : 'a number');
    if (Number.isInteger(example) && !Number.isInteger(value)) return fail('an integer');
    return value;
  }
  if (typeof example === 'boolean') {
    if (typeof value !== 'boolean') return fail('true or false');
    return value;
  }
  if (Array.isArray(example)) {
    if (!Array.isArray(value)) return fail('a list');
    const examples = example as readonly ParamValue[];
    if (examples.length === 0) return value;
    return (value as readonly ParamValue[]).map((item, index) => {
      const like = examples.find((candidate) => kindOf(candidate) === kindOf(item));
      if (like === undefined) {
        const kinds = [...new Set(examples.map(kindOf))];
        throw new PlanError(
          `Expected \`${formatPath([...path, index])}\` in ${where.config.locate([...path, index])} to be ${kinds.map(describeKind).join(' or ')}, as the items of the default of parameter \`${path[0]}\` in ${where.pipeline}, got ${describeValue(item)}` +
            (kinds.length === 1 && kinds[0] === 'string' && (typeof item === 'number' || typeof item === 'boolean') ? ` (quote it to make it text: '${String(item)}')` : ''),
          { file: where.config.name, field: formatPath([...path, index]) },
        );
      }
      return checkValue(like, item, [...path, index], where);
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('a record');
  const fields = example as Readonly<Record<string, ParamValue>>;
  const known = Object.keys(fields);
  if (known.length === 0) return value;
  const base = typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as Readonly<Record<string, ParamValue>>) : fields;
  const merged: Record<string, ParamValue> = { ...base };
  for (const [key, item] of Object.entries(value as Readonly<Record<string, ParamValue>>)) {
    if (!Object.hasOwn(fields, key)) {
      const suggestion = suggestName(key, known, {});
      throw new PlanError(
        `Unknown key \`${key}\` of \`${formatPath(path)}\` in ${where.config.locate([...path, key], true)}: the default of parameter \`${path[0]}\` in ${where.pipeline} has ${known.map((name) => `\`${name}\``).join(', ')}` +
          (suggestion === undefined ? '' : `; did you mean \`${suggestion}\`?`),
        { file: where.config.name, field: formatPath([...path, key]) },
      );
    }
    merged[key] = checkValue(fields[key] as ParamValue, item, [...path, key], where, base[key]);
  }
  return merged;
}

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'list' | 'record';

function kindOf(value: ParamValue): Kind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'record' : (typeof value as 'string' | 'number' | 'boolean');
}

function describeKind(kind: Kind): string {
  return { string: 'a string', number: 'a number', boolean: 'true or false', null: 'null', list: 'a list', record: 'a record' }[kind];
}

function formatPath(path: ConfigPath): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)).join('');
}
