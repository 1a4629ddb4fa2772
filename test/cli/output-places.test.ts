// Where an output may go. A file or folder inside `.sluice/` (sluice's own state), the pipeline
// file itself, or a `--out` that names a folder (`o/`, `.`: in a pipeline, `o/{x}/` is a
// directory() output) is refused before anything runs, naming the file, the step and the field. A path outside the pipeline's folder (`../x`, `/abs`)
// is allowed, as in Make and Snakemake (a `workflow/` folder beside `results/`): staged beside its
// final place like any output, up to date on the next run, removed by `sluice clean`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

function project(out: string): string {
  const dir = makeTempDir('sluice-out-place-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'a\n');
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{x}.txt', out: ${JSON.stringify(out)}, run: sh('echo ran >> ran.log; cp {in} {out}') }),
});
`,
  );
  return dir;
}

describe('where outputs may go', () => {
  for (const [out, why] of [
    ['.sluice/{x}/', /Expected `out` of step `copy` in .*pipeline\.ts to lie outside `\.sluice\/`/],
    ['.sluice/{x}.txt', /Expected `out` of step `copy` in .*pipeline\.ts to lie outside `\.sluice\/`.*got `\.sluice\/\{x\}\.txt`/],
    ['./work/../.sluice/x/{x}', /Expected `out` of step `copy` in .*pipeline\.ts to lie outside `\.sluice\/`/],
    ['pipeline.ts', /Expected `out` of step `copy` in .*pipeline\.ts to be a file other than the pipeline itself, got `pipeline\.ts`/],
  ] as const) {
    it(`refuses \`${out}\` before anything runs`, async () => {
      const dir = project(out);
      const before = fs.readFileSync(path.join(dir, 'pipeline.ts'), 'utf8');
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, why);
      assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
      assert.equal(fs.readFileSync(path.join(dir, 'pipeline.ts'), 'utf8'), before);
    });
  }

  for (const [out, why] of [
    ['o/', /Expected `--out` to be a file path, got `o\/`/],
    ['o/{name}/', /Expected `--out` to be a file path, got `o\/\{name\}\/`/],
    ['.', /Expected `--out` to be a file path, got `\.`/],
    ['.sluice/{name}', /Expected `--out` to lie outside `\.sluice\/`/],
  ] as const) {
    it(`refuses \`sluice map --out ${out}\` before anything runs`, async () => {
      const dir = makeTempDir('sluice-out-place-');
      fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
      const result = await runSluice(['map', '--out', out, '--', 'sh', '-c', 'echo ran >> ran.log; cat "$1"', 'sh', ':::', 'a.txt'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, why);
      assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
    });
  }

  it('writes an output outside the pipeline\'s folder, keeps it up to date and cleans it', async () => {
    const parent = makeTempDir('sluice-out-place-');
    const dir = path.join(parent, 'workflow');
    fs.mkdirSync(dir);
    fs.cpSync(project('../results/{x}.txt'), dir, { recursive: true });
    const first = await runSluice(['run'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(fs.readFileSync(path.join(parent, 'results', 'a.txt'), 'utf8'), 'a\n');
    assert.deepEqual(listFiles(path.join(parent, 'results')), ['a.txt'], 'nothing staged left beside it');
    const again = await runSluice(['run'], { cwd: dir });
    assert.match(again.stderr, /1 up to date/);
    const clean = await runSluice(['clean', 'copy'], { cwd: dir });
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(fs.existsSync(path.join(parent, 'results', 'a.txt')), false);
  });
});

// A project nested in a folder of its own: an output that would be that folder, if planned,
// would take the project with it, never anything of the tests beside it (no case here goes up
// two folders: before the fix, `directory('../..')` replaced the folder of every test).
function nestedProject(out: (dir: string) => string, inputs: readonly string[] = ['a']): { parent: string; dir: string } {
  const parent = makeTempDir('sluice-out-place-');
  const dir = path.join(parent, 'proj');
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  for (const name of inputs) fs.writeFileSync(path.join(dir, 'data', `${name}.txt`), 'a\n');
  fs.writeFileSync(path.join(parent, 'sibling.txt'), 'keep\n');
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh, directory } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{x}.txt', out: ${out(dir)}, run: sh('echo ran >> ran.log; mkdir -p {out} && cp {in} {out}/made.txt || true') }),
});
`,
  );
  return { parent, dir };
}

function filesOutsideState(parent: string): string[] {
  return listFiles(parent).filter((file) => !file.startsWith('proj/.sluice/'));
}

describe('an output that would be the project or a folder holding it', () => {
  for (const [name, out] of [
    ['.', () => `'.'`],
    ['..', () => `'..'`],
    ['../', () => `'../'`],
    ["directory('..')", () => `directory('..')`],
    ['the project folder, absolute', (dir: string) => `directory(${JSON.stringify(dir)})`],
    ['its parent, absolute', (dir: string) => `${JSON.stringify(`${path.dirname(dir)}/`)}`],
  ] as const) {
    it(`refuses \`${name}\` before anything runs, and the project stays`, async () => {
      const { parent, dir } = nestedProject(out);
      const before = filesOutsideState(parent);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /Expected `out` of step `copy` in .*pipeline\.ts to name neither the pipeline's folder nor a folder that holds it/);
      assert.deepEqual(filesOutsideState(parent), before, 'nothing ran, nothing moved');
    });
  }

  it('refuses a task whose wildcard makes its folder output the project folder', async () => {
    const { parent, dir } = nestedProject(() => `directory('../{x}')`, ['a', 'proj']);
    const before = filesOutsideState(parent);
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Expected output `\.\.\/proj\/` of task `copy\[x=proj\]` to name neither the pipeline's folder nor a folder that holds it/);
    assert.deepEqual(filesOutsideState(parent), before, 'nothing ran, nothing moved');
  });

  it('refuses `sluice map --out` naming the folder it runs in', async () => {
    const parent = makeTempDir('sluice-out-place-');
    const dir = path.join(parent, 'proj');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    const result = await runSluice(['map', '--out', '../proj', '--', 'sh', '-c', 'echo ran >> ran.log; cat "$1"', 'sh', ':::', 'a.txt'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Expected `--out` to name neither the folder it runs in nor a folder that holds it, got `\.\.\/proj`/);
    assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
  });
});

