// A function step that throws: its failure points at the lines of pipeline.ts (and of the modules
// it imports), not at the bundle sluice made of them under .sluice/pipelines/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

it('names pipeline.ts and its helper module, line and column, in a function step\'s stack', async () => {
  const dir = makeTempDir('sluice-fn-lines-');
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'lib/check.ts'), "export function check(n: number): number {\n  if (n > 0) throw new Error(`boom ${n}`);\n  return n;\n}\n");
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    "import { pipeline, step } from 'sluice';\nimport { check } from './lib/check.ts';\n\nexport default pipeline({\n  bad: step({ in: 'a.txt', out: 'b.txt', run: () => {\n    check(3);\n  } }),\n});\n",
  );
  fs.writeFileSync(path.join(dir, 'a.txt'), 'x\n');
  const result = await runSluice(['run'], { cwd: dir });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /at check \(.*lib\/check\.ts:2:20\)/);
  assert.match(result.stderr, /at Object\.run \(.*pipeline\.ts:6:5\)/);
  assert.doesNotMatch(result.stderr, /\.sluice\/pipelines\//);
  fs.rmSync(dir, { recursive: true, force: true });
});
