import { PlanError } from '../errors.ts';
import type { ParamValue } from '../kernel/task.ts';
import { describeValue } from './check-definition.ts';
import type { StepAction } from './normalize-step.ts';
import { collectPlaceholders } from './parse-template.ts';

// `{param.NAME}`, `{param.NAME.FIELD}` for a record's fields, and `{param.NAME*}` for a list: one
// argument per item, only where the star asks for it.
export function paramPlaceholders(params: Readonly<Record<string, ParamValue>>): string[] {
  const names: string[] = [];
  const visit = (prefix: string, value: ParamValue | undefined, depth: number): void => {
    names.push(prefix);
    if (Array.isArray(value)) names.push(`${prefix}*`);
    else if (typeof value === 'object' && value !== null && depth < 8) {
      for (const [key, field] of Object.entries(value)) visit(`${prefix}.${key}`, field, depth + 1);
    }
  };
  for (const [name, value] of Object.entries(params)) visit(`param.${name}`, value, 0);
  return names;
}

/** The value of `{param.a.b}` (`dotted` is `a.b`): a parameter, or a field of a record one. */
export function paramAt(params: Readonly<Record<string, ParamValue>>, dotted: string): ParamValue | undefined {
  const [first = '', ...rest] = dotted.split('.');
  let value: ParamValue | undefined = Object.hasOwn(params, first) ? params[first] : undefined;
  for (const key of rest) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Readonly<Record<string, ParamValue>>)[key];
  }
  return value;
}

// A list or record parameter would print as `a,b` or `[object Object]` in a command.
export function checkParamsInTemplates(action: StepAction, params: Readonly<Record<string, ParamValue>>, step: string, file: string): void {
  if (action.kind === 'function') return;
  const templates = action.kind === 'shell' ? [action.script] : action.argv;
  for (const name of collectPlaceholders(templates)) {
    if (!name.startsWith('param.')) continue;
    if (name.endsWith('*')) {
      const items = paramAt(params, name.slice(6, -1)) as readonly unknown[];
      const bad = items.find((item) => (typeof item === 'object' && item !== null) || (typeof item === 'string' && item.includes('\0')));
      if (typeof bad === 'string') {
        throw new PlanError(`Expected the items of parameter \`${name.slice(6, -1)}\` used as \`{${name}}\` in step \`${step}\` of ${file} to hold no NUL byte (a command's argument cannot), got ${JSON.stringify(bad)}`);
      }
      if (bad !== undefined) {
        throw new PlanError(`Expected the items of parameter \`${name.slice(6, -1)}\` used as \`{${name}}\` in step \`${step}\` of ${file} to be strings, numbers or booleans, got ${describeValue(bad)}`);
      }
      if (action.kind === 'command' && action.argv.some((word) => word.length > 1 && word.some((part) => typeof part !== 'string' && part.placeholder === name))) {
        throw new PlanError(`Expected \`{${name}}\` in step \`${step}\` of ${file} to stand alone in its word of cmd(...): it becomes one argument per item`);
      }
      continue;
    }
    const value = paramAt(params, name.slice(6));
    if (typeof value === 'string' && value.includes('\0')) {
      throw new PlanError(`Expected parameter \`${name.slice(6)}\` used as \`{${name}}\` in step \`${step}\` of ${file} to hold no NUL byte (a command's argument cannot), got ${JSON.stringify(value)}`);
    }
    if (typeof value === 'object' && value !== null) {
      throw new PlanError(
        `Expected parameter \`${name.slice(6)}\` used as \`{${name}}\` in step \`${step}\` of ${file} to be a string, a number or a boolean, got ${describeValue(value)}: a command takes text` +
          (Array.isArray(value) ? ` (\`{${name}*}\` gives one argument per item)` : ''),
      );
    }
  }
}
