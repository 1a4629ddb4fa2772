import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { quoteArg, quoteArgv } from '../../src/kernel/quote-argv.ts';

// What a shell (/bin/sh unless told) makes of the quoted text, as an argv.
function parseWithShell(quoted: string, shell = '/bin/sh'): string[] {
  const out = execFileSync(shell, ['-c', `printf '%s\\0' ${quoted}`], { encoding: 'utf8', timeout: 5000 });
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
      '-n',
      '--',
      '*',
      '?[a]',
      '~root',
      'back\\slash\\',
      "''''",
      'non-ASCII: héllo ✓ 日本語',
      '#comment',
      '!bang',
      '{a,b}',
    ];
    assert.deepEqual(parseWithShell(quoteArgv(argv)), argv);
  });

  // A name with control characters (a newline, a tab, an escape sequence that would clear the
  // screen or recolour it) is shown in ANSI-C quotes: no raw control character reaches the
  // terminal, and bash (zsh, ksh, POSIX.1-2024 sh; not dash) reads it back as the same bytes.
  it('shows control characters as escapes that bash reads back', () => {
    const argv = ['first\nsecond\n', 'tab\there', '\u001b[2J\u001b[31mred.txt', "it's\u0007\\", 'del\u007f', 'c1\u0085x', 'A=\n'];
    const shown = quoteArgv(argv);
    assert.doesNotMatch(shown, /[\u0000-\u001f\u007f-\u009f]/);
    assert.equal(quoteArgv(['data/\u001b[2Jx']), "$'data/\\x1b[2Jx'");
    assert.deepEqual(parseWithShell(shown, 'bash'), argv);
  });

  it('keeps quoteArg, which quotes values in scripts /bin/sh runs, free of $\'...\'', () => {
    const argv = ['first\nsecond\n', 'tab\there', '\u001b[31m'];
    assert.deepEqual(parseWithShell(argv.map(quoteArg).join(' ')), argv);
  });
});
