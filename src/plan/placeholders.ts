import path from 'node:path';

// The names `map` templates understand. Each expands to exactly one argument's worth of text.
export const INPUT_PLACEHOLDERS = {
  '': (input: string): string => input,
  in: (input: string): string => input,
  name: (input: string): string => path.basename(input),
  stem: (input: string): string => path.parse(input).name,
  ext: (input: string): string => path.parse(input).ext,
  dir: (input: string): string => path.dirname(input),
  '.': (input: string): string => stripExtension(input),
  '/': (input: string): string => path.basename(input),
  '//': (input: string): string => path.dirname(input),
  '/.': (input: string): string => path.parse(input).name,
} as const satisfies Record<string, (input: string) => string>;

/** Placeholders that are not derived from the input path. */
export const OTHER_PLACEHOLDERS = ['out', '#'] as const;

export type PlaceholderName = keyof typeof INPUT_PLACEHOLDERS | (typeof OTHER_PLACEHOLDERS)[number];

export const PLACEHOLDER_NAMES: readonly string[] = [
  ...Object.keys(INPUT_PLACEHOLDERS),
  ...OTHER_PLACEHOLDERS,
];

// GNU Parallel's {.}: the path without its last extension, keeping the folder.
function stripExtension(input: string): string {
  const ext = path.parse(input).ext;
  return ext === '' ? input : input.slice(0, -ext.length);
}

/** Whether `name` is a placeholder this template language defines. */
export function isPlaceholderName(name: string): name is PlaceholderName {
  return PLACEHOLDER_NAMES.includes(name);
}
