// A function step that returns without writing one of its outputs fails, whether or not its
// thread digested the others (outputs another step reads are hashed on the thread, and the settle
// path then looks only for the outputs without a digest): nothing of it is put in place, no
// success is recorded, and the next run runs it again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const PIPELINE = `import fs from 'node:fs';
import { pipeline, step } from 'sluice';

export default pipeline({
  make: step({
    in: 'in/{n}',
    out: { read: 'out/{n}.read', kept: 'out/{n}.kept' },
    run: ({ input, outputs }) => {
      fs.writeFileSync(outputs.read, fs.readFileSync(input));
      if (process.env.WRITE_KEPT === '1') fs.writeFileSync(outputs.kept, 'kept');
    },
  }),
  use: step({ in: 'out/{n}.read', out: 'out/{n}.used', run: ({ input, output }) => fs.copyFileSync(input, output) }),
});
`;

it('fails a function task that did not write an output, its other output digested or not', async () => {
  const dir = makeTempDir('sluice-fn-missing-');
  fs.mkdirSync(path.join(dir, 'in'));
  fs.writeFileSync(path.join(dir, 'in/1'), 'one\n');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  const failed = await runSluice(['run', '-j', '1'], { cwd: dir, env: { WRITE_KEPT: '0' } });
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, /the function returned but did not create `out\/1\.kept`/);
  assert.doesNotMatch(failed.stderr, /did not create `out\/1\.read`/);
  // Nothing of the failed attempt stands under a final name, and its reader never ran.
  const out = path.join(dir, 'out');
  assert.deepEqual(fs.existsSync(out) ? fs.readdirSync(out).filter((name) => !name.startsWith('.sluice-tmp-')) : [], []);
  const again = await runSluice(['run', '-j', '1'], { cwd: dir, env: { WRITE_KEPT: '1' } });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(fs.readdirSync(out).sort(), ['1.kept', '1.read', '1.used']);
  assert.equal(fs.readFileSync(path.join(out, '1.used'), 'utf8'), 'one\n');
  fs.rmSync(dir, { recursive: true, force: true });
});
