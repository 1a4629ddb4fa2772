import { PlanError } from '../errors.ts';
import { isPlaceholderName, PLACEHOLDER_NAMES, type PlaceholderName } from './placeholders.ts';
import { suggestName } from './suggest-name.ts';

export type TemplatePart = string | { readonly placeholder: string };

/** One template argument split into literal text and placeholders. */
export type ParsedTemplate = readonly TemplatePart[];

// Braces and what they hold. A known name is a placeholder whatever its characters (`{in.0}`,
// `{in.the-ref}`, `{param.min-len}`); an unknown one is an error when it looks like an attempt at
// a placeholder (`{nmae}`, `{in.2}`, `{#}`, `{/.}`, and, as known names may have them, names with
// dashes, more dots or a closing star: `{in.teh-ref}`, `{param.ref.pth}`, `{param.lst*}`), and
// literal text otherwise (awk's `{print $1}`, JSON, bash's `{a,b}`, `{a..c}` and, after a `$`,
// `${VAR-default}`), so common commands need no escaping.
const BRACES = /\{\{|\}\}|\{([^{}]*)\}/;
const ATTEMPT = /^(?:[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\*?|[#./]*)$/;
const ATTEMPT_AFTER_DOLLAR = /^(?:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?|[#./]*)$/;

/**
 * Splits one template string into parts. `{{` and `}}` are literal braces. `known` adds names
 * (pipeline wildcards) to the built-in placeholders; an unknown name is a PlanError, which lists
 * `usable` (the built-in names that work where the template is) and `known`.
 */
export function parseTemplate(
  template: string,
  where: string,
  known: readonly string[] = [],
  usable: readonly string[] = PLACEHOLDER_NAMES,
): ParsedTemplate {
  // An argument cannot hold one: the task would fail to start ("embedded null byte").
  if (template.includes('\0')) throw new PlanError(`Expected ${where} to hold no NUL byte, got ${JSON.stringify(template)}`);
  const parts: TemplatePart[] = [];
  let literal = '';
  let last = 0;
  const braces = new RegExp(BRACES.source, 'g');
  for (let match = braces.exec(template); match !== null; match = braces.exec(template)) {
    literal += template.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[0] === '{{') literal += '{';
    else if (match[0] === '}}') literal += '}';
    else {
      const name = match[1] ?? '';
      const isKnown = isPlaceholderName(name) || known.includes(name);
      if (!isKnown && !(template[match.index - 1] === '$' ? ATTEMPT_AFTER_DOLLAR : ATTEMPT).test(name)) {
        // Only the opening brace is text: what follows is read on (`{x }}` keeps its `}}` escape).
        literal += '{';
        last = match.index + 1;
        braces.lastIndex = last;
        continue;
      }
      if (!isKnown) {
        // `${HOME}` in a shell script: braces are sluice's, as in Snakemake.
        const variable = template[match.index - 1] === '$' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
        const meant = variable ? undefined : suggestName(name, [...usable, ...known].filter((candidate) => candidate.length > 1));
        throw new PlanError(
          `Unknown placeholder \`{${name}}\` in ${where}: \`${template}\`${meant === undefined ? '.' : `; did you mean \`{${meant}}\`?`} ` +
            `Known placeholders: ${[...usable, ...known].map((n) => `{${n}}`).join(' ')}. ` +
            (variable
              ? `For the shell variable \`\${${name}}\`, write \`$${name}\` or \`\${{${name}}}\` ({{ and }} are literal braces).`
              : 'Write {{ and }} for literal braces.'),
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
