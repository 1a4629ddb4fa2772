// Matches a path against literal text and wildcards without backtracking blow-up. A regex such as
// `^([^/]+)_([^/]+)_…$` backtracks exponentially in the number of wildcards (10 wildcards against
// a name with 40 underscores took 54 s); this matcher first computes, right to left, from which
// positions the rest of the pattern can still match, then walks left to right taking for each
// wildcard the longest text after which the rest can match. That is the answer the greedy regex
// gives (wildcard 1 as long as possible, then wildcard 2, …) in O(length × pattern length).
//
// A wildcard that appears again must match the same text (a back-reference). The table treats a
// repeat as a free wildcard, a necessary condition, so the walk may still fail after a choice and
// try a shorter one; failures are remembered by (wildcard, position, the texts of the earlier
// wildcards still to be repeated), so the work stays polynomial (linear when nothing repeats).
//
// A constrained wildcard (`wildcards: { sample: /[A-Z]+/ }`) must match its regex in full. Its row
// of the table is then computed exactly, by trying each end within the segment (a regex test per
// start and end: at most the segment's length squared, counted against the same budget), and
// the walk tests the text it takes; an unconstrained wildcard keeps the linear row.

export interface WildcardOccurrence {
  /** Index of the wildcard (by first appearance); a repeat has the index of its first occurrence. */
  readonly wildcard: number;
  /** True for the first occurrence of this wildcard. */
  readonly first: boolean;
  /** Literal text right after this occurrence, up to the next wildcard or the end. */
  readonly literal: string;
}

export interface WildcardShape {
  /** Literal text before the first wildcard. */
  readonly head: string;
  readonly occurrences: readonly WildcardOccurrence[];
  readonly wildcardCount: number;
  /** Some wildcard appears more than once. */
  readonly repeats: boolean;
  /** By wildcard index: a regex its text must match in full (anchored), or undefined. */
  readonly constraints?: readonly (RegExp | undefined)[] | undefined;
}

/** The text of each wildcard (by index), or undefined when the candidate does not match. */
export function matchWildcards(shape: WildcardShape, candidate: string): string[] | undefined {
  const { head, occurrences } = shape;
  const n = candidate.length;
  if (!candidate.startsWith(head)) return undefined;
  const count = occurrences.length;
  if (count === 0) return n === head.length ? [] : undefined;
  const last = occurrences[count - 1] as WildcardOccurrence;
  if (!candidate.endsWith(last.literal) || n - last.literal.length <= head.length) return undefined;
  if (count === 1) {
    // One wildcard: the text between head and tail, if it holds no `/`.
    const text = candidate.slice(head.length, n - last.literal.length);
    if (text.includes('/')) return undefined;
    const constraint = shape.constraints?.[0];
    return constraint === undefined || constraint.test(text) ? [text] : undefined;
  }
  const constraints = shape.constraints;
  let budget = REPEAT_BUDGET;
  // Whether a constrained occurrence's text candidate[p, e) matches its regex.
  const accepts = (occurrence: WildcardOccurrence, p: number, e: number): boolean => {
    const constraint = occurrence.first ? constraints?.[occurrence.wildcard] : undefined;
    if (constraint === undefined) return true;
    if (--budget < 0) throw new TooAmbiguousError('constraint');
    return constraint.test(candidate.slice(p, e));
  };
  // slashAt[p]: the first `/` at or after p (n when none): a wildcard from p ends at most there.
  const width = n + 1;
  const slashAt = scratchSlashes(width);
  slashAt[n] = n;
  for (let p = n - 1; p >= head.length; p--) slashAt[p] = candidate.charCodeAt(p) === 47 ? p : (slashAt[p + 1] as number);
  // can[j * width + p]: occurrences j… can match candidate[p…]; row `count` is the end.
  const can = scratchTable((count + 1) * width);
  can[count * width + n] = 1;
  for (let j = count - 1; j >= 0; j--) {
    const occurrence = occurrences[j] as WildcardOccurrence;
    const { literal } = occurrence;
    const next = (j + 1) * width + literal.length;
    const row = j * width;
    if (occurrence.first && constraints?.[occurrence.wildcard] !== undefined) {
      for (let p = n - literal.length; p >= head.length; p--) {
        for (let e = Math.min(slashAt[p] as number, n - literal.length); e > p; e--) {
          if (can[next + e] === 1 && (literal === '' || candidate.startsWith(literal, e)) && accepts(occurrence, p, e)) {
            can[row + p] = 1;
            break;
          }
        }
      }
      continue;
    }
    let nearest = n + 1; // the smallest end e > p after which the rest matches
    for (let p = n - literal.length; p >= head.length; p--) {
      if (nearest <= (slashAt[p] as number)) can[row + p] = 1;
      if (can[next + p] === 1 && (literal === '' || candidate.startsWith(literal, p))) nearest = p;
    }
  }
  if (can[head.length] !== 1) return undefined;
  if (shape.repeats) return walkWithRepeats(shape, candidate, can, slashAt, accepts);
  // Nothing repeats: the table is exact, so the longest end it allows for each wildcard is the answer.
  const texts: string[] = new Array<string>(count);
  let p = head.length;
  for (let j = 0; j < count; j++) {
    const occurrence = occurrences[j] as WildcardOccurrence;
    const { literal } = occurrence;
    const next = (j + 1) * width + literal.length;
    let end = slashAt[p] as number;
    while (can[next + end] !== 1 || !candidate.startsWith(literal, end) || !accepts(occurrence, p, end)) end--;
    texts[j] = candidate.slice(p, end);
    p = end + literal.length;
  }
  return texts;
}

