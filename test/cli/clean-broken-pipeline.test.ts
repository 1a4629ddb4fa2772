// `sluice clean` when the pipeline does not load (a syntax error) or is gone: the recorded
// successes name what each step wrote, so its outputs and records go, with a message that says
// the pipeline could not be read and what could not be checked. Without state, the pipeline's
// error stands.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const PIPELINE = `
import { pipeline, step, cmd } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{n}.txt', out: 'copied/{n}.txt', run: cmd('cp', '{in}', '{out}') }),
  upper: step({ in: 'copied/{n}.txt', out: 'upper/{n}.txt', run: cmd('cp', '{in}', '{out}') }),
});
`;

async function project(): Promise<string> {
  const cwd = makeTempDir('sluice-clean-broken-');
  fs.mkdirSync(path.join(cwd, 'data'));
  for (const n of ['a', 'b']) fs.writeFileSync(path.join(cwd, 'data', `${n}.txt`), `${n}\n`);
  fs.writeFileSync(path.join(cwd, 'pipeline.ts'), PIPELINE);
  const run = await runSluice(['run', '-q'], { cwd });
  assert.equal(run.code, 0, run.stderr);
  return cwd;
}

test('clean STEP with a pipeline that has a syntax error removes the recorded outputs of that step alone', async () => {
  const cwd = await project();
  fs.appendFileSync(path.join(cwd, 'pipeline.ts'), '\nexport const oops = (;\n');
  const clean = await runSluice(['clean', 'upper'], { cwd });
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stderr, /Could not load pipeline .*pipeline\.ts/);
  assert.match(clean.stderr, /so this clean went by the recorded state alone: removed 2 outputs and 2 recorded successes of upper; not checked: /);
  assert.deepEqual(fs.readdirSync(path.join(cwd, 'upper')), []);
  assert.deepEqual(fs.readdirSync(path.join(cwd, 'copied')).sort(), ['a.txt', 'b.txt']);
  const unknown = await runSluice(['clean', 'nosuch'], { cwd });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown step `nosuch`: nothing of a step of that name is recorded .* Could not load pipeline/);

  // Fixed again: copy is up to date, upper runs again.
  fs.writeFileSync(path.join(cwd, 'pipeline.ts'), PIPELINE);
  const again = await runSluice(['run'], { cwd });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /2 succeeded, 2 up to date/);
});

test('clean --all with the pipeline file gone removes every recorded output; with no state the error stands', async () => {
  const cwd = await project();
  fs.rmSync(path.join(cwd, 'pipeline.ts'));
  const clean = await runSluice(['clean', '--all'], { cwd });
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stderr, /No pipeline file in/);
  assert.match(clean.stderr, /removed 4 outputs and 4 recorded successes of copy, upper/);
  assert.deepEqual([...fs.readdirSync(path.join(cwd, 'copied')), ...fs.readdirSync(path.join(cwd, 'upper'))], []);
  assert.deepEqual(fs.readdirSync(path.join(cwd, 'data')).sort(), ['a.txt', 'b.txt']);

  const empty = makeTempDir('sluice-clean-nothing-');
  const none = await runSluice(['clean', '--all'], { cwd: empty });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^sluice: No pipeline file in/);
  assert.doesNotMatch(none.stderr, /recorded state/);
});
