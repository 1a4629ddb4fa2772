// A step's `log` declaration: files the task writes its own diagnostics to. They are not
// outputs: written in place, kept when the task fails, never removed with a `temp` step's
// outputs, not looked at for up-to-date checks. Kept in one function so that it is easy to move.

import path from 'node:path';
import { PlanError } from '../errors.ts';
import { describeOutputPlace } from './check-output-place.ts';
import { normalizePatternPath } from './normalize-pattern-path.ts';
import { parsePathPattern, type PathPattern } from './path-pattern.ts';

export interface StepLog {
  /** The declared name, or the position for list and single logs. */
  readonly name: string;
  readonly pattern: PathPattern;
}

export interface StepLogs {
  /** Shape of `log` as declared, so function steps get the same shape back. */
  readonly shape: 'none' | 'single' | 'list' | 'record';
  readonly logs: readonly StepLog[];
}

/**
 * Checks `log`: a path pattern, a list of them, or a record of named ones, whose wildcards the
 * step's inputs bind (`wildcards`), outside `.sluice/` of `dir` (the pipeline's folder); `where(field)` names the pipeline file and step.
 */
export function normalizeLogs(spec: unknown, where: (field: string) => string, wildcards: readonly string[], dir: string): StepLogs {
  if (spec === undefined) return { shape: 'none', logs: [] };
  const expected = 'a path, a list of paths or a record of named paths';
  let shape: StepLogs['shape'];
  let entries: Array<[string, unknown, string]>;
  if (typeof spec === 'string') {
    shape = 'single';
    entries = [['0', spec, 'log']];
  } else if (Array.isArray(spec)) {
    shape = 'list';
    entries = spec.map((item, index) => [String(index), item, `log[${index}]`]);
  } else if (typeof spec === 'object' && spec !== null && Object.getPrototypeOf(spec) === Object.prototype) {
    shape = 'record';
    entries = Object.entries(spec).map(([name, item]) => [name, item, `log.${name}`]);
    const bad = entries.find(([name]) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
    if (bad !== undefined) {
      throw new PlanError(`Expected the names in ${where('log')} to be usable as {log.NAME} (letters, digits, _), got \`${bad[0]}\``);
    }
  } else {
    throw new PlanError(`Expected ${where('log')} to be ${expected}, got ${describe(spec)}`);
  }
  if (entries.length === 0) throw new PlanError(`Expected ${where('log')} to be ${expected}, got an empty ${shape === 'list' ? 'list' : 'record'}`);
  const logs = entries.map(([name, item, field]): StepLog => {
    if (typeof item !== 'string') throw new PlanError(`Expected ${where(field)} to be a path string, got ${describe(item)}`);
    const source = normalizePatternPath(item, dir, where(field));
    const pattern = parsePathPattern(source, where(field));
    if (source.endsWith('/') || path.basename(source) === '.' || path.basename(source) === '..') {
      throw new PlanError(`Expected ${where(field)} to be a file path, got \`${item}\``);
    }
    // In `.sluice/`, an attempt's removal of a stale log would reach sluice's own state.
    const place = describeOutputPlace(source, dir, {});
    if (place !== undefined) throw new PlanError(`Expected ${where(field)} to ${place}`);
    const unbound = pattern.wildcards.find((wildcard) => !wildcards.includes(wildcard));
    if (unbound !== undefined) {
      throw new PlanError(
        `Wildcard \`{${unbound}}\` in ${where(field)} (\`${item}\`) is not bound by an input` +
          (wildcards.length > 0 ? ` (the inputs bind ${wildcards.map((w) => `{${w}}`).join(' ')})` : ''),
      );
    }
    return { name, pattern };
  });
  const seen = new Set<string>();
  for (const log of logs) {
    if (seen.has(log.pattern.source)) throw new PlanError(`Log \`${log.pattern.source}\` is declared twice in ${where('log')}`);
    seen.add(log.pattern.source);
  }
  return { shape, logs };
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value === null) return '`null`';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `\`${String(value)}\``;
}