describe('an output that a wildcard value puts on the pipeline file or in .sluice/', () => {
  for (const [name, step, why] of [
    [
      'the pipeline file',
      `copy: step({ in: 'data/{x}.ts', out: '{x}.ts', run: sh('echo ran >> ran.log; cp {in} {out}') })`,
      /Expected output `pipeline\.ts` of task `copy\[x=pipeline\]` to be a file other than the pipeline itself/,
    ],
    [
      'the state database',
      `copy: step({ in: 'data/{y}.ts', out: '{y}/state.db', wildcards: { y: ['.sluice'] }, run: sh('echo ran >> ran.log; cp {in} {out}') })`,
      /Expected output `\.sluice\/state\.db` of task `copy\[y=\.sluice\]` to lie outside `\.sluice\/`/,
    ],
  ] as const) {
    it(`refuses ${name} before anything runs`, async () => {
      const dir = makeTempDir('sluice-out-place-');
      fs.mkdirSync(path.join(dir, 'data'));
      fs.writeFileSync(path.join(dir, 'data', 'pipeline.ts'), 'CLOBBERED\n');
      fs.writeFileSync(path.join(dir, 'data', '.sluice.ts'), 'CLOBBERED\n');
      const pipeline = `import { pipeline, step, sh } from 'sluice';\nexport default pipeline({\n  ${step},\n});\n`;
      fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipeline);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, why);
      assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
      assert.equal(fs.readFileSync(path.join(dir, 'pipeline.ts'), 'utf8'), pipeline);
    });
  }
});

describe('a `sluice map --out` that an input name puts in .sluice/ or on the folder it runs in', () => {
  for (const [out, input, why] of [
    ['{stem}/state.db', '.sluice.txt', /Expected the output of the task for input `\.sluice\.txt` \(`--out`\) to lie outside `\.sluice\/`/],
    ['../{stem}', 'proj.txt', /Expected the output of the task for input `proj\.txt` \(`--out`\) to name neither the folder it runs in nor a folder that holds it/],
  ] as const) {
    it(`refuses --out ${out} for ${input} before anything runs`, async () => {
      const parent = makeTempDir('sluice-out-place-');
      const dir = path.join(parent, 'proj');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, input), 'x\n');
      const first = await runSluice(['map', '--', 'true', ':::', 'x'], { cwd: dir });
      assert.equal(first.code, 0, first.stderr);
      const state = fs.readFileSync(path.join(dir, '.sluice', 'state.db'));
      const result = await runSluice(['map', '--out', out, '--', 'sh', '-c', 'echo ran >> ran.log; cat "$1"', 'sh', ':::', input], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, why);
      assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
      assert.ok(fs.readFileSync(path.join(dir, '.sluice', 'state.db')).equals(state), 'the state is as it was');
    });
  }
});
