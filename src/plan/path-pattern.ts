import { PlanError } from '../errors.ts';
import { matchWildcards, TooAmbiguousError, type WildcardOccurrence, type WildcardShape } from './match-wildcards.ts';

// A path pattern with named wildcards, `data/data-{patient}`: a wildcard matches one or more
// characters within one path segment, and the same name matches the same text everywhere.

export interface PathPattern {
  readonly source: string;
  /** Wildcard names in order of first appearance. */
  readonly wildcards: readonly string[];
  /** Literal text and wildcard names, alternating as written. */
  readonly parts: readonly (string | { readonly wildcard: string })[];
  /** The parts as the matcher reads them (see match-wildcards.ts). */
  readonly shape: WildcardShape;
  /** With constraints: the source and the constraints (patternKey). */
  readonly key?: string | undefined;
}

const WILDCARD = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Parses a pattern; `where` says which step and field, for errors. */
export function parsePathPattern(source: string, where: string): PathPattern {
  if (source.trim() === '') throw new PlanError(`Expected a path in ${where}, got an empty string`);
  const parts: (string | { wildcard: string })[] = [];
  const wildcards: string[] = [];
  let last = 0;
  for (const match of source.matchAll(WILDCARD)) {
    const literal = source.slice(last, match.index);
    const name = match[1] as string;
    if (literal !== '') parts.push(literal);
    parts.push({ wildcard: name });
    if (!wildcards.includes(name)) wildcards.push(name);
    last = match.index + match[0].length;
  }
  const tail = source.slice(last);
  if (tail !== '') parts.push(tail);
  const placeholder = /\{([#./]*)\}/.exec(source.replace(WILDCARD, ''));
  if (placeholder !== null) {
    throw new PlanError(
      `Unexpected placeholder \`${placeholder[0]}\` in ${where}: \`${source}\` (a path's wildcards are names in braces, e.g. {sample}; \`${placeholder[0]}\` is for commands)`,
    );
  }
  if (/[{}]/.test(source.replace(WILDCARD, ''))) {
    throw new PlanError(`Unexpected brace in ${where}: \`${source}\` (a wildcard is a name in braces, e.g. {sample})`);
  }
  return { source, wildcards, parts, shape: shapeOf(parts, wildcards) };
}

/** Whether a path matches, in time linear in its length (times the pattern's). */
export function testPathPattern(pattern: PathPattern, candidate: string): boolean {
  return matchOrRefuse(pattern, candidate) !== undefined;
}

/** A pattern whose repeated wildcards leave too many ways to split a name (see match-wildcards.ts). */
export class AmbiguousPatternError extends PlanError {
  readonly pattern: string;

  constructor(pattern: string, message: string) {
    super(message);
    this.pattern = pattern;
  }
}

function matchOrRefuse(pattern: PathPattern, candidate: string): string[] | undefined {
  try {
    return matchWildcards(pattern.shape, candidate);
  } catch (error) {
    if (!(error instanceof TooAmbiguousError)) throw error;
    const shown = candidate.length > 120 ? `${candidate.slice(0, 117)}...` : candidate;
    if (error.reason === 'constraint') {
      throw new AmbiguousPatternError(
        pattern.source,
        `Pattern \`${pattern.source}\` takes too many tests of its wildcards' regular expressions to match \`${shown}\`: put literal text between its constrained wildcards`,
      );
    }
    const repeated = pattern.wildcards.filter((name) => pattern.parts.filter((part) => typeof part !== 'string' && part.wildcard === name).length > 1);
    throw new AmbiguousPatternError(
      pattern.source,
      `Pattern \`${pattern.source}\` is too ambiguous to match \`${candidate.length > 120 ? `${candidate.slice(0, 117)}...` : candidate}\`: ` +
        `its repeated wildcards (${repeated.map((name) => `{${name}}`).join(' ')}) leave too many ways to split the name. ` +
        'Put literal text between wildcards, or repeat fewer of them',
    );
  }
}

/**
 * The pattern with regular expressions its wildcards' values must match in full (a step's
 * `wildcards: { sample: /[A-Z]+/ }`); wildcards it does not have are left out.
 */
export function constrainPathPattern(pattern: PathPattern, constraints: ReadonlyMap<string, RegExp>): PathPattern {
  if (!pattern.wildcards.some((name) => constraints.has(name))) return pattern;
  const list = pattern.wildcards.map((name) => constraints.get(name));
  const key = `${pattern.source}\0${list.map((regex) => regex?.source ?? '').join('\0')}`;
  return { ...pattern, key, shape: { ...pattern.shape, constraints: list } };
}

/** What tells patterns apart for caching matches: the source, and any constraints. */
export function patternKey(pattern: PathPattern): string {
  return pattern.key ?? pattern.source;
}

/** The wildcard values a path gives, or undefined when it does not match. */
export function matchPathPattern(pattern: PathPattern, candidate: string): Record<string, string> | undefined {
  const texts = matchOrRefuse(pattern, candidate);
  if (texts === undefined) return undefined;
  // Computed keys and fromEntries define own properties, even for a wildcard named __proto__.
  const { wildcards } = pattern;
  if (wildcards.length === 1) return { [wildcards[0] as string]: texts[0] as string };
  return Object.fromEntries(wildcards.map((name, index) => [name, texts[index] as string]));
}

/** Fills wildcards in; those without a value stay as `{name}` (for partial gathers). */
export function fillPathPattern(pattern: PathPattern, values: Readonly<Record<string, string>>): string {
  let text = '';
  for (let i = 0; i < pattern.parts.length; i += 1) {
    const part = pattern.parts[i] as PathPattern['parts'][number];
    text += typeof part === 'string' ? part : (values[part.wildcard] ?? `{${part.wildcard}}`);
  }
  return text;
}

function shapeOf(parts: PathPattern['parts'], wildcards: readonly string[]): WildcardShape {
  let head = '';
  const occurrences: WildcardOccurrence[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    if (typeof part === 'string') {
      const previous = occurrences.at(-1);
      if (previous === undefined) head += part;
      else occurrences[occurrences.length - 1] = { ...previous, literal: previous.literal + part };
      continue;
    }
    occurrences.push({ wildcard: wildcards.indexOf(part.wildcard), first: !seen.has(part.wildcard), literal: '' });
    seen.add(part.wildcard);
  }
  return { head, occurrences, wildcardCount: wildcards.length, repeats: occurrences.length > wildcards.length };
}
