import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// A project in a folder whose name holds glob and placeholder characters, with a pipeline file
// whose name holds a space: it loads and runs (command, function and gather steps), from inside
// and with -C. Before, a `*` in the folder made esbuild read the entry point as a glob: "Expected
// .../pipeline.ts to `export default pipeline({...})`, got no default export". A `*` in the file's
// own name is refused with a message that says why.

const PIPELINE = `
import fs from 'node:fs';
import { pipeline, step, cmd, sh, all } from 'sluice';
export default pipeline({
  up: step({ in: 'data/{s}.txt', out: 'up/{s}.txt', run: cmd('cp', '{in}', '{out}') }),
  fn: step({ in: 'up/{s}.txt', out: 'fn/{s}.txt', run: ({ input, output }) => fs.copyFileSync(input, output) }),
  sum: step({ in: { x: all('fn/{s}.txt') }, out: 'sum.txt', run: sh('cat {in.x} > {out}') }),
});
`;

describe('a project in a folder named with `*`, `?`, `[`, `{` and spaces', () => {
  it('runs its pipeline, then finds it up to date; a `*` in the file name is refused', async () => {
    const dir = path.join(makeTempDir('sluice-odd-'), 'runs * {s} [1] ?');
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data/A.txt'), 'A\n');
    fs.writeFileSync(path.join(dir, 'data/B.txt'), 'B\n');
    fs.writeFileSync(path.join(dir, 'my pipeline.ts'), PIPELINE);
    const first = await runSluice(['run', '-f', 'my pipeline.ts'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'sum.txt'), 'utf8'), 'A\nB\n');
    const again = await runSluice(['run', '-C', dir, '-f', 'my pipeline.ts'], { cwd: path.dirname(dir) });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /5 tasks: 5 up to date/);
    fs.copyFileSync(path.join(dir, 'my pipeline.ts'), path.join(dir, 'p*.ts'));
    const starred = await runSluice(['run', '-n', '-f', 'p*.ts'], { cwd: dir });
    assert.equal(starred.code, 2, starred.stderr);
    assert.match(starred.stderr, /Expected the name of pipeline file .*p\*\.ts to hold no `\*`/);
  });
});
