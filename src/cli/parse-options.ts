import { PlanError } from '../errors.ts';

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

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90`, `1.5s`, `500ms`, `10m`, `1h30m`: a duration in milliseconds (plain numbers are seconds). */
export function parseDuration(name: string, value: string): number {
  const text = value.trim();
  let total = 0;
  if (/^\d+(\.\d+)?$/.test(text)) total = Number(text) * 1000;
  else {
    const pieces = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
    if (pieces.length === 0 || pieces.map((piece) => piece[0]).join('') !== text) {
      throw new PlanError(
        `Expected \`${name}\` to be a duration such as \`30s\`, \`10m\`, \`1h30m\` or \`500ms\`, got \`${value}\``,
      );
    }
    for (const piece of pieces) total += Number(piece[1]) * (UNITS[piece[2] as string] as number);
  }
  if (!(total > 0)) throw new PlanError(`Expected \`${name}\` to be longer than zero, got \`${value}\``);
  return total;
}
