import { PlanError } from '../errors.ts';
import { parseDurationText } from '../plan/parse-duration.ts';

// Command-line values, validated at the boundary with one wording.

export function parsePositiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < 1) {
    throw new PlanError(`Expected \`${name}\` to be a positive integer, got \`${value}\``);
  }
  return number;
}

export function parseCount(name: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
    throw new PlanError(`Expected \`${name}\` to be a whole number (0 or more), got \`${value}\``);
  }
  return number;
}

/** A duration option: see parseDurationText. */
export function parseDuration(name: string, value: string): number {
  return parseDurationText(value, `\`${name}\``);
}

/** For repeatable options (`--in A --in B`): each value appended to the list. */
export function collectValues(value: string, previous: string[]): string[] {
  return [...previous, value];
}
