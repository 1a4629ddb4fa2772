import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constrainPathPattern, matchPathPattern, parsePathPattern } from '../../src/plan/path-pattern.ts';
import { PlanError } from '../../src/errors.ts';

// A step's `wildcards: { name: /regex/ }`: the linear matcher keeps only values its regex matches
// in full, agrees with a backtracking regex on whether a name matches, and stays bounded.

function constrained(source: string, constraints: Record<string, RegExp>) {
  const anchored = new Map(Object.entries(constraints).map(([name, regex]) => [name, new RegExp(`^(?:${regex.source})$`)]));
  return constrainPathPattern(parsePathPattern(source, 'the test'), anchored);
}

function reference(source: string, constraints: Record<string, RegExp>, candidate: string): boolean {
  const names: string[] = [];
  let regex = '';
  let last = 0;
  for (const match of source.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    const name = match[1] as string;
    regex += source.slice(last, match.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const seen = names.indexOf(name);
    regex += seen >= 0 ? `\\${seen + 1}` : `(${constraints[name]?.source ?? '[^/]+'})`;
    if (seen < 0) names.push(name);
    last = match.index + match[0].length;
  }
  regex += source.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${regex}$`).test(candidate);
}

describe('constrained wildcards', () => {
  it('keep only values their regex matches in full', () => {
    const pattern = constrained('data/{sample}.txt', { sample: /[A-Z]+/ });
    assert.deepEqual(matchPathPattern(pattern, 'data/ABC.txt'), { sample: 'ABC' });
    assert.equal(matchPathPattern(pattern, 'data/old.txt'), undefined);
    assert.equal(matchPathPattern(pattern, 'data/ABCd.txt'), undefined, 'anchored: a partial match is no match');
  });

  it('choose the split the constraints allow, not the longest', () => {
    const pattern = constrained('{sample}_{lane}.fq', { lane: /L\d+/ });
    assert.deepEqual(matchPathPattern(pattern, 'a_b_L001.fq'), { sample: 'a_b', lane: 'L001' });
    const first = constrained('{sample}_{rest}.fq', { sample: /[a-z]+/ });
    assert.deepEqual(matchPathPattern(first, 'ab_cd_ef.fq'), { sample: 'ab', rest: 'cd_ef' });
    const repeated = constrained('{a}-{b}/{a}.txt', { a: /x+/ });
    assert.deepEqual(matchPathPattern(repeated, 'xx-y-z/xx.txt'), { a: 'xx', b: 'y-z' });
  });

  it('agree with a backtracking regex on which names match', () => {
    const cases: [string, Record<string, RegExp>][] = [
      ['{a}_{b}_{c}', { b: /\d+/ }],
      ['{a}{b}', { a: /a+/, b: /b+/ }],
      ['x/{a}.{b}', { a: /[ab_]+/ }],
      ['{a}_{b}-{a}', { a: /a|ab/ }],
    ];
    const alphabet = ['a', 'b', '_', '-', '1', '.', 'x'];
    let seed = 7;
    const next = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    for (const [source, constraints] of cases) {
      const pattern = constrained(source, constraints);
      for (let i = 0; i < 2000; i += 1) {
        const length = 1 + next(10);
        let candidate = source.startsWith('x/') ? 'x/' : '';
        for (let j = 0; j < length; j += 1) candidate += alphabet[next(alphabet.length)];
        const found = matchPathPattern(pattern, candidate);
        assert.equal(found !== undefined, reference(source, constraints, candidate), `${source} on ${candidate}`);
        if (found === undefined) continue;
        for (const [name, regex] of Object.entries(constraints)) assert.match(found[name] as string, new RegExp(`^(?:${regex.source})$`));
      }
    }
  });

  it('stay bounded on a regex that backtracks, refusing with a plan error naming the pattern', { timeout: 60_000 }, () => {
    const pattern = constrained('{a}{b}{c}{d}', { a: /(?:x|xx)+y?/, b: /x+/, c: /x+/, d: /x+z/ });
    let error: unknown;
    try {
      matchPathPattern(pattern, 'x'.repeat(5000));
    } catch (caught) {
      error = caught;
    }
    if (error !== undefined) {
      assert.ok(error instanceof PlanError);
      assert.match((error as Error).message, /\{a\}\{b\}\{c\}\{d\}/);
    }
  });
});
