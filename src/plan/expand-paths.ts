// expand(): the paths a pattern gives for lists of wildcard values, as Snakemake's expand().

/** Values of a step's wildcards: a list of values, or a regular expression they must match in full. */
export type WildcardValues = Readonly<Record<string, readonly (string | number)[] | RegExp>>;

/**
 * The paths `pattern` gives for every combination of the values (the product, the first key
 * varying slowest): `expand('mapped/{sample}.{ext}', { sample: ['A', 'B'], ext: ['bam', 'bai'] })`
 * is `mapped/A.bam`, `mapped/A.bai`, `mapped/B.bam`, `mapped/B.bai`. A list of them as an input
 * (`in: { bams: expand(...) }`) is a gather over exactly those paths. Wildcards without values
 * stay as they are; a value given for a name the pattern lacks is an error, as is a value that
 * is not a string or a number.
 */
export function expand(pattern: string, values: Readonly<Record<string, string | number | readonly (string | number)[]>>): string[] {
  if (typeof pattern !== 'string') throw new Error(`Expected the pattern of expand() to be a string, got ${typeof pattern}`);
  let paths = [pattern];
  for (const [name, given] of Object.entries(values ?? {})) {
    const list = Array.isArray(given) ? (given as readonly unknown[]) : [given];
    const words = list.map((value, index) => {
      if ((typeof value !== 'string' || value === '') && (typeof value !== 'number' || !Number.isFinite(value))) {
        throw new Error(`Expected the values of \`${name}\` in expand('${pattern}', ...) to be strings or numbers, got \`${String(value)}\`${Array.isArray(given) ? ` at [${index}]` : ''}`);
      }
      if (String(value).includes('/')) {
        throw new Error(`Expected the values of \`${name}\` in expand('${pattern}', ...) to hold no \`/\` (a wildcard is one path segment), got \`${String(value)}\``);
      }
      return String(value);
    });
    const placeholder = `{${name}}`;
    if (!pattern.includes(placeholder)) throw new Error(`expand('${pattern}', ...) was given values of \`${name}\`, and the pattern has no \`${placeholder}\``);
    paths = paths.flatMap((path) => words.map((word) => path.split(placeholder).join(word)));
  }
  return paths;
}
