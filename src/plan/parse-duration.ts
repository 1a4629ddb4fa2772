import { PlanError } from '../errors.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `90` (seconds), `1.5s`, `500ms`, `10m`, `1h30m` in milliseconds; a number is milliseconds.
 * `where` names the option or step field for the error.
 */
export function parseDurationText(value: string | number, where: string): number {
  let total = 0;
  if (typeof value === 'number') total = value;
  else {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) total = Number(text) * 1000;
    else {
      const pieces = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
      if (pieces.length === 0 || pieces.map((piece) => piece[0]).join('') !== text) {
        throw new PlanError(
          `Expected ${where} to be a duration such as \`30s\`, \`10m\`, \`1h30m\` or \`500ms\`, got \`${value}\``,
        );
      }
      for (const piece of pieces) total += Number(piece[1]) * (UNITS[piece[2] as string] as number);
    }
  }
  if (!(total > 0) || !Number.isFinite(total)) throw new PlanError(`Expected ${where} to be longer than zero, got \`${value}\``);
  return total;
}
