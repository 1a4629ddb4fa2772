import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// A log is written in place, before and beside the task's staged outputs, and removed as an
// attempt starts. Before these checks a log inside the step's own directory() output vanished
// when the folder was renamed into place, a log in `.sluice/` overwrote the state database, and
// a log naming a folder of outputs failed its task with a bare error at run time.

function project(log: string): string {
  const dir = makeTempDir('sluice-log-places-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data/a.txt'), 'a\n');
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh, directory } from 'sluice';
export default pipeline({
  a: step({ in: 'data/{p}.txt', out: 'out/{p}.txt', run: sh('cat {in} > {out}') }),
  b: step({ in: 'data/{p}.txt', out: directory('chunks/{p}'), log: ${JSON.stringify(log)}, run: sh('echo diagnostics > {log}; cp {in} {out}/y') }),
});`,
  );
  return dir;
}

describe('where a log may lie', () => {
  it('refuses, before anything runs, a log inside an output folder, in .sluice/, or that is a folder of outputs', async () => {
    const cases: Array<[string, RegExp]> = [
      ['chunks/{p}/b.log', /Log `chunks\/a\/b\.log` of task `b\[p=a\]` lies inside `chunks\/a\/`, an output of task `b\[p=a\]`/],
      ['chunks/{p}/deep/b.log', /Log `chunks\/a\/deep\/b\.log` of task `b\[p=a\]` lies inside `chunks\/a\/`/],
      ['out/{p}.txt/b.log', /Log `out\/a\.txt\/b\.log` of task `b\[p=a\]` lies inside `out\/a\.txt`, an output of task `a\[p=a\]`/],
      ['.sluice/state.db', /Expected `log` of step `b` in .*pipeline\.ts to lie outside `\.sluice\/` \(sluice's own state\), got `\.sluice\/state\.db`/],
      ['./.sluice/logs/{p}', /to lie outside `\.sluice\/`/],
      ['out', /Log `out` of task `b\[p=a\]` is a folder that holds `out\/a\.txt`, an output of task `a\[p=a\]`/],
      ['chunks', /Log `chunks` of task `b\[p=a\]` is a folder that holds `chunks\/a\/`/],
    ];
    for (const [log, expected] of cases) {
      const dir = project(log);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, `${log}\n${result.stderr}`);
      assert.match(result.stderr, expected, log);
      assert.equal(fs.existsSync(path.join(dir, 'out')), false, `${log}: nothing ran`);
    }
  });

  it('compares logs with outputs, inputs and other logs by where they resolve, not by how they are written', async () => {
    const cases: Array<[string, RegExp]> = [
      [`x: step({ in: 'data/{p}.txt', out: 'out/{p}.x', log: '{{DIR}}/logs/{p}.log', run: sh('true') }),
        y: step({ in: 'data/{p}.txt', out: 'out/{p}.y', log: 'logs/{p}.log', run: sh('true') })`, /Two tasks would write log `logs\/a\.log`: task `x\[p=a\]` and task `y\[p=a\]`/],
      [`z: step({ in: 'data/{p}.txt', out: '{{DIR}}/out/{p}.z', log: 'out/{p}.z', run: sh('true') })`, /Log `out\/a\.z` of task `z\[p=a\]` is also an output of task `z\[p=a\]`/],
      [`x: step({ in: 'data/{p}.txt', out: 'out/{p}.x', log: '{{DIR}}/data/{p}.txt', run: sh('true') })`, /Log `data\/a\.txt` of task `x\[p=a\]` is an input of task `x\[p=a\]`/],
      [`x: step({ in: 'data/{p}.txt', out: directory('{{DIR}}/chunks/{p}'), log: 'chunks/{p}/x.log', run: sh('true') })`, /Log `chunks\/a\/x\.log` of task `x\[p=a\]` lies inside `.*chunks\/a\/`/],
    ];
    for (const [steps, expected] of cases) {
      const dir = makeTempDir('sluice-log-places-');
      fs.mkdirSync(path.join(dir, 'data'));
      fs.writeFileSync(path.join(dir, 'data/a.txt'), 'a\n');
      fs.writeFileSync(path.join(dir, 'pipeline.ts'), `import { pipeline, step, sh, directory } from 'sluice';\nexport default pipeline({\n${steps.replaceAll('{{DIR}}', dir)},\n});`);
      const result = await runSluice(['run'], { cwd: dir });
      assert.equal(result.code, 2, `${steps}\n${result.stderr}`);
      assert.match(result.stderr, expected, steps);
    }
  });

  it('keeps a log beside the folder output, and the state database whole', async () => {
    const dir = project('logs/{p}.log');
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'logs/a.log'), 'utf8'), 'diagnostics\n');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'chunks/a')), ['y']);
    assert.equal(fs.readFileSync(path.join(dir, '.sluice/state.db')).subarray(0, 15).toString(), 'SQLite format 3');
  });
});
