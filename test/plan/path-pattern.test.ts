import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlanError } from '../../src/errors.ts';
import { matchPathPattern, parsePathPattern, testPathPattern } from '../../src/plan/path-pattern.ts';

// The regex sluice matched with before the linear matcher: the semantics to keep (a wildcard is
// one or more characters without `/`, greedy from the left; a repeated name matches the same text).
function regexMatch(source: string, candidate: string): Record<string, string> | undefined {
  const names: string[] = [];
  let regex = '';
  let last = 0;
  for (const match of source.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    const name = match[1] as string;
    regex += escapeRegex(source.slice(last, match.index));
    const seen = names.indexOf(name);
    regex += seen >= 0 ? `(?:\\${seen + 1})` : '([^/]+)';
    if (seen < 0) names.push(name);
    last = match.index + match[0].length;
  }
  regex += escapeRegex(source.slice(last));
  const found = new RegExp(`^${regex}$`).exec(candidate);
  if (found === null) return undefined;
  return Object.fromEntries(names.map((name, index) => [name, found[index + 1] as string]));
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// A small deterministic generator, so a failure can be replayed.
function createRandom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state % below;
  };
}

describe('path patterns', () => {
  it('match as the greedy regex did, on many random names and patterns', () => {
    const random = createRandom(12);
    const alphabet = ['a', 'b', '_', '.', '/', 'a', '_'];
    const names = ['x', 'y', 'z'];
    const text = (length: number): string => Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
    let matched = 0;
    for (let round = 0; round < 20_000; round++) {
      let source = text(random(3));
      const wildcards = 1 + random(4);
      for (let i = 0; i < wildcards; i++) source += `{${names[random(names.length)]}}${text(random(3))}`;
      const pattern = parsePathPattern(source, 'a test');
      // Names built from the pattern (filled with random texts) match often; random ones rarely.
      const candidate = random(2) === 0 ? text(random(12)) : source.replace(/\{[a-z]\}/g, () => text(1 + random(3)));
      const expected = regexMatch(source, candidate);
      assert.deepEqual(matchPathPattern(pattern, candidate), expected, `${source} against ${candidate}`);
      assert.equal(testPathPattern(pattern, candidate), expected !== undefined);
      if (expected !== undefined) matched++;
    }
    assert.ok(matched > 2_000, `only ${matched} of the random cases matched`);
  });

  it('take the longest text for the first wildcard when several splits match', () => {
    const pattern = parsePathPattern('{sample}_{read}.fastq', 'a test');
    assert.deepEqual(matchPathPattern(pattern, 'a_b_c.fastq'), { sample: 'a_b', read: 'c' });
    assert.deepEqual(matchPathPattern(parsePathPattern('{a}/{b}_{a}.txt', 'a test'), 'x_y/z_x_y.txt'), { a: 'x_y', b: 'z' });
    assert.equal(matchPathPattern(pattern, 'a/b_c.fastq'), undefined, 'a wildcard does not cross `/`');
    assert.equal(matchPathPattern(pattern, '_c.fastq'), undefined, 'a wildcard matches at least one character');
  });

  it('match many wildcards against a name full of separators without blowing up', { timeout: 20_000 }, () => {
    // The regex took 2.1 s per name with 8 wildcards, 54 s with 10, and never ended with 24.
    const source = Array.from({ length: 24 }, (_, index) => `{w${index}}`).join('_') + '.fastq';
    const pattern = parsePathPattern(source, 'a test');
    const name = `${'a_'.repeat(40)}a.fq`;
    for (let i = 0; i < 100; i++) assert.equal(matchPathPattern(pattern, name), undefined);
    const matching = `${'a_'.repeat(40)}a.fastq`;
    const values = matchPathPattern(pattern, matching);
    assert.equal(values?.w0, 'a_'.repeat(17) + 'a');
    assert.equal(values?.w23, 'a');
  });

  it('match repeated wildcards against hostile names in bounded time', { timeout: 20_000 }, () => {
    const source = `${Array.from({ length: 12 }, (_, index) => `{w${index}}`).join('_')}_{w0}.fastq`;
    const pattern = parsePathPattern(source, 'a test');
    assert.equal(matchPathPattern(pattern, `${'a_'.repeat(60)}b.fastq`), undefined);
    assert.deepEqual(matchPathPattern(pattern, `b_${'a_'.repeat(30)}b.fastq`)?.w0, 'b');
  });
  it('refuses, naming the pattern, a name that repeated wildcards could split in billions of ways', { timeout: 60_000 }, () => {
    // Back-references make matching NP-hard: this one never finished before the walk was bounded.
    const pattern = parsePathPattern('{a}{b}{c}{d}{e}{f}{g}{h}-{a}{b}{c}{d}{e}{f}{g}{h}', 'a test');
    const name = `${'a'.repeat(100)}-${'a'.repeat(99)}`;
    assert.throws(() => matchPathPattern(pattern, name), (error: Error) => error instanceof PlanError && /is too ambiguous to match/.test(error.message));
    assert.deepEqual(matchPathPattern(pattern, 'abcdefgh-abcdefgh'), { a: 'a', b: 'b', c: 'c', d: 'd', e: 'e', f: 'f', g: 'g', h: 'h' });
  });
});
