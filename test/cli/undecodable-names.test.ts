import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// A file whose name is not valid UTF-8 (`caf\xe9.txt`, Latin-1) reaches Node.js as `caf\uFFFD.txt`,
// a name no file has. Before, `sluice map --in 'in/*'` ran `cat 'in/caf�.txt'`, which failed
// ("No such file"), and a pipeline planned a task for that name; `--in -` did the same. Now each
// is refused before anything runs, naming the file and what to do.

function folder(): string {
  const cwd = makeTempDir('sluice-undecodable-');
  fs.mkdirSync(path.join(cwd, 'in'));
  fs.writeFileSync(Buffer.concat([Buffer.from(`${cwd}/in/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'latin\n');
  fs.writeFileSync(path.join(cwd, 'in/good.txt'), 'good\n');
  // A name that holds U+FFFD itself, as valid UTF-8, is a file like any other.
  fs.writeFileSync(path.join(cwd, 'in/odd\uFFFD.txt'), 'odd\n');
  return cwd;
}

const REFUSAL = /The name of `in\/caf\uFFFD\.txt` \(matched by .*\) is not valid UTF-8 .*Rename it to UTF-8/;

describe('file names that are not valid UTF-8', { skip: process.platform !== 'linux' ? 'Linux file systems keep any bytes in a name' : false }, () => {
  it('are refused by `sluice map --in GLOB` before anything runs', async () => {
    const cwd = folder();
    const result = await runSluice(['map', '--in', 'in/*', '--out', 'o/{stem}', '--', 'cat'], { cwd });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, REFUSAL);
    assert.match(result.stderr, /glob `in\/\*` from `--in`/);
    assert.deepEqual(listFiles(path.join(cwd, 'o')), []);
    const narrower = await runSluice(['map', '--in', 'in/[go]*', '--out', 'o/{stem}', '--', 'cat'], { cwd });
    assert.equal(narrower.code, 0, narrower.stderr);
    assert.deepEqual(listFiles(path.join(cwd, 'o')), ['good', 'odd\uFFFD']);
  });

  it('are refused on standard input (`--in -`), naming the line', async () => {
    const cwd = folder();
    const stdin = Buffer.concat([Buffer.from('in/good.txt\nin/caf'), Buffer.from([0xe9]), Buffer.from('.txt\n')]);
    const result = await runSluice(['map', '--in', '-', '--out', 'o/{stem}', '--', 'cat'], { cwd, stdin });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Input 2 of standard input \(`--in -`\) \(`in\/caf\uFFFD\.txt`\) is not valid UTF-8/);
    assert.equal(fs.existsSync(path.join(cwd, 'o')), false);
  });

  it("are refused by a pipeline's input pattern, naming the pipeline file", async () => {
    const cwd = folder();
    fs.writeFileSync(
      path.join(cwd, 'pipeline.mjs'),
      "import { pipeline, step, cmd } from 'sluice';\nexport default pipeline({ copy: step({ in: 'in/{s}.txt', out: 'o/{s}', run: cmd('cp', '{in}', '{out}') }) });\n",
    );
    const result = await runSluice(['run'], { cwd });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, REFUSAL);
    assert.match(result.stderr, /matched by `in\/\{s\}\.txt` in .*pipeline\.mjs/);
    assert.equal(fs.existsSync(path.join(cwd, 'o')), false);
  });
});
