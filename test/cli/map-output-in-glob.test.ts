import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// The lesson's hazard: a derived output name the input glob also matches. Before, the first run
// of `--in '*.txt' --out '{stem}.out.txt'` succeeded and the second was refused ("An output path is
// also an input"), or, with other names, took yesterday's outputs for inputs. Now the first run
// is refused before anything runs, naming the glob and the output.
function folder(): string {
  const cwd = makeTempDir('sluice-out-in-glob-');
  fs.writeFileSync(path.join(cwd, 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(cwd, 'b.txt'), 'b\n');
  return cwd;
}

describe('sluice map refuses an --out that its --in glob matches', () => {
  for (const [glob, out] of [
    ['*.txt', '{stem}.out.txt'],
    ['./*.txt', '{stem}.out.txt'],
    ['**/*.txt', 'o/{stem}.txt'],
    ['*', 'copy-{name}'],
  ] as const) {
    it(`--in '${glob}' --out '${out}'`, async () => {
      const cwd = folder();
      const result = await runSluice(['map', '--in', glob, '--out', out, '--', 'cat'], { cwd });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`Expected \`--out\` to name files that \`--in ${glob.replace(/[.*]/g, '\\$&')}\` does not match, got \`[^\`]+\``));
      assert.deepEqual(listFiles(cwd).filter((file) => !file.startsWith('.sluice')), ['a.txt', 'b.txt']);
    });
  }

  it('also when one side is absolute', async () => {
    const cwd = folder();
    const result = await runSluice(['map', '--in', path.join(cwd, '*.txt'), '--out', '{stem}.x.txt', '--', 'cat'], { cwd });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /got `a\.x\.txt`/);
  });

  // The output's folder is the input folder under another name: a symlink to it, or the inputs
  // read through one. Compared as strings, `link/a.out.txt` is not `data/*.txt`; on disk it is.
  for (const [glob, out] of [
    ['data/*.txt', 'link/{stem}.out.txt'],
    ['link/*.txt', 'data/{stem}.out.txt'],
    ['data/*.txt', 'link/new/../{stem}.out.txt'],
  ] as const) {
    it(`also through a symlinked folder: --in '${glob}' --out '${out}'`, async () => {
      const cwd = makeTempDir('sluice-out-in-glob-link-');
      fs.mkdirSync(path.join(cwd, 'data'));
      fs.writeFileSync(path.join(cwd, 'data', 'a.txt'), 'a\n');
      fs.symlinkSync('data', path.join(cwd, 'link'));
      const result = await runSluice(['map', '--in', glob, '--out', out, '--', 'cat'], { cwd });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /does not match, got `[^`]*a\.out\.txt`/);
      assert.deepEqual(fs.readdirSync(path.join(cwd, 'data')), ['a.txt']);
    });
  }

  it('runs outputs the glob does not match, twice alike', async () => {
    const cwd = folder();
    for (const _ of [1, 2]) {
      const result = await runSluice(['map', '--in', '*.txt', '--out', 'o/{stem}.txt', '--', 'cat'], { cwd });
      assert.equal(result.code, 0, result.stderr);
    }
    const dotted = await runSluice(['map', '--in', '*', '--out', '.hidden-{name}', '--', 'cat'], { cwd });
    assert.equal(dotted.code, 0, 'without --dot, `*` matches no name that starts with a dot');
  });
});
