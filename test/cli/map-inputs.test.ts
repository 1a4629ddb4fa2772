import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// File names that break naive scripts: each must reach the program as one untouched argument.
const HOSTILE = [
  'plain.txt',
  'with space.txt',
  "it's quoted.txt",
  'double"quote.txt',
  '$(touch INJECTED).txt',
  '`touch INJECTED2`.txt',
  'semi;colon.txt',
  'pi|pe.txt',
  'new\nline.txt',
  '-rf',
  '--help',
  'ümlaut ✓ 数据.txt',
  'star*.txt',
  'back\\slash.txt',
  'amp&er.txt',
  'tab\tname.txt',
];

function hostileFolder(): string {
  const cwd = makeTempDir();
  fs.mkdirSync(path.join(cwd, 'in'));
  HOSTILE.forEach((name, index) => {
    fs.writeFileSync(path.join(cwd, 'in', name), `content of file ${index}\n${name}\n\0binary\xff`);
  });
  return cwd;
}

describe('sluice map inputs', () => {
  it('runs cat over hostile names with every output byte-identical and nothing injected', async () => {
    const cwd = hostileFolder();
    const result = await runSluice(['map', '-j', '4', '--in', 'in/*', '--out', 'out/{name}', '--', 'cat'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    for (const name of HOSTILE) {
      assert.deepEqual(fs.readFileSync(path.join(cwd, 'out', name)), fs.readFileSync(path.join(cwd, 'in', name)), name);
    }
    assert.deepEqual(listFiles(path.join(cwd, 'out')), [...HOSTILE].sort());
    assert.ok(!fs.existsSync(path.join(cwd, 'INJECTED')) && !fs.existsSync(path.join(cwd, 'INJECTED2')));
  });

  it('passes hostile names through {} in an argument of its own, under --shell too', async () => {
    const cwd = hostileFolder();
    const args = ['map', '-k', '--in', 'in/*', '--', 'node', '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1))+"\\n")', 'x{}y'];
    const result = await runSluice(args, { cwd });
    assert.equal(result.code, 0, result.stderr);
    const sorted = HOSTILE.map((name) => `in/${name}`).sort((a, b) => (a < b ? -1 : 1));
    assert.deepEqual(result.stdout.trim().split('\n').map((line) => JSON.parse(line)), sorted.map((name) => [`x${name}y`]));
    const shell = await runSluice(['map', '-k', '--shell', '--in', 'in/*', '--', 'printf "%s|" {}; echo'], { cwd });
    assert.equal(shell.code, 0, shell.stderr);
    assert.equal(shell.stdout, sorted.map((name) => `${name}|\n`).join(''));
    assert.ok(!fs.existsSync(path.join(cwd, 'INJECTED')) && !fs.existsSync(path.join(cwd, 'INJECTED2')));
  });

  it('takes literal inputs after ::: and appends the input when no placeholder is named', async () => {
    const cwd = makeTempDir();
    const result = await runSluice(['map', '-k', '--', 'echo', 'value:', ':::', 'a', 'b c', '-n'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'value: a\nvalue: b c\nvalue: -n\n');
  });

  it('reads inputs from standard input, by line or NUL-separated', async () => {
    const cwd = makeTempDir();
    const lines = await runSluice(['map', '-k', '--in', '-', '--', 'echo', '<{}>'], { cwd, stdin: 'one\ntwo words\n\nthree\n' });
    assert.equal(lines.stdout, '<one>\n<two words>\n<three>\n');
    const nul = await runSluice(['map', '-k', '-0', '--in', '-', '--', 'echo', '<{}>'], { cwd, stdin: 'multi\nline\0b\0' });
    assert.equal(nul.stdout, '<multi\nline>\n<b>\n');
  });

  it('names an empty input as empty when it is hashed, never as the folder it runs in', async () => {
    const cwd = makeTempDir();
    fs.writeFileSync(path.join(cwd, 'a.txt'), 'a');
    fs.writeFileSync(path.join(cwd, 'b.txt'), 'b');
    const script = ['sh', '-c', 'echo ran >> ran.log; cat "$1"', 'sh'];
    const nul = await runSluice(['map', '-0', '--in', '-', '--out', 'o/{name}', '--', ...script], { cwd, stdin: 'a.txt\0\0b.txt\0' });
    assert.equal(nul.code, 2, nul.stderr);
    assert.match(nul.stderr, /Expected input 2 of `sluice map` \(from `--in -`\) to be a file name, got an empty one/);
    assert.doesNotMatch(nul.stderr, /got a folder|'\/\*'/);
    const literal = await runSluice(['map', '--out', 'o/{name}', '--', ...script, ':::', 'a.txt', ''], { cwd });
    assert.equal(literal.code, 2, literal.stderr);
    assert.match(literal.stderr, /Expected input 2 of `sluice map` \(from `:::`\) to be a file name, got an empty one/);
    assert.deepEqual(listFiles(cwd).filter((file) => !file.startsWith('.sluice')), ['a.txt', 'b.txt'], 'nothing ran');
  });

  it('refuses a NUL byte in a line of standard input, pointing at -0', async () => {
    const cwd = makeTempDir();
    fs.writeFileSync(path.join(cwd, 'a.txt'), 'a');
    for (const out of [[], ['--out', 'o/{#}']]) {
      const result = await runSluice(['map', '--in', '-', ...out, '--', 'sh', '-c', 'echo ran >> ran.log; cat "$1"', 'sh'], { cwd, stdin: 'a.txt\0b.txt\0' });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^sluice: Input 1 of standard input \(`--in -`\) holds a NUL byte: for NUL-separated names \(`find -print0`\), give `-0`\n$/);
    }
    assert.deepEqual(listFiles(cwd).filter((file) => !file.startsWith('.sluice')), ['a.txt'], 'nothing ran');
  });

  it('plans 200,000 inputs from standard input', async () => {
    const cwd = makeTempDir();
    const lines = Array.from({ length: 200_000 }, (_, index) => `f${index}`).join('\n');
    const result = await runSluice(['map', '--dry-run', '--in', '-', '--out', 'out/{}.txt', '--', 'cp', '{}', '{out}'], { cwd, stdin: lines });
    assert.equal(result.code, 0, result.stderr);
    // The dry run of `sluice run`: one line per task, named, then the count.
    const printed = result.stdout.split('\n');
    assert.equal(printed.length, 200_002);
    assert.equal(printed[199_999], 'map[in=f199999]: cp f199999 out/f199999.txt');
    assert.equal(printed[200_000], '200000 tasks would run');
    assert.equal(fs.existsSync(path.join(cwd, '.sluice')), false, 'a dry run where nothing ran makes no state');
  });

  it('matches dotfiles only with --dot, and names a glob that matches nothing', async () => {
    const cwd = makeTempDir();
    fs.writeFileSync(path.join(cwd, '.hidden.txt'), 'h');
    fs.writeFileSync(path.join(cwd, 'seen.txt'), 's');
    const plain = await runSluice(['map', '-k', '--in', '*.txt', '--', 'cat'], { cwd });
    assert.equal(plain.stdout, 's');
    const dot = await runSluice(['map', '-k', '--dot', '--in', '*.txt', '--', 'cat'], { cwd });
    assert.equal(dot.stdout, 'hs');
    const none = await runSluice(['map', '--in', '*.json', '--', 'cat'], { cwd });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No file matches glob `\*\.json` from `--in`/);
  });
});
