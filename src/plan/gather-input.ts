import type { NormalizedStep, StepInput } from './normalize-step.ts';
import { fillPathPattern, matchPathPattern } from './path-pattern.ts';
import type { FindCandidates } from './plan-step-tasks.ts';

// A gather's wildcards that the step binds are fixed; the others range over every match, or over
// exactly the values the step's `wildcards` lists for them (when it lists them all).
export function gatherInput(input: StepInput, values: Record<string, string>, candidates: FindCandidates, lists: ReadonlyMap<string, readonly string[]>): string[] {
  const bound = input.pattern.wildcards.filter((name) => name in values);
  const free = input.pattern.wildcards.filter((name) => !(name in values));
  if (free.length > 0 && free.every((name) => lists.has(name))) {
    return productOf(free, lists).map((listed) => fillPathPattern(input.pattern, { ...values, ...listed }));
  }
  const listed = free.filter((name) => lists.has(name)).map((name) => [name, new Set(lists.get(name))] as const);
  const matches = new Set<string>();
  for (const candidate of candidates(input.pattern)) {
    const found = matchPathPattern(input.pattern, candidate);
    if (found === undefined || !bound.every((name) => found[name] === values[name])) continue;
    if (listed.every(([name, allowed]) => allowed.has(found[name] as string))) matches.add(candidate);
  }
  return [...matches].sort(); // UTF-16 code units, as compareCodeUnits
}

// Every combination of the listed values of `names`, the first name varying slowest (as expand()).
export function productOf(names: readonly string[], lists: ReadonlyMap<string, readonly string[]>): Record<string, string>[] {
  let combinations: Record<string, string>[] = [{}];
  for (const name of names) {
    const values = lists.get(name) ?? [];
    combinations = combinations.flatMap((partial) => values.map((value) => ({ ...partial, [name]: value })));
  }
  return combinations;
}

// Wildcards that only the step's `wildcards` lists bind (a gather's, named by an output): every
// binding of the inputs once per combination of their values.
export function crossWithListed(step: NormalizedStep, bindings: Record<string, string>[]): void {
  if (step.wildcards.length === 0 || step.wildcardLists.size === 0) return;
  const fromInputs = new Set(step.inputs.filter((input) => !input.gather).flatMap((input) => input.pattern.wildcards));
  const listedOnly = step.wildcards.filter((name) => !fromInputs.has(name));
  if (listedOnly.length === 0) return;
  const combinations = productOf(listedOnly, step.wildcardLists);
  const crossed = bindings.flatMap((values) => combinations.map((listed) => ({ ...values, ...listed })));
  bindings.splice(0, bindings.length, ...crossed);
}
