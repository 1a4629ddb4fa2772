// `sluice check` and `sluice run --check`: the pipeline type-checked with the project's own
// TypeScript (here the repository's, linked into each temporary project as an install would put
// it), its errors named by file:line:col; and a project without TypeScript told how to get it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

/** A project with data/{a,b}.txt, `"type": "module"`, and TypeScript unless `typescript` is false. */
function project(files: Readonly<Record<string, string>>, options: { typescript?: boolean } = {}): string {
  const dir = makeTempDir('sluice-check-');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'check-me', private: true, type: 'module' }));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data/a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'data/b.txt'), 'b\n');
  if (options.typescript !== false) {
    fs.mkdirSync(path.join(dir, 'node_modules/@types'), { recursive: true });
    fs.symlinkSync(path.join(REPO, 'node_modules/typescript'), path.join(dir, 'node_modules/typescript'), 'dir');
    fs.symlinkSync(path.join(REPO, 'node_modules/@types/node'), path.join(dir, 'node_modules/@types/node'), 'dir');
  }
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A function step that writes its wildcard `name` into its output; `field` is what it reads. */
function copyPipeline(field: string): string {
  return `import fs from 'node:fs';
import { pipeline, step } from 'sluice';

export default pipeline({
  steps: () => ({
    label: step({
      in: 'data/{name}.txt',
      out: 'out/{name}.txt',
      run: ({ output, wildcards }) => {
        fs.writeFileSync(output, String(wildcards.${field}));
      },
    }),
  }),
});
`;
}

// Each pair: a pipeline that uses sluice's types rightly, and one with a genuine type error that
// runs without one (and writes `undefined` or worse), with the line TypeScript must name.
// TODO(params): add the typed-params pair once function steps' `params` are typed from the
// pipeline's declaration (issue 14): `params.rows.toFixed()` passes for `params: { rows: 10 }`,
// `params.rows.toUpperCase()` fails at its line.
const PAIRS: ReadonlyArray<{ readonly name: string; readonly right: string; readonly wrong: string; readonly line: number; readonly code: string }> = [
  { name: 'a wildcard that the pattern does not have', right: copyPipeline('name'), wrong: copyPipeline('sample'), line: 10, code: 'TS2339' },
  {
    name: 'an input key that the step does not declare',
    right: copyPipeline('name').replace("in: 'data/{name}.txt'", "in: { text: 'data/{name}.txt' }").replace('String(wildcards.name)', 'inputs.text'),
    wrong: copyPipeline('name').replace("in: 'data/{name}.txt'", "in: { text: 'data/{name}.txt' }").replace('String(wildcards.name)', 'inputs.txt'),
    line: 10,
    code: 'TS2551',
  },
];

