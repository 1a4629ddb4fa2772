/**
 * The hint for a pipeline path that nothing matched and that is written as a shell glob
 * (`data/*.txt`): in a pipeline, `*`, `?` and `[...]` are plain characters, and a varying part
 * of a name is a named wildcard. Empty when the pattern has none of them.
 */
export function globHint(pattern: string): string {
  if (!/[*?[]/.test(pattern)) return '';
  const named = pattern.split('*').length === 2 ? pattern.replace('*', '{name}') : undefined;
  const example = named === undefined ? 'a named wildcard, `data/{name}.txt`' : `\`${named}\``;
  return `. A pipeline's paths are not shell globs (\`*\`, \`?\` and \`[...]\` are plain characters): name the part that varies, ${example}, one task per file, or gather them with \`all(...)\` of it`;
}
