import { PlanError } from '../errors.ts';

// A path pattern with named wildcards, `data/data-{patient}`: a wildcard matches one or more
// characters within one path segment, and the same name matches the same text everywhere.

export interface PathPattern {
  readonly source: string;
  /** Wildcard names in order of first appearance. */
  readonly wildcards: readonly string[];
  /** Literal text and wildcard names, alternating as written. */
  readonly parts: readonly (string | { readonly wildcard: string })[];
  readonly regex: RegExp;
}

const WILDCARD = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Parses a pattern; `where` says which step and field, for errors. */
export function parsePathPattern(source: string, where: string): PathPattern {
  if (source.trim() === '') throw new PlanError(`Expected a path in ${where}, got an empty string`);
  const parts: (string | { wildcard: string })[] = [];
  const wildcards: string[] = [];
  let last = 0;
  let regex = '';
  for (const match of source.matchAll(WILDCARD)) {
    const literal = source.slice(last, match.index);
    const name = match[1] as string;
    if (literal !== '') parts.push(literal);
    parts.push({ wildcard: name });
    // Numbered groups, not named ones: matching 10,000 paths then builds no groups object each.
    const seen = wildcards.indexOf(name);
    regex += escapeRegex(literal) + (seen >= 0 ? `(?:\\${seen + 1})` : '([^/]+)');
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
  regex += escapeRegex(tail);
  return { source, wildcards, parts, regex: new RegExp(`^${regex}$`) };
}

/** The wildcard values a path gives, or undefined when it does not match. */
export function matchPathPattern(pattern: PathPattern, candidate: string): Record<string, string> | undefined {
  const match = pattern.regex.exec(candidate);
  if (match === null) return undefined;
  // Group n + 1 holds wildcard n. Computed keys and fromEntries define own properties, even
  // for a wildcard named __proto__.
  const { wildcards } = pattern;
  if (wildcards.length === 1) return { [wildcards[0] as string]: match[1] as string };
  return Object.fromEntries(wildcards.map((name, index) => [name, match[index + 1] as string]));
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

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
