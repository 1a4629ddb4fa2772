import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PlanError } from '../../src/errors.ts';
import { all, cmd, pipeline, sh, step, type Step } from '../../src/plan/define-pipeline.ts';
import { normalizeSteps } from '../../src/plan/normalize-step.ts';
import { planPipeline } from '../../src/plan/plan-pipeline.ts';
import { suggestName } from '../../src/plan/suggest-name.ts';

const FILE = '/work/p/pipeline.ts';

// `log` is accepted by the schema; its type and meaning come with the step logs.
function withLog(log: unknown): object {
  return { log };
}

function refusal(definition: ReturnType<typeof pipeline>, params: Record<string, never> = {}): string {
  try {
    normalizeSteps(definition, { file: FILE, params });
  } catch (error) {
    assert.ok(error instanceof PlanError, String(error));
    return error.message;
  }
  assert.fail('expected a plan error');
}

describe('checking pipeline definitions', () => {
  it('accepts every field a step takes, in each of its shapes', () => {
    const steps = normalizeSteps(
      pipeline({
        // Lists and records are for steps() and functions; the type says scalars.
        params: { rows: 2, label: 'x', strict: false, samples: ['a', 'b'], table: { a: 1 } } as never,
        steps: {
          full: step({
            in: { reads: 'data/{x}.fq', ref: 'ref.fa', all: all('data/{y}.fq') },
            out: { bam: 'out/{x}.bam', stats: 'out/{x}.txt' },
            run: cmd('tool', '{in.reads}', '{out.bam}', '{param.rows}'),
            stdout: 'stats',
            temp: true,
            env: ['HOME', 'MY_VAR'],
            description: 'everything',
            slurm: { partition: 'short', account: 'lab', args: ['--qos=x'], tasksPerJob: 4 },
            cpus: 4,
            memory: '1.5G',
            timeout: 60_000,
            retries: 0,
            ...withLog({ trace: 'logs/{x}.trace' }),
          }),
          list: step({ in: ['a.txt', 'b.txt'], out: ['c.txt'], run: sh('cat {in} > {out}'), timeout: '1h30m', ...withLog(['l1', 'l2']) }),
          none: step({ out: 'made.txt', run: () => {}, ...withLog('logs/made.log'), memory: '512M', stdout: false }),
        },
      }),
      { file: FILE, params: { rows: 2, label: 'x', strict: false } },
    );
    assert.deepEqual(steps.map((s) => [s.name, s.cpus, s.timeoutMs, s.stdoutOutput]), [
      ['full', 4, 60_000, 1],
      ['list', 1, 5_400_000, undefined],
      ['none', 1, undefined, undefined],
    ]);
  });

  it('says which field is wrong and what it got, in one wording', () => {
    const bad = (spec: Record<string, unknown>): string =>
      refusal(pipeline({ s: step({ in: 'data/{x}.txt', out: 'out/{x}', run: cmd('cp', '{in}', '{out}'), ...spec } as never) }));
    assert.equal(bad({ cpus: 0 }), `Expected \`cpus\` of step \`s\` in ${FILE} to be a positive integer, got \`0\``);
    assert.match(bad({ in: 5 }), /^Expected `in` of step `s` in .* to be a path, a list of paths or a record of names to paths \(or to all\('pattern'\) or to lists of paths\), got `5`$/);
    // A gather not named in a record says how to name it.
    assert.match(bad({ in: all('x/{y}.txt') }), /^Expected `in` of step `s` .* got all\(`x\/\{y\}\.txt`\) \(a gather is named in a record of inputs: `in: \{ parts: all\('x\/\{y\}\.txt'\) \}`, then `\{in\.parts\}` in a command\)$/);
    assert.match(bad({ in: ['a', all('x')] }), /^Expected `in\[1\]` of step `s` .* got all\(`x`\) \(a gather is named in a record of inputs: `in: \{ parts: all\('x'\) \}`/);
    assert.match(bad({ in: ['a', null] }), /^Expected `in\[1\]` of step `s` in .* to be a path, got `null`$/);
    assert.match(bad({ env: 'HOME' }), /^Expected `env` of step `s` .* got `HOME`$/);
    assert.match(bad({ out: all('x') }), /^Expected `out` of step `s` .* got all\(`x`\) \(all\(...\) gathers inputs; it belongs in `in`\)$/);
    assert.match(bad({ log: { a: '' } }), /^Expected `log.a` of step `s` .* got an empty string$/);
    assert.match(bad({ slurm: { tasksPerJob: 'many' } }), /^Expected `slurm.tasksPerJob` of step `s` .* got `many`$/);
  });

  it('refuses unknown keys, suggesting the known one meant', () => {
    const bad = (spec: Record<string, unknown>): string =>
      refusal(pipeline({ s: step({ in: 'data/{x}.txt', out: 'out/{x}', run: cmd('cp', '{in}', '{out}'), ...spec } as never) }));
    assert.equal(bad({ ouput: 'x' }), `Unknown key \`ouput\` in step \`s\` of ${FILE}; did you mean \`out\`?`);
    assert.match(bad({ inputs: 'x' }), /did you mean `in`\?$/);
    assert.match(bad({ retry: 2 }), /did you mean `retries`\?$/);
    assert.match(bad({ memroy: '4G' }), /did you mean `memory`\?$/);
    assert.match(bad({ slurm: { acount: 'lab' } }), /^Unknown key `acount` in `slurm` of step `s` of .*; did you mean `account`\?$/);
    // Before: `rn` beside `in` was "did you mean `in`?", a key the step has; `run` is the one missing.
    const noRun = (spec: Record<string, unknown>): string => refusal(pipeline({ s: step({ in: 'data/{x}.txt', out: 'out/{x}', ...spec } as never) }));
    assert.match(noRun({ rn: cmd('cp', '{in}', '{out}') }), /^Unknown key `rn` in step `s` of .*; did you mean `run`\?$/);
    assert.match(refusal(pipeline({ s: step({ in: 'data/{x}.txt', ot: 'out/{x}', run: cmd('true') } as never) })), /did you mean `out`\?$/);
    assert.match(
      refusal(pipeline({ params: { a: 1 }, parms: { b: 2 }, steps: {} } as never)),
      /^Unknown key `parms` in pipeline\(\{\.\.\.\}\) of .*; did you mean `params`\?$/,
    );
  });

  it('suggests names by edit distance and by common other spellings', () => {
    const keys = ['in', 'out', 'run', 'cpus', 'timeout', 'retries'];
    assert.equal(suggestName('ouput', keys), 'out');
    assert.equal(suggestName('tiemout', keys), 'timeout');
    assert.equal(suggestName('input', keys), 'in');
    assert.equal(suggestName('threads', keys, { threads: 'cpus' }), 'cpus');
    assert.equal(suggestName('zebra', keys), undefined);
  });

  it('refuses one step under two names, and a step that a same-named one replaced', () => {
    const copy = step({ in: 'data/{x}.txt', out: 'out/{x}', run: cmd('cp', '{in}', '{out}') });
    assert.match(refusal(pipeline({ copy, again: copy })), /Steps `copy` and `again` of .* are one step\(\{\.\.\.\}\) registered under two names/);
    const helper = (folder: string): Record<string, Step> => ({ trim: step({ in: 'data/{x}.txt', out: `${folder}/{x}`, run: cmd('cp', '{in}', '{out}') }) });
    assert.match(
      refusal(pipeline({ steps: () => ({ ...helper('qc'), ...helper('aligned') }) })),
      /^A step made by step\(\{\.\.\.\}\) .*is not among the steps of .*: another step of the same name replaced it/,
    );
    // Steps made outside steps() (at the module's top level) and left out are not its concern.
    step({ out: 'unused', run: cmd('true') });
    assert.equal(normalizeSteps(pipeline({ steps: () => helper('qc') }), { file: FILE, params: {} }).length, 1);
  });

  it('points at the line of the pipeline file when steps() throws', () => {
    const message = refusal(pipeline({ steps: () => { throw new RangeError('no samples'); } }));
    assert.match(message, /^The steps of the pipeline in .* could not be made: RangeError: no samples \(at .*check-definition\.test\.ts:\d+:\d+\)$/);
  });

  it('refuses a list or record parameter in a command, and accepts it where only steps() reads it', () => {
    const definition = (run: ReturnType<typeof cmd>) => pipeline({ params: { samples: ['a', 'b'] }, steps: { s: step({ out: 'o', run }) } } as never);
    assert.match(refusal(definition(cmd('echo', '{param.samples}')), { samples: ['a', 'b'] } as never), /^Expected parameter `samples` used as `\{param.samples\}` in step `s` of .* got a list/);
    assert.equal(normalizeSteps(definition(cmd('echo', 'x')), { file: FILE, params: { samples: ['a', 'b'] } as never }).length, 1);
  });

  it('refuses an output that lies inside another output, before anything runs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-nest-'));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data/a.txt'), 'a');
    const definition = pipeline({
      whole: step({ in: 'data/{x}.txt', out: 'out/{x}', run: cmd('cp', '{in}', '{out}') }),
      part: step({ in: 'data/{x}.txt', out: path.join(dir, 'out/{x}/part.txt'), run: cmd('cp', '{in}', '{out}') }),
    });
    assert.throws(
      () => planPipeline(definition, { file: path.join(dir, 'pipeline.ts'), params: {} }),
      /Output `.*out\/a\/part\.txt` of task `part\[x=a\]` lies inside `out\/a`, an output of task `whole\[x=a\]`/,
    );
  });
});
