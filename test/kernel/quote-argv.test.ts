import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { quoteArg, quoteArgv } from '../../src/kernel/quote-argv.ts';

// What /bin/sh makes of the quoted text, as an argv.
function parseWithShell(quoted: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${quoted}`], { encoding: 'utf8', timeout: 5000 });
  return out.split('\0').slice(0, -1);
}

describe('quoteArgv', () => {
  it('leaves plain words alone', () => {
    assert.equal(quoteArgv(['bowtie2', '-x', 'ref/genome.fa', '--threads=4', 'a_b@c%d+e:f,g']), 'bowtie2 -x ref/genome.fa --threads=4 a_b@c%d+e:f,g');
  });

  it('single-quotes everything else', () => {
    assert.equal(quoteArg(''), "''");
    assert.equal(quoteArg('two words'), "'two words'");
    assert.equal(quoteArg("it's"), `'it'\\''s'`);
    assert.equal(quoteArg('$HOME'), "'$HOME'");
    assert.equal(quoteArg('~'), "'~'");
  });

  it('quotes a leading assignment-like word, which sh would not run', () => {
    assert.equal(quoteArgv(['A=1', 'B=2']), "'A=1' B=2");
  });

  it('round-trips through /bin/sh', () => {
    const argv = [
      'plain',
      '',
      'two words',
      `"double" 'single' it's`,
      '$(touch /tmp/sluice-pwned)',
      '`id`',
      'a;b|c&d>e<f',
      'first\nsecond\n',
      '-n',
      '--',
      '*',
      '?[a]',
      '~root',
      'back\\slash\\',
      "''''",
      'tab\there',
      'non-ASCII: héllo ✓ 日本語',
      '#comment',
      '!bang',
      '{a,b}',
    ];
    assert.deepEqual(parseWithShell(quoteArgv(argv)), argv);
  });
});
