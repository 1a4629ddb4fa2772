import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { openSqlite } from '../../src/state/store/open-sqlite.ts';
import { listFiles, makeTempDir, runSluice, startSluice, takeRanLog as ranLog, waitFor } from '../helpers/run-sluice.ts';
import { writeOldFile } from '../state/helpers.ts';

// A three-step pipeline: per-patient conversion, a second per-patient step, and a gather. Each
// command appends to `ran.log`, so a test can tell which tasks ran.
const PIPELINE = `
import { pipeline, step, cmd, sh, all } from 'sluice';

export default pipeline({
  params: { label: 'total', rows: 2 },
  steps: (p) => ({
    upper: step({
      in: 'data/{patient}.txt',
      out: 'work/{patient}.up',
      run: sh('echo "upper {patient}" >> ran.log; tr a-z A-Z < {in} > {out}'),
    }),
    head: step({
      in: 'work/{patient}.up',
      out: 'out/{patient}.txt',
      run: sh('echo "head {patient}" >> ran.log; head -n {param.rows} {in} > {out}'),
    }),
    summary: step({
      in: { parts: all('out/{patient}.txt') },
      out: \`out/\${p.label}.sum\`,
      run: cmd('sh', '-c', 'echo summary >> ran.log; cat "$@"', 'sh', '{in.parts}'),
      stdout: true,
    }),
  }),
});
`;

