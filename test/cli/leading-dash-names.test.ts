// A file whose name starts with `-` (`-n.txt`), found by `--in` (a glob or standard input), must
// reach the command as that file, not as an option: `cat -n.txt` failed ("invalid option"), and
// `rm {}` on a file named `-rf` would have been worse. sluice gives such files as `./-n.txt`, as
// `find` prints them. Literal `:::` inputs stay as written: `::: -1 -9` may mean options.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

function project(): string {
  const dir = makeTempDir('sluice-dash-');
  fs.writeFileSync(path.join(dir, '-n.txt'), 'dash\n');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'plain\n');
  return dir;
}

describe('file names with a leading dash', () => {
  it('reads `-n.txt` as a file from --in GLOB, and keeps {name} as the name', async () => {
    const dir = project();
    const result = await runSluice(['map', '--in', '*.txt', '--out', 'o/{name}', '--', 'cat'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'o', '-n.txt'), 'utf8'), 'dash\n');
    assert.equal(fs.readFileSync(path.join(dir, 'o', 'a.txt'), 'utf8'), 'plain\n');
  });

  it('reads `-n.txt` as a file from --in -', async () => {
    const dir = project();
    const result = await runSluice(['map', '--in', '-', '--', 'cat'], { cwd: dir, stdin: '-n.txt\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'dash\n');
  });

  it('gives a pipeline step its input `-n.txt` as a file, in cmd() and sh() steps and gathers', async () => {
    const dir = project();
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, cmd, sh, all } from 'sluice';
export default pipeline({
  copy: step({ in: '{x}.txt', out: 'o/{x}.txt', run: cmd('cat', '{in}'), stdout: true }),
  shell: step({ in: '{x}.txt', out: 's/{x}.txt', run: sh('cat {in} > {out}') }),
  both: step({ in: { all: all('{x}.txt') }, out: 'all.txt', run: cmd('cat', '{in.all}'), stdout: true }),
});
`,
    );
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'o', '-n.txt'), 'utf8'), 'dash\n');
    assert.equal(fs.readFileSync(path.join(dir, 's', '-n.txt'), 'utf8'), 'dash\n');
    assert.equal(fs.readFileSync(path.join(dir, 'all.txt'), 'utf8'), 'dash\nplain\n');
  });

  it('leaves literal ::: arguments as written', async () => {
    const dir = project();
    const result = await runSluice(['map', '--', 'echo', ':::', '-n'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
  });
});
