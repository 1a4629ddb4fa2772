// A pipeline path written as a shell glob (`data/*.txt`): in a pipeline `*` is a plain character,
// so nothing matches. The plan error says so and what to write instead, for a step's input, a
// gathered input and a fixed input; nothing runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

function project(step: string): string {
  const dir = makeTempDir('sluice-glob-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), `import { pipeline, step, sh, all } from 'sluice';\nexport default pipeline({ ${step} });\n`);
  return dir;
}

describe('a shell glob in a pipeline path', () => {
  for (const [label, step] of [
    ['an input with a wildcard', `copy: step({ in: 'data/*.{x}', out: 'o/{x}', run: sh('echo ran >> ran.log; cp {in} {out}') })`],
    ['a fixed input', `copy: step({ in: 'data/*.txt', out: 'o/all.txt', run: sh('echo ran >> ran.log; cat {in} > {out}') })`],
    ['a gathered input', `copy: step({ in: { all: all('data/*.txt') }, out: 'o/all.txt', run: sh('echo ran >> ran.log; cat {in.all} > {out}') })`],
  ] as const) {
    it(`says how to write ${label}`, async () => {
      const dir = project(step);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /`data\/\*\.(txt|\{x\})`.*A pipeline's paths are not shell globs \(`\*`, `\?` and `\[\.\.\.\]` are plain characters\): name the part that varies, `data\/\{name\}\.(txt|\{x\})`/);
      assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
    });
  }
});
