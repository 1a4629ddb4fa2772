// A function step that throws: its failure points at the lines of pipeline.ts (and of the modules
// it imports), not at the bundle sluice made of them under .sluice/pipelines/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { mapBundleFrames } from '../../src/plan/locate-error.ts';
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
  // The tests run sluice under tsx, which maps stacks itself; the published CLI runs on plain
  // node, which does not. The same bundle's stack, thrown with source maps off (as plain node
  // has them; tsx only to load the .ts the bundle imports from a checkout), is mapped by sluice.
  const bundle = fs.readdirSync(path.join(dir, '.sluice/pipelines')).find((name) => name.endsWith('.mjs')) as string;
  const script = `process.setSourceMapsEnabled(false); import(${JSON.stringify(path.join(dir, '.sluice/pipelines', bundle))}).then(async ({ default: d }) => {
    const steps = typeof d.steps === 'function' ? d.steps(d.params ?? {}) : d.steps;
    try { await steps.bad.run({}); } catch (error) { process.stdout.write(error.stack); }
  })`;
  const raw = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  assert.match(raw, /\.sluice\/pipelines\/.*\.mjs:\d+:\d+/, 'plain node names the bundle');
  const mapped = mapBundleFrames(raw);
  assert.match(mapped, /at check \(.*lib\/check\.ts:2:20\)/);
  assert.match(mapped, /at Object\.run \(.*pipeline\.ts:6:5\)/);
  fs.rmSync(dir, { recursive: true, force: true });
});
