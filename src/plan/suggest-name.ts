// "did you mean `out`?" for a mistyped key: the known name closest in edit distance, or the one
// a common other spelling stands for (`input` for `in`, `threads` for `cpus`).

/** The known name `name` was probably meant to be, if one is close enough. */
export function suggestName(
  name: string,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): string | undefined {
  const lower = name.toLowerCase();
  const alias = aliases[lower];
  if (alias !== undefined && known.includes(alias)) return alias;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Two edits for names of four letters or more (`ouput` → `out`, `parms` → `params`), else one.
  if (best !== undefined && bestDistance <= (Math.max(lower.length, best.length) >= 4 ? 2 : 1)) return best;
  return known.find((candidate) => candidate.length >= 2 && (lower.startsWith(candidate) || candidate.startsWith(lower)));
}

// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j += 1) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = value;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** `; did you mean \`copy\`?` for a mistyped step name or target, or '' when none is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const suggestion = suggestName(name, known);
  return suggestion === undefined || suggestion === name ? '' : `; did you mean \`${suggestion}\`?`;
}