function project(): string {
  const dir = makeTempDir('sluice-run-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (const patient of ['a', 'b', 'c']) fs.writeFileSync(path.join(dir, 'data', `${patient}.txt`), `${patient}1\n${patient}2\n${patient}3\n`);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

describe('sluice run', () => {
  it('runs the DAG, then nothing, then only what an edit touched', async () => {
    const dir = project();
    const first = await runSluice(['run'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/total.sum'), 'utf8'), 'A1\nA2\nB1\nB2\nC1\nC2\n');
    assert.deepEqual(ranLog(dir), ['head a', 'head b', 'head c', 'summary', 'upper a', 'upper b', 'upper c']);

    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(ranLog(dir), []);
    assert.match(again.stderr, /7 up to date/);

    fs.utimesSync(path.join(dir, 'data/b.txt'), new Date(), new Date(Date.now() + 5000));
    const touched = await runSluice(['run'], { cwd: dir });
    assert.deepEqual(ranLog(dir), [], `touch without a change runs nothing\n${touched.stderr}`);

    // Same first two lines: head's output is unchanged, so the summary does not run again.
    fs.appendFileSync(path.join(dir, 'data/b.txt'), 'b4\n');
    const edited = await runSluice(['run'], { cwd: dir });
    assert.equal(edited.code, 0, edited.stderr);
    assert.deepEqual(ranLog(dir), ['head b', 'upper b']);
  });

  it('re-runs a step whose command changed, and what its changed outputs feed', async () => {
    const dir = project();
    await runSluice(['run'], { cwd: dir });
    ranLog(dir);
    const file = path.join(dir, 'pipeline.ts');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('head -n {param.rows}', 'tail -n {param.rows}'));
    const dry = await runSluice(['run', '--dry-run', '--explain'], { cwd: dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /head\[patient=a\]: sh: .*tail -n 2 work\/a\.up > out\/a\.txt\n {2}because: command changed/);
    assert.match(dry.stdout, /summary: sh -c .* > out\/total\.sum\n {2}because: an input will be remade first: out\/a\.txt/);
    assert.match(dry.stdout, /4 tasks would run, 3 up to date/);
    assert.deepEqual(ranLog(dir), [], 'a dry run runs nothing');
    await runSluice(['run'], { cwd: dir });
    assert.deepEqual(ranLog(dir), ['head a', 'head b', 'head c', 'summary']);
    assert.equal(fs.readFileSync(path.join(dir, 'out/total.sum'), 'utf8'), 'A2\nA3\nB2\nB3\nC2\nC3\n');
  });

  it('takes parameters, validates them, and resolves paths against the pipeline folder', async () => {
    const dir = project();
    const elsewhere = makeTempDir();
    const result = await runSluice(['run', '-f', path.join(dir, 'pipeline.ts'), '--param', 'rows=1', '--param', 'label=one'], { cwd: elsewhere });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/one.sum'), 'utf8'), 'A1\nB1\nC1\n');
    assert.deepEqual(listFiles(elsewhere), []);
    const unknown = await runSluice(['run', '--param', 'colour=red'], { cwd: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown parameter `colour`: pipeline\.ts declares `label`, `rows`/);
    const wrong = await runSluice(['run', '--param', 'rows=many'], { cwd: dir });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /Expected parameter `rows` to be a number, got `many`/);
  });

  it('runs only what a target needs, and forces a step', async () => {
    const dir = project();
    const target = await runSluice(['run', 'out/b.txt'], { cwd: dir });
    assert.equal(target.code, 0, target.stderr);
    assert.deepEqual(ranLog(dir), ['head b', 'upper b']);
    const step = await runSluice(['run', 'upper'], { cwd: dir });
    assert.equal(step.code, 0, step.stderr);
    assert.deepEqual(ranLog(dir), ['upper a', 'upper c']);
    await runSluice(['run'], { cwd: dir });
    ranLog(dir);
    const forced = await runSluice(['run', '--force', 'upper'], { cwd: dir });
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(ranLog(dir), ['upper a', 'upper b', 'upper c'], 'identical outputs stop the re-run there');
    const unknown = await runSluice(['run', 'nope'], { cwd: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown target `nope`/);
  });

  it('after a crash between recording a success and renaming its output, moves the output into place', async () => {
    const dir = project();
    await runSluice(['run'], { cwd: dir });
    ranLog(dir);
    // What a SIGKILL right after the record leaves: the output still staged, recorded as done.
    fs.mkdirSync(path.join(dir, 'out/.sluice-tmp-killed-2'));
    fs.renameSync(path.join(dir, 'out/b.txt'), path.join(dir, 'out/.sluice-tmp-killed-2/b.txt'));
    // And a half-written output of an attempt that never finished.
    fs.mkdirSync(path.join(dir, 'out/.sluice-tmp-killed-3'));
    fs.writeFileSync(path.join(dir, 'out/.sluice-tmp-killed-3/c.txt'), 'partial');
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(ranLog(dir), [], 'nothing ran again');
    assert.equal(fs.readFileSync(path.join(dir, 'out/b.txt'), 'utf8'), 'B1\nB2\n');
    assert.equal(fs.readFileSync(path.join(dir, 'out/c.txt'), 'utf8'), 'C1\nC2\n');
    assert.deepEqual(listFiles(path.join(dir, 'out')).filter((file) => file.includes('sluice-tmp')), []);
  });

  it('reports status per step and cleans a step', async () => {
    const dir = project();
    await runSluice(['run'], { cwd: dir });
    const clean = await runSluice(['clean', 'head'], { cwd: dir });
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual(listFiles(path.join(dir, 'out')), ['total.sum']);
    const status = await runSluice(['status'], { cwd: dir });
    assert.equal(status.code, 1, `some step is out of date: exit 1, as make -q\n${status.stderr}`);
    assert.match(status.stdout, /upper +up to date +3 +3 +0 +0/);
    assert.match(status.stdout, /head +out of date +3 +0 +3 +0/);
    assert.match(status.stdout, /summary +out of date +1 +0 +1 +0/);
  });

  it('refuses a second sluice on the same folder, naming the running one', async () => {
    const dir = project();
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, sh } from 'sluice';
export default pipeline({ slow: step({ in: 'data/{p}.txt', out: 'out/{p}', run: sh('touch started; sleep 30; cp {in} {out}') }) });`,
    );
    const first = startSluice(['run', '-j', '1'], { cwd: dir });
    await waitFor(() => fs.existsSync(path.join(dir, 'started')));
    const second = await runSluice(['run'], { cwd: dir });
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, new RegExp(`pid ${first.child.pid}`));
    first.child.kill('SIGKILL');
    await first.done;
    // The lock left by the killed run is recovered.
    const third = await runSluice(['run', '--dry-run'], { cwd: dir });
    assert.equal(third.code, 0, third.stderr);
  });
});

describe('sluice run plan errors', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a missing pipeline file', '', /No pipeline file in .*: expected one of pipeline\.ts/],
    [
      'a cycle',
      `import { pipeline, step, cmd } from 'sluice';
export default pipeline({
  seed: step({ in: 'data/{p}.txt', out: 'w/{p}.a', run: cmd('cp', '{in}', '{out}') }),
  one: step({ in: { a: 'w/{p}.a', c: 'w/{p}.c' }, out: 'w/{p}.b', run: cmd('cp', '{in.a}', '{out}') }),
  two: step({ in: 'w/{p}.b', out: 'w/{p}.c', run: cmd('cp', '{in}', '{out}') }),
});`,
      /Cycle between steps: .*pipeline\.ts/,
    ],
    [
      'a file that does not export a pipeline',
      `export const x = 1;`,
      /Expected .*pipeline\.ts to `export default pipeline/,
    ],
    [
      'a syntax error',
      `export default pipeline({ oops`,
      /Could not load pipeline .*pipeline\.ts/,
    ],
  ];
  for (const [name, source, message] of cases) {
    it(`refuses ${name} with exit 2 and runs nothing`, async () => {
      const dir = project();
      if (source === '') fs.rmSync(path.join(dir, 'pipeline.ts'));
      else fs.writeFileSync(path.join(dir, 'pipeline.ts'), source);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.ok(!fs.existsSync(path.join(dir, 'w')) && !fs.existsSync(path.join(dir, 'ran.log')));
    });
  }
});

describe('sluice run with function steps', () => {
  it('runs TypeScript functions on worker threads beside commands, sharing the DAG', async () => {
    const dir = project();
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import fs from 'node:fs';
import { pipeline, step, cmd, all } from 'sluice';

export default pipeline({
  params: { factor: 2 },
  steps: {
    count: step({
      in: 'data/{patient}.txt',
      out: { lines: 'work/{patient}.count' },
      run: ({ input, outputs, wildcards, params }) => {
        const n = fs.readFileSync(input, 'utf8').trim().split('\\n').length;
        fs.writeFileSync(outputs.lines, \`\${wildcards.patient} \${n * Number(params.factor)}\\n\`);
      },
    }),
    total: step({ in: { counts: all('work/{patient}.count') }, out: 'out/total.txt', run: cmd('cat', '{in.counts}'), stdout: true }),
    broken: step({ in: 'data/{patient}.txt', out: 'never/{patient}', run: () => { throw new Error('record 7 is bad'); } }),
  },
});`,
    );
    const result = await runSluice(['run', 'total'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/total.txt'), 'utf8'), 'a 6\nb 6\nc 6\n');
    assert.match(result.stderr, /\[sluice launcher\] ready/, 'the command step started the launcher');
    // A function that returned has nothing to log, and the command wrote nothing to standard
    // error: an empty stream leaves no file.
    const logs = listFiles(path.join(dir, '.sluice/logs')).map((file) => path.basename(file)).filter((name) => /^\d+\.\d+\./.test(name));
    assert.deepEqual(logs, []);
    assert.deepEqual([...listFiles(path.join(dir, 'work')), ...listFiles(path.join(dir, 'out'))].filter((f) => f.includes('.sluice-tmp-')), []);
    const again = await runSluice(['run', 'total', '--param', 'factor=3'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/total.txt'), 'utf8'), 'a 9\nb 9\nc 9\n', 'a parameter a function reads re-runs it');
    const broken = await runSluice(['run', 'broken', '-j', '1'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
    assert.equal(broken.code, 1);
    assert.doesNotMatch(broken.stderr, /sluice launcher/, 'function steps alone start no launcher');
    assert.match(broken.stderr, /broken\[patient=a\] the function threw: record 7 is bad/);
    assert.match(broken.stderr, /\| Error: record 7 is bad/);
    const log = /log: +(\S+)/.exec(broken.stderr)?.[1];
    assert.ok(log !== undefined && fs.readFileSync(path.join(dir, log), 'utf8').includes('record 7 is bad'), broken.stderr);
    assert.ok(!fs.existsSync(path.join(dir, 'never')) || listFiles(path.join(dir, 'never')).length === 0);
  });
  it('signs a first run with the hashes its threads took of the inputs as the functions read them', async () => {
    const dir = makeTempDir('sluice-run-sign-');
    for (const p of ['a', 'b']) writeOldFile(path.join(dir, 'data', `${p}.txt`), `${p}1\n${p}2\n`);
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import fs from 'node:fs';
import { pipeline, step } from 'sluice';
export default pipeline({
  copy: step({
    in: 'data/{p}.txt',
    out: 'out/{p}.txt',
    run: ({ input, output, wildcards }) => {
      fs.appendFileSync('ran.log', wildcards.p + '\\n');
      fs.writeFileSync(output, fs.readFileSync(input));
      // Changed after it was read: the next run must see that the output is out of date.
      if (wildcards.p === 'b') fs.appendFileSync(input, 'b3\\n');
    },
  }),
});`,
    );
    // A first run starts the worker threads before it plans: a plan error still ends it at once.
    const refused = await runSluice(['run', 'nope'], { cwd: dir });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Unknown target `nope`/);
    const first = await runSluice(['run'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(ranLog(dir), ['a', 'b']);
    // The hash cache holds what the threads took, so that the next run need not read the inputs.
    const db = openSqlite(path.join(dir, '.sluice/state.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT hash FROM file_hashes WHERE path = ?').get(path.join(dir, 'data/a.txt')) as { hash: string } | undefined;
      assert.equal(row?.hash, createHash('sha256').update('a1\na2\n').digest('hex'));
    } finally {
      db.close();
    }
    const second = await runSluice(['run'], { cwd: dir });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(ranLog(dir), ['b'], 'a is up to date; b read an input that changed after');
  });
});

describe('sluice run with temporary intermediates', () => {
  const TEMP_PIPELINE = `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  upper: step({ in: 'data/{p}.txt', out: 'work/{p}.up', temp: true, run: sh('echo "upper {p}" >> ran.log; tr a-z A-Z < {in} > {out}') }),
  head: step({ in: 'work/{p}.up', out: 'out/{p}.txt', run: sh('echo "head {p}" >> ran.log; head -n RANGE {in} > {out}') }),
});`;

  it('deletes them once their consumers succeeded, without causing re-runs, and remakes them when needed', async () => {
    const dir = project();
    const file = path.join(dir, 'pipeline.ts');
    fs.writeFileSync(file, TEMP_PIPELINE.replace('RANGE', '1'));
    const first = await runSluice(['run'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(ranLog(dir), ['head a', 'head b', 'head c', 'upper a', 'upper b', 'upper c']);
    assert.deepEqual(listFiles(path.join(dir, 'work')), [], 'intermediates are deleted');
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'A1\n');

    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(ranLog(dir), [], 'deleted intermediates cause no re-run');
    assert.match(again.stderr, /6 up to date/);

    // A consumer's command changes: the intermediate must exist again for it.
    fs.writeFileSync(file, TEMP_PIPELINE.replace('RANGE', '2'));
    const dry = await runSluice(['run', '--dry-run', '--explain'], { cwd: dir });
    assert.match(dry.stdout, /upper\[p=a\]: .*\n {2}because: output missing: work\/a\.up/);
    const remade = await runSluice(['run'], { cwd: dir });
    assert.equal(remade.code, 0, remade.stderr);
    assert.deepEqual(ranLog(dir), ['head a', 'head b', 'head c', 'upper a', 'upper b', 'upper c']);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'A1\nA2\n');
    assert.deepEqual(listFiles(path.join(dir, 'work')), []);

    // A source of the intermediate changes: it is remade, and so is what reads it.
    fs.appendFileSync(path.join(dir, 'data/b.txt'), 'b4\n');
    await runSluice(['run'], { cwd: dir });
    assert.deepEqual(ranLog(dir), ['head b', 'upper b']);
    assert.deepEqual(listFiles(path.join(dir, 'work')), []);
  });
});

describe('sluice run --timeout and --retries', () => {
  it('apply to steps that set none', async () => {
    const dir = project();
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  slow: step({ in: 'data/a.txt', out: 'out/slow', run: sh('sleep 30; touch {out}') }),
  flaky: step({ in: 'data/b.txt', out: 'out/flaky', run: sh('n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; [ "$n" -ge 1 ] && touch {out}') }),
});`,
    );
    const result = await runSluice(['run', '--keep-going', '--timeout', '1s', '--retries', '1'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /✗ slow timed out after 1\.00 s/);
    assert.equal(fs.readFileSync(path.join(dir, 'count'), 'utf8'), '2\n', 'the flaky task ran twice');
    assert.ok(fs.existsSync(path.join(dir, 'out/flaky')));
  });
});

describe('sluice run with local modules', () => {
  it('re-runs a function step when a module the pipeline imports changes', async () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'helper.ts'), `export function word(): string { return 'one'; }\n`);
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import fs from 'node:fs';
import { pipeline, step } from 'sluice';
import { word } from './helper.ts';
export default pipeline({ say: step({ in: 'data/a.txt', out: 'out/word.txt', run: ({ output }) => fs.writeFileSync(output, word()) }) });`,
    );
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'out/word.txt'), 'utf8'), 'one');
    fs.writeFileSync(path.join(dir, 'helper.ts'), `export function word(): string { return 'two'; }\n`);
    const dry = await runSluice(['run', '--dry-run', '--explain'], { cwd: dir });
    assert.match(dry.stdout, /because: command changed/);
    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/word.txt'), 'utf8'), 'two');
  });
});
