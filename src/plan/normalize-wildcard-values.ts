import { PlanError } from '../errors.ts';
import type { WildcardValues } from './expand-paths.ts';

/** A step's `wildcards`: the values of some wildcards, and regular expressions others must match. */
export interface StepWildcardValues {
  /** Wildcard → the values the step runs for, in order, without repeats. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** Wildcard → the regex its value must match in full (anchored). */
  readonly constraints: ReadonlyMap<string, RegExp>;
}

/**
 * Checks a step's `wildcards` against the wildcards its inputs have (the schema checked the
 * values' kinds): a name the step's patterns lack is a PlanError naming the step and file.
 */
export function normalizeWildcardValues(spec: WildcardValues | undefined, names: readonly string[], step: string, file: string): StepWildcardValues {
  const lists = new Map<string, readonly string[]>();
  const constraints = new Map<string, RegExp>();
  for (const [name, given] of Object.entries(spec ?? {})) {
    if (!names.includes(name)) {
      throw new PlanError(
        `Unknown wildcard \`${name}\` in \`wildcards\` of step \`${step}\` in ${file}: ` +
          (names.length === 0 ? 'its inputs have no wildcards' : `its inputs have ${names.map((known) => `{${known}}`).join(' ')}`),
      );
    }
    if (given instanceof RegExp) {
      // Anchored: the whole value must match, as Snakemake's wildcard_constraints. `g` and `y`
      // would make test() remember where it stopped.
      constraints.set(name, new RegExp(`^(?:${given.source})$`, given.flags.replace(/[gy]/g, '')));
    } else lists.set(name, [...new Set(given.map(String))]);
  }
  return { lists, constraints };
}
