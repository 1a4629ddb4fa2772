import type { Arg, ArgPart } from './task.ts';
import { INPUT_PLACEHOLDERS } from './placeholders.ts';
import type { ParsedTemplate } from './parse-template.ts';
import { bug } from '../errors.ts';
import { quoteArg } from '../process/quote-argv.ts';

export interface ExpandContext {
  readonly input: string;
  readonly taskNumber: number;
  /** Whether the task has an output that `{out}` refers to (output index 0). */
  readonly hasOutput: boolean;
  /** Shell scripts get each substituted value quoted, so it stays one word. */
  readonly quoteValues?: boolean;
}

/** Expands one parsed template into parts; `{out}` stays a symbolic reference to output 0. */
export function expandParts(template: ParsedTemplate, context: ExpandContext): ArgPart[] {
  const parts: ArgPart[] = [];
  for (const part of template) {
    if (typeof part === 'string') appendText(parts, part);
    else if (part.placeholder === 'out') {
      if (!context.hasOutput) bug('`{out}` expanded for a task without an output');
      parts.push({ output: 0 });
    } else if (part.placeholder === '#') appendText(parts, String(context.taskNumber));
    else {
      const derive = INPUT_PLACEHOLDERS[part.placeholder as keyof typeof INPUT_PLACEHOLDERS];
      if (derive === undefined) bug(`placeholder {${part.placeholder}} has no expansion`);
      const value = derive(context.input);
      appendText(parts, context.quoteValues === true ? quoteArg(value) : value);
    }
  }
  return parts;
}

/** Expands one template into one argv element: plain text unless it refers to an output. */
export function expandArg(template: ParsedTemplate, context: ExpandContext): Arg {
  const parts = expandParts(template, context);
  if (parts.every((part) => typeof part === 'string')) return parts.join('');
  return { parts };
}

function appendText(parts: ArgPart[], text: string): void {
  const last = parts.at(-1);
  if (typeof last === 'string') parts[parts.length - 1] = last + text;
  else parts.push(text);
}