// Reused between calls (matching is synchronous): a fresh typed array per name costs more than the match.
let slashes = new Int32Array(256);
let table = new Uint8Array(1024);

function scratchSlashes(size: number): Int32Array {
  if (slashes.length < size) slashes = new Int32Array(Math.max(size, slashes.length * 2));
  return slashes;
}

function scratchTable(size: number): Uint8Array {
  if (table.length < size) table = new Uint8Array(Math.max(size, table.length * 2));
  else table.fill(0, 0, size);
  return table;
}

/**
 * Matching with repeated wildcards is matching with back-references, NP-hard in general: a name
 * such as 100 `a`s, `-`, 99 `a`s against `{a}…{h}-{a}…{h}` has billions of ways to split. Past
 * this many steps of the walk, the match is abandoned with TooAmbiguousError, which the planner
 * turns into an error naming the pattern and the name; ordinary patterns take a few dozen steps.
 */
export const REPEAT_BUDGET = 400_000;

/** Thrown by matchWildcards when a pattern's repeated wildcards leave too many ways to split a name. */
export class TooAmbiguousError extends Error {
  override name = 'TooAmbiguousError';
  /** What used the budget up: the walk of repeated wildcards, or the tests of constrained ones. */
  readonly reason: 'repeats' | 'constraint';

  constructor(reason: 'repeats' | 'constraint' = 'repeats') {
    super(reason);
    this.reason = reason;
  }
}

// Some wildcard repeats: choices are tried longest first, failures remembered with what they depend on.
function walkWithRepeats(
  shape: WildcardShape,
  candidate: string,
  can: Uint8Array,
  slashAt: Int32Array,
  accepts: (occurrence: WildcardOccurrence, p: number, e: number) => boolean,
): string[] | undefined {
  const { occurrences } = shape;
  const count = occurrences.length;
  const n = candidate.length;
  const width = n + 1;
  const texts: string[] = new Array<string>(shape.wildcardCount);
  const failed = new Set<string>();
  const live = liveWildcards(occurrences);
  let budget = REPEAT_BUDGET;
  const walk = (j: number, p: number): boolean => {
    if (j === count) return p === n;
    if (--budget < 0) throw new TooAmbiguousError();
    const occurrence = occurrences[j] as WildcardOccurrence;
    const { literal } = occurrence;
    const key = `${j}:${p}:${(live[j] as number[]).map((index) => texts[index]).join('\0')}`;
    if (failed.has(key)) return false;
    if (!occurrence.first) {
      const text = texts[occurrence.wildcard] as string;
      const end = p + text.length;
      if (candidate.startsWith(text, p) && end <= (slashAt[p] as number) && candidate.startsWith(literal, end) && walk(j + 1, end + literal.length)) {
        return true;
      }
    } else {
      const next = (j + 1) * width;
      for (let end = slashAt[p] as number; end > p; end--) {
        const after = end + literal.length;
        if (after > n || can[next + after] !== 1 || !candidate.startsWith(literal, end) || !accepts(occurrence, p, end)) continue;
        texts[occurrence.wildcard] = candidate.slice(p, end);
        if (walk(j + 1, after)) return true;
      }
    }
    failed.add(key);
    return false;
  };
  return walk(0, shape.head.length) ? texts : undefined;
}

// For each occurrence j, the wildcards bound before j and repeated at j or later: what the rest of
// the walk depends on besides the position.
function liveWildcards(occurrences: readonly WildcardOccurrence[]): number[][] {
  return occurrences.map((_, j) => {
    const before = new Set(occurrences.slice(0, j).map((occurrence) => occurrence.wildcard));
    const later = new Set(occurrences.slice(j).filter((occurrence) => !occurrence.first).map((occurrence) => occurrence.wildcard));
    return [...before].filter((index) => later.has(index));
  });
}
