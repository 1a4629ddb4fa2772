import type { Arg, ArgPart } from '../kernel/task.ts';
import { INPUT_PLACEHOLDERS } from './placeholders.ts';
import type { ParsedTemplate } from './parse-template.ts';
import { bug } from '../errors.ts';
import { quoteArg } from '../kernel/quote-argv.ts';

/** What a placeholder stands for: text, a task output, or (a gather) several paths. */
export type PlaceholderValue = string | { readonly output: number } | { readonly threads: true } | { readonly list: readonly string[] };

/** Looks a placeholder name up; undefined for a name the template checker let through by mistake. */
export type ResolvePlaceholder = (name: string) => PlaceholderValue | undefined;

export interface ExpandContext {
  readonly resolve: ResolvePlaceholder;
  /** Shell scripts get each substituted value quoted, so it stays one word. */
  readonly quoteValues?: boolean;
}

// `{out}` of every `sluice map` task: one shared object, not one per task (tasks are read-only data).
const FIRST_OUTPUT: { readonly output: number } = Object.freeze({ output: 0 });

/** The placeholders of `sluice map`: the input's derived names, `{#}` and `{out}` (output 0). */
// `{threads}`: the cpus the task holds, known only where it runs (render-action.ts).
const THREADS = Object.freeze({ threads: true } as const);

export function resolveInputPlaceholders(input: string, taskNumber: number, hasOutput: boolean): ResolvePlaceholder {
  return (name) => {
    if (name === 'out') return hasOutput ? FIRST_OUTPUT : undefined;
    if (name === '#') return String(taskNumber);
    if (name === 'threads') return THREADS;
    const derive = INPUT_PLACEHOLDERS[name as keyof typeof INPUT_PLACEHOLDERS];
    return derive === undefined ? undefined : derive(input);
  };
}

/** Expands one parsed template into parts; outputs stay symbolic references. */
export function expandParts(template: ParsedTemplate, context: ExpandContext): ArgPart[] {
  const parts: ArgPart[] = [];
  for (const part of template) {
    if (typeof part === 'string') {
      appendText(parts, part);
      continue;
    }
    const value = context.resolve(part.placeholder) ?? bug(`placeholder {${part.placeholder}} has no value`);
    if (typeof value === 'string') appendText(parts, context.quoteValues === true ? quoteArg(value) : value);
    else if ('output' in value || 'threads' in value) parts.push(value);
    else appendText(parts, value.list.map((item) => (context.quoteValues === true ? quoteArg(item) : item)).join(' '));
  }
  return parts;
}

/**
 * Expands one template word into argv elements: exactly one, except a word that is nothing but
 * a gather placeholder, which becomes one argument per gathered path.
 */
export function expandArgs(template: ParsedTemplate, context: ExpandContext): Arg[] {
  const only = template.length === 1 ? template[0] : undefined;
  if (only !== undefined && typeof only !== 'string') {
    const value = context.resolve(only.placeholder);
    if (value !== undefined && typeof value !== 'string' && 'list' in value) return [...value.list];
  }
  return [expandArg(template, context)];
}

/** Expands one template word that holds no gather placeholder into its one argv element. */
export function expandArg(template: ParsedTemplate, context: ExpandContext): Arg {
  const only = template.length === 1 ? template[0] : undefined;
  if (only !== undefined && typeof only !== 'string') {
    const value = context.resolve(only.placeholder);
    // The common `{in}`: the value itself, without resolving it again into parts.
    if (typeof value === 'string' && context.quoteValues !== true) return value;
  }
  const parts = expandParts(template, context);
  if (parts.every((part) => typeof part === 'string')) return parts.length === 1 ? parts[0] as string : parts.join('');
  return { parts };
}

/** Expands a template that must give plain text (an output path, say). */
export function expandText(template: ParsedTemplate, context: ExpandContext): string {
  const parts = expandParts(template, context);
  if (!parts.every((part) => typeof part === 'string')) bug('a path template refers to an output');
  return parts.join('');
}

function appendText(parts: ArgPart[], text: string): void {
  const last = parts.at(-1);
  if (typeof last === 'string') parts[parts.length - 1] = last + text;
  else parts.push(text);
}
