import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// Issue 14.1–14.3 through the real CLI: samples from a config file drive the wildcards and the
// gather (a stray file on disk stays out), JSON and YAML configs, --param over --config, regular
// expressions on wildcards, {param.x*}, and {threads}.

const PIPELINE = `
import fs from 'node:fs';
import { pipeline, step, sh, cmd, expand } from 'sluice';

export default pipeline({
  params: { samples: ['A'], minimum: 1, tool: { flags: ['-c'] } },
  steps: (p) => ({
    count: step({
      in: 'data/{sample}.txt',
      out: 'counts/{sample}.txt',
      wildcards: { sample: p.samples },
      run: ({ input, output, params, wildcards }) => {
        const minimum: number = params.minimum;
        const lines = fs.readFileSync(input, 'utf8').split('\\n').filter((line) => line.length >= minimum);
        fs.writeFileSync(output, \`\${wildcards.sample} \${lines.length}\\n\`);
      },
    }),
    words: step({ in: 'data/{sample}.txt', out: 'words/{sample}.txt', wildcards: { sample: /[A-Z]+/ }, run: cmd('wc', '{param.tool.flags*}', '{in}'), stdout: true }),
    table: step({ in: { counts: expand('counts/{sample}.txt', { sample: p.samples }) }, out: 'table.txt', run: sh('cat {in.counts} > {out}') }),
  }),
});
`;

function makeProject(): string {
  const dir = makeTempDir('sluice-params-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data/A.txt'), 'a\nbb\nccc\n');
  fs.writeFileSync(path.join(dir, 'data/B.txt'), 'dddd\n');
  fs.writeFileSync(path.join(dir, 'data/C.txt'), 'e\nf\n');
  fs.writeFileSync(path.join(dir, 'data/old.txt'), 'stray\n');
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE.replace("'{param.tool.flags*}', ", ''));
  return dir;
}

describe('config, structured parameters, wildcards from lists, threads', { concurrency: 2 }, () => {
  it('a YAML config names the samples: the gather holds exactly those, the stray file stays out', async () => {
    const dir = makeProject();
    fs.writeFileSync(path.join(dir, 'config.yaml'), '# the study\nsamples:\n  - A\n  - C\nminimum: 2\n');
    const result = await runSluice(['run', '--config', 'config.yaml', '-q'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'table.txt'), 'utf8'), 'A 2\nC 0\n');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'counts')).sort(), ['A.txt', 'C.txt']);
    // The regular expression keeps `old` out of `words`, whose values come from the disk.
    assert.deepEqual(fs.readdirSync(path.join(dir, 'words')).sort(), ['A.txt', 'B.txt', 'C.txt']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a JSON config gives the same, and --param overrides a scalar it sets', async () => {
    const dir = makeProject();
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ samples: ['A', 'C'], minimum: 2 }));
    const first = await runSluice(['run', '--config', 'config.json', '-q'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'table.txt'), 'utf8'), 'A 2\nC 0\n');
    const second = await runSluice(['run', '--config', 'config.json', '--param', 'minimum=1', '-q'], { cwd: dir });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'table.txt'), 'utf8'), 'A 3\nC 2\n');
    // Without the config, the declared default: sample A alone.
    const third = await runSluice(['run', '-q'], { cwd: dir });
    assert.equal(third.code, 0, third.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'table.txt'), 'utf8'), 'A 3\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('several config files: each sets values on top of the one before', async () => {
    const dir = makeProject();
    fs.writeFileSync(path.join(dir, 'base.yaml'), 'samples: [A, B]\nminimum: 2\n');
    fs.writeFileSync(path.join(dir, 'study.json'), '{ "samples": ["A", "C"] }\n');
    const result = await runSluice(['run', '--config', 'base.yaml', '--config', 'study.json', '-q'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'table.txt'), 'utf8'), 'A 2\nC 0\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('{param.x*} gives one argument per item of a list parameter, from a config record', async () => {
    const dir = makeProject();
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'tool:\n  flags: [-l, -w]\n');
    const result = await runSluice(['run', '--config', 'config.yaml', 'words', '-q'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'words/A.txt'), 'utf8'), /^\s*3\s+3\s+data\/A\.txt\n$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('{threads} and a function\'s threads are the cpus a task holds: cpus 4 under -j 2 gives 2', async () => {
    const dir = makeTempDir('sluice-threads-');
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import fs from 'node:fs';
import { pipeline, step, cmd, sh } from 'sluice';
export default pipeline({ steps: {
  argv: step({ out: 'argv.txt', cpus: 4, run: cmd('echo', 'threads={threads}'), stdout: true }),
  shell: step({ out: 'shell.txt', cpus: 4, run: sh('echo {threads} > {out}') }),
  fn: step({ out: 'fn.txt', cpus: 4, run: ({ output, threads }) => fs.writeFileSync(output, \`\${threads}\\n\`) }),
  one: step({ out: 'one.txt', run: sh('echo {threads} > {out}') }),
} });
`,
    );
    const dry = await runSluice(['run', '-j', '2', '-n'], { cwd: dir });
    assert.match(dry.stdout, /echo threads=2/);
    const result = await runSluice(['run', '-j', '2', '-q'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'argv.txt'), 'utf8'), 'threads=2\n');
    assert.equal(fs.readFileSync(path.join(dir, 'shell.txt'), 'utf8'), '2\n');
    assert.equal(fs.readFileSync(path.join(dir, 'fn.txt'), 'utf8'), '2\n');
    assert.equal(fs.readFileSync(path.join(dir, 'one.txt'), 'utf8'), '1\n');
    // -j is not part of what a task computes: with more slots nothing runs again.
    const again = await runSluice(['run', '-j', '8', '-n'], { cwd: dir });
    assert.match(again.stdout, /0 tasks would run|nothing to do|up to date/i);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
