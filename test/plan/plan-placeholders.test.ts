import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PlanError } from '../../src/errors.ts';
import { all, cmd, pipeline, sh, step } from '../../src/plan/define-pipeline.ts';
import { planMap } from '../../src/plan/plan-map.ts';
import { planPipeline } from '../../src/plan/plan-pipeline.ts';
import { renderArgv, renderShellScript } from '../../src/kernel/render-action.ts';
import type { Task } from '../../src/kernel/task.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

// Every placeholder a pipeline's step can name expands; none reaches the command as its literal
// text. An error about an unknown placeholder lists the known ones: each of them must work.

function folderWith(files: string[]): string {
  const dir = makeTempDir('sluice-placeholders-');
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), file);
  }
  return dir;
}

function planOne(definition: ReturnType<typeof pipeline>, files: string[], params = {}): Task {
  const dir = folderWith(files);
  const plan = planPipeline(definition, { file: path.join(dir, 'pipeline.ts'), params });
  assert.equal(plan.tasks.length, 1);
  return plan.tasks[0] as Task;
}

function knownIn(error: unknown): string[] {
  assert.ok(error instanceof PlanError, String(error));
  const list = /Known placeholders: (.*?)\. Write/.exec(error.message)?.[1];
  assert.ok(list !== undefined, error.message);
  // Names are listed in braces, separated by spaces; a name may itself hold no brace.
  return [...list.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] as string);
}

describe('pipeline placeholders', () => {
  it('expands {in.0} and {in.1} of a list input, and {out.0} {out.1} of a list output', () => {
    const task = planOne(
      pipeline({
        pair: step({
          in: ['reads/{s}_1.fq', 'reads/{s}_2.fq'],
          out: ['bam/{s}.bam', 'bam/{s}.log'],
          run: cmd('align', '{in.0}', '{in.1}', '--out={out.0}', '--log', '{out.1}'),
        }),
      }),
      ['reads/x_1.fq', 'reads/x_2.fq'],
    );
    assert.deepEqual(renderArgv(task.action, task.outputs), ['align', 'reads/x_1.fq', 'reads/x_2.fq', '--out=bam/x.bam', '--log', 'bam/x.log']);
  });

  it('expands {in.0} of a single input, and in an sh() script, quoted', () => {
    const task = planOne(
      pipeline({ one: step({ in: 'data/{s} x.txt', out: 'out/{s}.txt', run: sh('cat {in.0} {in.0} > {out.0}') }) }),
      ['data/a x.txt'],
    );
    assert.equal(task.action.kind, 'shell');
    if (task.action.kind === 'shell') assert.equal(renderShellScript(task.action, task.outputs), "cat 'data/a x.txt' 'data/a x.txt' > out/a.txt");
  });

  it('refuses {in.2} of a two-input list, naming {in.0} and {in.1} as known', () => {
    const definition = pipeline({
      pair: step({ in: ['a/{s}.1', 'a/{s}.2'], out: 'o/{s}', run: cmd('cat', '{in.2}', '{out}') }),
    });
    const dir = folderWith(['a/x.1', 'a/x.2']);
    assert.throws(
      () => planPipeline(definition, { file: path.join(dir, 'pipeline.ts'), params: {} }),
      (error: unknown) => {
        assert.match((error as Error).message, /Unknown placeholder `\{in\.2\}`/);
        assert.ok(knownIn(error).includes('in.0') && knownIn(error).includes('in.1'));
        return true;
      },
    );
  });

  it('makes every placeholder an error message lists as known work', () => {
    const files = ['data/x.tar.gz', 'ref/x.fa', 'more/x.txt', 'more/y.txt'];
    const make = (word: string) =>
      pipeline({
        params: { depth: 3, 'min-len': 5 },
        steps: () => ({
          s: step({
            in: { reads: 'data/{sample}.tar.gz', 'the-ref': 'ref/{sample}.fa', 'r.1': 'ref/{sample}.fa', extra: all('more/{other}.txt') },
            out: { main: 'out/{sample}.txt', 'side-car': 'out/{sample}.side' },
            run: cmd('tool', word),
          }),
        }),
      });
    let known: string[] = [];
    assert.throws(() => planOne(make('{nosuch}'), files, { depth: 3, 'min-len': 5 }), (error: unknown) => {
      known = knownIn(error);
      return true;
    });
    for (const name of ['in.reads', 'in.the-ref', 'in.r.1', 'in.extra', 'out.main', 'out.side-car', 'param.depth', 'param.min-len', 'sample', '#']) {
      assert.ok(known.includes(name), `{${name}} is listed as known: ${known.join(' ')}`);
    }
    for (const name of known) {
      const word = `{${name}}`;
      let task: Task;
      try {
        task = planOne(make(word), files, { depth: 3, 'min-len': 5 });
      } catch (error) {
        // The built-in input placeholders need one input path: the first input here is one.
        assert.fail(`${word} is listed as known, and planning with it failed: ${(error as Error).message}`);
      }
      const argv = renderArgv(task.action, task.outputs, 1);
      assert.ok(argv.length >= 2, word);
      for (const arg of argv.slice(1)) assert.ok(!arg.includes(word), `${word} reached the command as text: ${argv.join(' ')}`);
    }
  });
});

