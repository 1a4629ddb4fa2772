import path from 'node:path';

// The names `map` templates understand. Each expands to exactly one argument's worth of text.
export const INPUT_PLACEHOLDERS = {
  '': (input: string): string => input,
  in: (input: string): string => input,
  name: (input: string): string => path.basename(input),
  stem: (input: string): string => stripExtension(path.basename(input)),
  ext: (input: string): string => path.extname(input),
  dir: (input: string): string => path.dirname(input),
  '.': (input: string): string => stripExtension(input),
  '/': (input: string): string => path.basename(input),
  '//': (input: string): string => path.dirname(input),
  '/.': (input: string): string => stripExtension(path.basename(input)),
} as const satisfies Record<string, (input: string) => string>;

/** Placeholders that are not derived from the input path. */
export const OTHER_PLACEHOLDERS = ['out', '#'] as const;

export type PlaceholderName = keyof typeof INPUT_PLACEHOLDERS | (typeof OTHER_PLACEHOLDERS)[number];

export const PLACEHOLDER_NAMES: readonly string[] = [
  ...Object.keys(INPUT_PLACEHOLDERS),
  ...OTHER_PLACEHOLDERS,
];

// GNU Parallel's {.}: the path without its last extension, keeping the folder. path.extname is
// path.parse's `ext` without building the whole parsed object (a million-task plan calls this).
function stripExtension(input: string): string {
  const ext = path.extname(input);
  return ext === '' ? input : input.slice(0, -ext.length);
}

/** Whether `name` is a placeholder this template language defines. */
export function isPlaceholderName(name: string): name is PlaceholderName {
  return PLACEHOLDER_NAMES.includes(name);
}
