// What `sluice run` says about a failed task: its name (step and wildcards, as `--explain` names
// it), and a command that re-runs that one task, which the tests paste back into the CLI.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, takeRanLog } from '../helpers/run-sluice.ts';

function project(pipeline: string, files: Record<string, string>): string {
  const dir = makeTempDir('sluice-failures-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipeline);
  return dir;
}

/** The words of a printed command (plain words and single-quoted ones, as quoteArgv prints). */
function splitCommand(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/(?:'((?:[^']|'\\'')*)'|(\S+))/g)) words.push(match[1] === undefined ? (match[2] as string) : match[1].replaceAll(`'\\''`, "'"));
  return words;
}

function rerunLines(stderr: string): string[] {
  return [...stderr.matchAll(/^ {2}re-run: {3}(.*)$/gm)].map((match) => match[1] as string);
}

const TWO_STEPS = `
import fs from 'node:fs';
import { pipeline, step, sh } from 'sluice';
export default pipeline({
  params: { bad: 'b' },
  steps: (p) => ({
    upper: step({
      in: 'data/{sample}.txt',
      out: 'work/{sample}.up',
      run: sh('echo "upper {sample}" >> ran.log; [ {sample} != {param.bad} ] || { echo "no good: {sample}" >&2; exit 3; }; tr a-z A-Z < {in} > {out}'),
    }),
    count: step({
      in: 'work/{sample}.up',
      out: 'out/{sample}.n',
      run: ({ input, output, wildcards }) => {
        fs.appendFileSync('ran.log', \`count \${wildcards.sample}\\n\`);
        if (wildcards.sample === 'c') throw new Error('cannot count ' + input);
        fs.writeFileSync(output, String(fs.readFileSync(input, 'utf8').length));
      },
    }),
  }),
});
`;

describe('sluice run failures', () => {
  it('names each failed task by step and wildcards and prints a command that re-runs only it', async () => {
    const dir = project(TWO_STEPS, { 'data/a.txt': 'a\n', 'data/b.txt': 'b\n', 'data/c.txt': 'c\n' });
    const first = await runSluice(['run', '--keep-going', '-j', '1'], { cwd: dir });
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /^✗ upper\[sample=b\] exit code 3$/m);
    assert.match(first.stderr, /^✗ count\[sample=c\] the function threw: cannot count/m);
    assert.doesNotMatch(first.stderr, /task \d/, 'no internal task numbers');
    assert.deepEqual(rerunLines(first.stderr), ['sluice run --force upper work/b.up', 'sluice run --force count out/c.n']);
    takeRanLog(dir);

    // Pasted back: each runs that one task again, and nothing else (both still fail).
    for (const [line, ran] of [
      ['sluice run --force upper work/b.up', ['upper b']],
      ['sluice run --force count out/c.n', ['count c']],
    ] as const) {
      const again = await runSluice(splitCommand(line).slice(1), { cwd: dir });
      assert.equal(again.code, 1, again.stderr);
      assert.deepEqual(takeRanLog(dir), ran, line);
      assert.match(again.stderr, / 1 failed in /);
      assert.doesNotMatch(again.stderr, /[1-9] succeeded/);
    }
  });

  it('shows a failed function as a function: no exit code, no command to paste', async () => {
    const dir = project(TWO_STEPS, { 'data/c.txt': 'c\n' });
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    const report = result.stderr.slice(result.stderr.indexOf('✗ count[sample=c]'));
    assert.match(report, /^ {2}function: count\(\) in pipeline\.ts$/m);
    assert.doesNotMatch(report, /exit code|command: /);
    assert.doesNotMatch(report, /\(function step/);
  });

  it('keeps the pipeline file, parameters and time limit in the re-run command, quoted, with paths from where sluice ran', async () => {
    const dir = project(TWO_STEPS, { 'data/a b.txt': 'a\n', 'data/x.txt': 'x\n' });
    fs.renameSync(path.join(dir, 'pipeline.ts'), path.join(dir, 'my flow.ts'));
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    const result = await runSluice(['run', '--keep-going', '-f', '../my flow.ts', '-p', 'bad=a b', '--timeout', '5m'], { cwd: sub });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^✗ upper\[sample="a b"\] exit code 3$/m);
    const [line] = rerunLines(result.stderr);
    assert.equal(line, `sluice run -f '../my flow.ts' -p 'bad=a b' --timeout 5m --force upper '../work/a b.up'`);
    takeRanLog(dir);
    const again = await runSluice(splitCommand(line as string).slice(1), { cwd: sub });
    assert.equal(again.code, 1, again.stderr);
    assert.deepEqual(takeRanLog(dir), ["upper 'a b'"]);
  });

  it('keeps `-C DIR` in the re-run command, so that it runs from where sluice was started', async () => {
    const dir = project(TWO_STEPS, { 'data/b.txt': 'b\n' });
    const parent = path.dirname(dir);
    const result = await runSluice(['-C', path.basename(dir), 'run'], { cwd: parent });
    assert.equal(result.code, 1, result.stderr);
    const [line] = rerunLines(result.stderr);
    assert.equal(line, `sluice run -C ${path.basename(dir)} --force upper work/b.up`);
    takeRanLog(dir);
    const again = await runSluice(splitCommand(line as string).slice(1), { cwd: parent });
    assert.equal(again.code, 1, again.stderr);
    assert.deepEqual(takeRanLog(dir), ['upper b']);
  });
});
