import { PlanError } from '../errors.ts';
import { isPlaceholderName, PLACEHOLDER_NAMES, type PlaceholderName } from './placeholders.ts';

export type TemplatePart = string | { readonly placeholder: string };

/** One template argument split into literal text and placeholders. */
export type ParsedTemplate = readonly TemplatePart[];

// What counts as an attempt at a placeholder: `{}`, `{name}`, `{#}`, `{/.}`. Anything else in
// braces (awk's `{print $1}`, JSON) is literal text, so common commands need no escaping.
const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?|[#./]*)\}/g;

/**
 * Splits one template string into parts. `{{` and `}}` are literal braces. `known` adds names
 * (pipeline wildcards) to the built-in placeholders; an unknown name is a PlanError.
 */
export function parseTemplate(
  template: string,
  where: string,
  known: readonly string[] = [],
): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let literal = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    literal += template.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[0] === '{{') literal += '{';
    else if (match[0] === '}}') literal += '}';
    else {
      const name = match[1] ?? '';
      if (!isPlaceholderName(name) && !known.includes(name)) {
        throw new PlanError(
          `Unknown placeholder \`{${name}}\` in ${where}: \`${template}\`. ` +
            `Known placeholders: ${[...PLACEHOLDER_NAMES, ...known].map((n) => `{${n}}`).join(' ')}. ` +
            'Write {{ and }} for literal braces.',
        );
      }
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push({ placeholder: name });
    }
  }
  literal += template.slice(last);
  if (literal !== '') parts.push(literal);
  return parts;
}

/** Every placeholder name a set of parsed templates uses. */
export function collectPlaceholders(templates: readonly ParsedTemplate[]): Set<string> {
  const names = new Set<string>();
  for (const template of templates) {
    for (const part of template) if (typeof part !== 'string') names.add(part.placeholder);
  }
  return names;
}

export type { PlaceholderName };
