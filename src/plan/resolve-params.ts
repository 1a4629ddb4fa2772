import { PlanError } from '../errors.ts';
import type { ParamValue } from '../kernel/task.ts';
import { applyConfig } from './check-config-values.ts';
import type { ConfigFile } from './read-config.ts';

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
    if (!Object.hasOwn(defaults, key)) {
      const known = Object.keys(defaults);
      throw new PlanError(
        `Unknown parameter \`${key}\`: ${file} declares ${known.length === 0 ? 'no parameters' : known.map((name) => `\`${name}\``).join(', ')}`,
      );
    }
    try {
      values[key] = parseValue(key, text, defaults[key] as ParamValue, file);
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
    throw new PlanError(`Parameter \`${key}\` of ${file} is a ${Array.isArray(example) ? 'list' : 'record'}: \`--param\` sets only strings, numbers and booleans (a list or record comes from \`--config FILE\`)`);
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
