import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// A CommonJS pipeline: require() of sluice, of a builtin and of a local module; a function step
// (loaded again on a worker thread) and a command step.
const PIPELINE_CJS = `const fs = require('node:fs');
const { pipeline, step, sh } = require('sluice');
const { shout } = require('./shout.cjs');

module.exports = pipeline({
  steps: () => ({
    upper: step({
      in: 'data/{name}.txt',
      out: 'work/{name}.txt',
      run: ({ input, output }) => fs.writeFileSync(output, shout(fs.readFileSync(input, 'utf8'))),
    }),
    copy: step({ in: 'work/{name}.txt', out: 'out/{name}.txt', run: sh('cp {in} {out}') }),
  }),
});
`;
const SHOUT = `exports.shout = (text) => text.trim().toUpperCase() + '!';\n`;

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = makeTempDir('sluice-cjs-');
  dirs.push(dir);
  for (const [name, text] of Object.entries({ 'data/a.txt': 'ab\n', 'data/b.txt': 'cd\n', 'shout.cjs': SHOUT, ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function outputs(dir: string): string[] {
  return ['a', 'b'].map((name) => fs.readFileSync(path.join(dir, `out/${name}.txt`), 'utf8'));
}

describe('CommonJS pipelines', () => {
  it('finds pipeline.cjs and runs it, require() of sluice, builtins and local modules included', async () => {
    const dir = project({ 'pipeline.cjs': PIPELINE_CJS });
    const result = await runSluice(['run', '-j', '2'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(outputs(dir), ['AB!', 'CD!']);
  });

  it('runs a pipeline.js of a package without "type": "module", and `exports.default =`', async () => {
    const text = PIPELINE_CJS.replace('module.exports = pipeline', 'exports.default = pipeline');
    const dir = project({ 'pipeline.js': text, 'package.json': JSON.stringify({ name: 'old-style', private: true }) });
    const result = await runSluice(['run', '-j', '2'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(outputs(dir), ['AB!', 'CD!']);
    // Up to date on a second run.
    const again = await runSluice(['run', '-n'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout + again.stderr, /would run [1-9]/);
  });

  it('leaves an ES module pipeline that declares its own `require` alone', async () => {
    const text = `import { createRequire } from 'node:module';
import { pipeline, step, sh } from 'sluice';
const require = createRequire(import.meta.url);
const { shout } = require('./shout.cjs');
export default pipeline({ steps: () => ({ copy: step({ in: 'data/{name}.txt', out: 'out/{name}.txt', run: sh('cp {in} {out}') }) }) });
void shout;
`;
    const dir = project({ 'pipeline.mjs': text });
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(outputs(dir), ['ab\n', 'cd\n']);
  });
});