describe('sluice check', { timeout: 600_000 }, () => {
  for (const pair of PAIRS) {
    it(`passes a right pipeline and names the line of ${pair.name}`, async () => {
      const right = project({ 'pipeline.ts': pair.right.replace('({ output, wildcards })', '({ output, wildcards, inputs })') });
      const passed = await runSluice(['check'], { cwd: right });
      assert.equal(passed.code, 0, passed.stdout + passed.stderr);
      assert.match(passed.stderr, /^sluice: pipeline\.ts: no type errors \(TypeScript \d+\.\d+\.\d+, sluice's default options\)\n$/);
      assert.equal(passed.stdout, '');

      const wrong = project({ 'pipeline.ts': pair.wrong.replace('({ output, wildcards })', '({ output, wildcards, inputs })') });
      const failed = await runSluice(['check'], { cwd: wrong });
      assert.equal(failed.code, 1, failed.stdout + failed.stderr);
      assert.match(failed.stdout, new RegExp(`^pipeline\\.ts:${pair.line}:\\d+ - error ${pair.code}: `, 'm'));
      assert.match(failed.stderr, /^sluice: pipeline\.ts: 1 type error \(TypeScript /);
    });
  }

  it('catches the pipeline that runs and writes `undefined`; run --check runs nothing', async () => {
    const dir = project({ 'pipeline.ts': copyPipeline('sample') });
    // Without the check it runs, and the output says `undefined`.
    const ran = await runSluice(['run'], { cwd: dir });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'undefined');
    fs.rmSync(path.join(dir, 'out'), { recursive: true });
    const checked = await runSluice(['run', '--check'], { cwd: dir });
    assert.equal(checked.code, 1, checked.stderr);
    assert.match(checked.stdout, /^pipeline\.ts:10:\d+ - error TS2339: Property 'sample' does not exist/m);
    assert.equal(fs.existsSync(path.join(dir, 'out')), false);
    // Under --json, stdout carries only events: the errors go to stderr.
    const json = await runSluice(['run', '--check', '--json'], { cwd: dir });
    assert.equal(json.code, 1, json.stderr);
    assert.equal(json.stdout, '');
    assert.match(json.stderr, /^pipeline\.ts:10:\d+ - error TS2339: /m);
    // Fixed, run --check runs it.
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), copyPipeline('name'));
    const fixed = await runSluice(['run', '--check'], { cwd: dir });
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'a');
  });

  it(".mts files, a local module's errors by its own file, the project's tsconfig.json, -C and -f", async () => {
    const helper = 'export function shout(text: string): string {\n  return text.toUpperCase();\n}\n';
    const pipelineText = `import fs from 'node:fs';
import { pipeline, step } from 'sluice';
import { shout } from './lib/shout.ts';

export default pipeline({
  steps: () => ({
    loud: step({ in: 'data/{name}.txt', out: 'out/{name}.txt', run: ({ input, output }) => fs.writeFileSync(output, shout(fs.readFileSync(input, 'utf8'))) }),
  }),
});
`;
    const dir = project({ 'flows/main.mts': pipelineText, 'lib/shout.ts': helper });
    fs.renameSync(path.join(dir, 'lib'), path.join(dir, 'flows/lib'));
    const clean = await runSluice(['check', '-C', dir, '-f', 'flows/main.mts'], { cwd: REPO });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stderr, /^sluice: flows\/main\.mts: no type errors/);
    // An error in the imported module is named in that module.
    fs.writeFileSync(path.join(dir, 'flows/lib/shout.ts'), helper.replace('text.toUpperCase()', 'text.toUpperCase().length'));
    const broken = await runSluice(['check', '-f', 'flows/main.mts'], { cwd: dir });
    assert.equal(broken.code, 1, broken.stdout + broken.stderr);
    assert.match(broken.stdout, /^flows\/lib\/shout\.ts:2:3 - error TS2322: Type 'number' is not assignable to type 'string'/m);
    // Implicit any: an error with sluice's defaults (strict), none with the project's tsconfig.
    fs.writeFileSync(path.join(dir, 'flows/lib/shout.ts'), 'export function shout(text) {\n  return String(text).toUpperCase();\n}\n');
    const strict = await runSluice(['check', '-f', 'flows/main.mts'], { cwd: dir });
    assert.equal(strict.code, 1, strict.stdout + strict.stderr);
    assert.match(strict.stdout, /^flows\/lib\/shout\.ts:1:23 - error TS7006: Parameter 'text' implicitly has an 'any' type/m);
    const config = { compilerOptions: { strict: false, module: 'ESNext', moduleResolution: 'Bundler', allowImportingTsExtensions: true, noEmit: true, skipLibCheck: true } };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
    const loose = await runSluice(['check', '-f', 'flows/main.mts'], { cwd: dir });
    assert.equal(loose.code, 0, loose.stdout + loose.stderr);
    assert.match(loose.stderr, /no type errors \(TypeScript [\d.]+, tsconfig\.json\)/);
  });

  it('checks a JavaScript pipeline through sluice\'s types, unless a tsconfig.json turns checkJs off (and says so)', async () => {
    const esm = copyPipeline('nmae');
    const cjs = copyPipeline('nmae')
      .replace("import fs from 'node:fs';\nimport { pipeline, step } from 'sluice';", "const fs = require('node:fs');\nconst { pipeline, step } = require('sluice');")
      .replace('export default pipeline(', 'module.exports = pipeline(');
    const dir = project({ 'pipeline.mjs': esm, 'pipeline.cjs': cjs });
    for (const file of ['pipeline.mjs', 'pipeline.cjs']) {
      const result = await runSluice(['check', '-f', file], { cwd: dir });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, new RegExp(`^${file.replace('.', '\\.')}:10:\\d+ - error TS2339: Property 'nmae' does not exist`, 'm'));
    }
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler', noEmit: true } }));
    const unchecked = await runSluice(['check', '-f', 'pipeline.mjs'], { cwd: dir });
    assert.equal(unchecked.code, 0, unchecked.stdout + unchecked.stderr);
    assert.match(unchecked.stderr, /no type errors \(TypeScript [\d.]+, tsconfig\.json; a JavaScript file is checked only with `\/\/ @ts-check` or `checkJs`\)/);
  });

  it('without TypeScript in the project, says how to install it (exit 3)', async () => {
    const dir = project({ 'pipeline.ts': copyPipeline('name') }, { typescript: false });
    for (const args of [['check'], ['run', '--check']]) {
      const result = await runSluice(args, { cwd: dir });
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /^sluice: TypeScript is not installed for .*`npm install --save-dev typescript`/);
      assert.equal(fs.existsSync(path.join(dir, 'out')), false);
    }
  });
});