describe('pipeline placeholders of steps without one input path', () => {
  const shapes: Array<[string, (word: string) => ReturnType<typeof pipeline>]> = [
    ['no input', (word) => pipeline({ s: step({ out: 'out/made.txt', run: cmd('tool', word) }) })],
    ['a gather first', (word) => pipeline({ s: step({ in: { all: all('more/{o}.txt'), one: 'ref/x.fa' }, out: 'out/made.txt', run: cmd('tool', word) }) })],
  ];
  for (const [name, make] of shapes) {
    it(`lists only placeholders that work, for a step with ${name}`, () => {
      const files = ['ref/x.fa', 'more/x.txt', 'more/y.txt'];
      let known: string[] = [];
      assert.throws(() => planOne(make('{nosuch}'), files), (error: unknown) => {
        known = knownIn(error);
        return true;
      });
      assert.ok(known.includes('out') && known.includes('#'), known.join(' '));
      assert.ok(!known.includes('stem'), `{stem} needs one input path: ${known.join(' ')}`);
      for (const listed of known) {
        const word = `{${listed}}`;
        const task = planOne(make(word), files);
        const argv = renderArgv(task.action, task.outputs, 1);
        assert.ok(!argv.slice(1).some((arg) => arg.includes(word)), `${word} reached the command as text: ${argv.join(' ')}`);
      }
    });
  }
});

describe('map placeholders', () => {
  it('makes every placeholder an error message lists as known work', () => {
    let known: string[] = [];
    assert.throws(() => planMap({ command: ['echo', '{nosuch}'], shell: false, inputs: ['a/b.txt'], cwd: '/', retries: 0, checkProgram: false }), (error: unknown) => {
      known = knownIn(error);
      return true;
    });
    assert.ok(known.length >= 11, known.join(' '));
    assert.ok(!known.includes('out'), 'without --out, {out} is not listed');
    assert.throws(() => planMap({ command: ['echo', '{nosuch}'], shell: false, inputs: ['a/b.txt'], outTemplate: 'o/{#}', cwd: '/', retries: 0, checkProgram: false }), (error: unknown) => {
      known = knownIn(error);
      return true;
    });
    assert.ok(known.includes('out'), 'with --out, {out} is listed');
    for (const name of known) {
      const word = `{${name}}`;
      const [task] = planMap({ command: ['echo', word], shell: false, inputs: ['a/b.txt'], outTemplate: 'out/{#}', cwd: '/', retries: 0, checkProgram: false });
      const argv = renderArgv(task!.action, task!.outputs, 1);
      assert.ok(!argv.slice(1).some((arg) => arg.includes(word)), `${word} reached the command as text: ${argv.join(' ')}`);
    }
  });
});

describe('mistyped placeholders beyond a plain name', () => {
  // Names with a dash, a second dot or a star are placeholders when known (`{in.the-ref}`,
  // `{param.ref.path}`, `{param.list*}`): mistyped, they are errors too, never text for the command.
  const files = ['data/x.txt'];
  const make = (word: string) =>
    pipeline({
      params: { ref: { path: 'r.fa' }, 'min-len': 3, one: 'x', list: ['a'] },
      steps: () => ({ s: step({ in: { 'the-ref': 'data/{sample}.txt' }, out: 'out/{sample}.txt', run: cmd('tool', word, '{out}') }) }),
    });
  const params = { ref: { path: 'r.fa' }, 'min-len': 3, one: 'x', list: ['a'] };
  for (const word of ['{in.teh-ref}', '{param.ref.pth}', '{param.min-lne}', '{param.one*}', '{in.the-ref*}', '{param.lst*}', '{sample*}']) {
    it(`refuses ${word}`, () => {
      assert.throws(() => planOne(make(word), files, params), (error: unknown) => {
        assert.ok(error instanceof PlanError, String(error));
        assert.ok(error.message.includes(`Unknown placeholder \`${word}\``), error.message);
        return true;
      });
    });
  }

  it('still passes braces that are no attempt at a placeholder as text', () => {
    for (const word of ['{print $1}', '{a..c}', '{a.txt,b.txt}', '{1..3}', '{"k": 1}', 'x{ }', '${DEBUG-}', '${MODE-fast}']) {
      const task = planOne(make(word), files, params);
      assert.deepEqual(renderArgv(task.action, task.outputs), ['tool', word, 'out/x.txt']);
    }
  });
});
