import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createFunctionRunner } from '../../src/execute/worker/create-function-runner.ts';
import { hashFile } from '../../src/state/hashes/hash-file.ts';
import { statFile } from '../../src/state/hashes/stat-file.ts';
import { planFile, read, runStaged, tasksOf, withoutUsage, writeProject } from './worker-fixtures.ts';

// Function steps write what they saw into their outputs; the tests compare it with the plan.
const SHAPES_PIPELINE = `
import fs from 'node:fs';
import { all, pipeline, step } from 'sluice';

const seen = (context: object): string => JSON.stringify(context, null, 1);

export default pipeline({
  upper: step({
    in: 'data/{name}.txt',
    out: 'work/{name}.txt',
    run: ({ input, output }) => fs.writeFileSync(output, fs.readFileSync(input, 'utf8').toUpperCase()),
  }),
  pair: step({
    in: ['data/{name}.txt', 'conf/{name}.cfg'],
    out: ['out/{name}.a', 'out/{name}.b'],
    run: async (context) => {
      await fs.promises.writeFile(context.outputs[0], seen(context));
      await fs.promises.writeFile(context.outputs[1], context.wildcards.name);
    },
  }),
  summary: step({
    in: { texts: all('work/{name}.txt'), conf: 'conf/one.cfg' },
    out: { report: 'out/summary.json', count: 'out/count.txt' },
    run: ({ inputs, outputs, ...rest }) => {
      const texts = inputs.texts.map((file) => fs.readFileSync(file, 'utf8').trim());
      fs.writeFileSync(outputs.report, seen({ inputs, outputs, texts, ...rest }));
      fs.writeFileSync(outputs.count, String(texts.length));
    },
  }),
});
`;

describe('function steps on worker threads', () => {
  const runner = createFunctionRunner({ threads: 2 });
  after(() => runner.close());

  it('runs a .ts pipeline that imports sluice, with inputs and outputs in the shapes declared', async () => {
    const dir = writeProject({
      'pipeline.ts': SHAPES_PIPELINE,
      'data/one.txt': 'first\n',
      'data/two.txt': 'second\n',
      'conf/one.cfg': '',
      'conf/two.cfg': '',
    });
    const plan = await planFile(path.join(dir, 'pipeline.ts'));
    for (const task of plan.tasks) assert.deepEqual(await runStaged(runner, task), { ok: true }, `task ${task.id}`);
    assert.equal(read(dir, 'work/one.txt'), 'FIRST\n');
    assert.equal(read(dir, 'work/two.txt'), 'SECOND\n');

    const pair = tasksOf(plan, 'pair')[1]!;
    const seenByPair = JSON.parse(read(dir, 'out/two.a'));
    assert.deepEqual(seenByPair.wildcards, { name: 'two' });
    assert.deepEqual(seenByPair.inputs, [path.join(dir, 'data/two.txt'), path.join(dir, 'conf/two.cfg')]);
    assert.equal(seenByPair.input, path.join(dir, 'data/two.txt'));
    assert.equal(seenByPair.outputs.length, 2);
    for (const [at, staged] of (seenByPair.outputs as string[]).entries()) {
      // The function wrote to staged paths beside the final ones, absolute; they were renamed.
      assert.ok(path.isAbsolute(staged));
      assert.notEqual(staged, path.join(dir, pair.outputs[at]!));
      assert.equal(path.basename(staged), path.basename(pair.outputs[at]!));
      assert.equal(path.dirname(path.dirname(staged)), path.join(dir, 'out'));
      assert.equal(fs.existsSync(staged), false);
    }
    assert.equal(seenByPair.output, seenByPair.outputs[0]);
    assert.equal(seenByPair.step, 'pair');
    assert.equal(seenByPair.taskId, pair.id);
    assert.equal(read(dir, 'out/two.b'), 'two');

    const summary = JSON.parse(read(dir, 'out/summary.json'));
    assert.deepEqual(summary.inputs, {
      texts: [path.join(dir, 'work/one.txt'), path.join(dir, 'work/two.txt')],
      conf: path.join(dir, 'conf/one.cfg'),
    });
    assert.deepEqual(Object.keys(summary.outputs), ['report', 'count']);
    assert.equal(path.basename(summary.outputs.count), 'count.txt');
    assert.deepEqual(summary.texts, ['FIRST', 'SECOND']);
    assert.deepEqual(summary.wildcards, {});
    assert.equal(read(dir, 'out/count.txt'), '2');
  });

  it('runs a .mjs pipeline with parameters', async () => {
    const dir = writeProject({
      'pipeline.mjs': `
        import fs from 'node:fs';
        import { pipeline, step } from 'sluice';
        export default pipeline({
          params: { greeting: 'hello', times: 2 },
          steps: (params) => ({
            greet: step({
              in: 'names/{who}',
              out: 'out/{who}.txt',
              run: ({ wildcards, params, output }) =>
                fs.writeFileSync(output, \`\${params.greeting} \${wildcards.who}\\n\`.repeat(params.times)),
            }),
          }),
        });
      `,
      'names/ada': '',
    });
    const plan = await planFile(path.join(dir, 'pipeline.mjs'), { greeting: 'hi', times: 3 });
    assert.deepEqual(await runStaged(runner, plan.tasks[0]!), { ok: true });
    assert.equal(read(dir, 'out/ada.txt'), 'hi ada\nhi ada\nhi ada\n');
  });

  it('reports an error thrown by the function with its message and stack, and leaves no output', async () => {
    const dir = writeProject({
      'pipeline.ts': `
        import fs from 'node:fs';
        import { pipeline, step } from 'sluice';
        export default pipeline({
          parse: step({
            in: 'data/{n}.txt',
            out: 'out/{n}.csv',
            run: ({ input, output }) => {
              fs.writeFileSync(output, 'partial');
              throw new SyntaxError(\`bad record in \${input}\`);
            },
          }),
        });
      `,
      'data/7.txt': '',
    });
    const plan = await planFile(path.join(dir, 'pipeline.ts'));
    const result = await runStaged(runner, plan.tasks[0]!);
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.equal(result.message, `SyntaxError: bad record in ${path.join(dir, 'data/7.txt')}`);
    assert.match(result.stack ?? '', /pipeline\.ts/);
    assert.equal(result.timedOut, undefined);
    assert.equal(fs.existsSync(path.join(dir, 'out/7.csv')), false);
  });

  it('hashes the outputs asked for on the thread once the function has returned, and the inputs asked for before it runs', async () => {
    const dir = writeProject({
      'pipeline.ts': `
        import fs from 'node:fs';
        import { pipeline, step } from 'sluice';
        export default pipeline({
          split: step({ in: 'a/{x}', out: ['b/{x}.read', 'b/{x}.final'], run: ({ input, outputs }) => {
            fs.writeFileSync(outputs[0], 'read by another task');
            fs.writeFileSync(outputs[1], 'read by nobody');
            // What the function read is what was hashed: a change now is not in the digest.
            fs.appendFileSync(input, ' and more');
          } }),
        });`,
      'a/1': 'the input',
    });
    const plan = await planFile(path.join(dir, 'pipeline.ts'));
    const task = plan.tasks[0]!;
    const input = path.join(dir, 'a/1');
    const before = { ...statFile(input)!, hash: await hashFile(input) };
    const outputs = task.outputs.map((output) => path.join(dir, output));
    fs.mkdirSync(path.join(dir, 'b'));
    const asked = BigInt(Date.now()) * 1_000_000n;
    const result = await runner.run(task, outputs, { digest: [0], hashInputs: [0] });
    assert.ok(result.ok);
    const stat = statFile(outputs[0]!)!;
    const [written, unasked] = result.digests ?? [];
    assert.deepEqual({ ...written, hashedAtNs: undefined }, { ...stat, hash: await hashFile(outputs[0]!), hashedAtNs: undefined });
    assert.equal(unasked, undefined);
    // Taken before the stat, after the run was asked for.
    assert.ok(written?.hashedAtNs !== undefined && written.hashedAtNs >= asked && written.hashedAtNs <= stat.mtimeNs + 1_000_000_000n);
    const [read] = result.inputDigests ?? [];
    assert.deepEqual({ ...read, hashedAtNs: undefined }, { ...before, hashedAtNs: undefined });
    assert.notEqual(read?.hash, await hashFile(input), 'the input changed after it was hashed');
    const plain = await runner.run(task, outputs);
    assert.deepEqual(withoutUsage(plain), { ok: true });
  });

  it('refuses to run a function that changed since the plan was made', async () => {
    const source = (body: string): string => `
      import fs from 'node:fs';
      import { pipeline, step } from 'sluice';
      export default pipeline({ make: step({ in: 'a/{x}', out: 'b/{x}', run: ({ output }) => fs.writeFileSync(output, '${body}') }) });
    `;
    const dir = writeProject({ 'pipeline.ts': source('old'), 'a/1': '' });
    const plan = await planFile(path.join(dir, 'pipeline.ts'));
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), source('new'));
    const fresh = createFunctionRunner({ threads: 1 });
    try {
      const result = await runStaged(fresh, plan.tasks[0]!);
      assert.ok(!result.ok);
      assert.match(result.message, /^The function of step `make` of .*pipeline\.ts changed since the run was planned; run sluice again/);
      assert.equal(fs.existsSync(path.join(dir, 'b/1')), false);
    } finally {
      await fresh.close();
    }
  });
});
