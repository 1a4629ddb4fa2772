// A success recorded by a run that was then killed (SIGKILL: nothing written after) is in the
// report with its attempt: the attempt's row is written with the success, not in a later batch.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir, runSluice, startSluice } from '../helpers/run-sluice.ts';

const PIPELINE = `
import { pipeline, step, cmd, sh } from 'sluice';

export default pipeline({
  quick: step({ in: 'data/{n}.txt', out: 'done/{n}.txt', run: cmd('cp', '{in}', '{out}') }),
  slow: step({ in: 'data/{n}.txt', out: 'slow/{n}.txt', run: sh('while [ ! -e stop ]; do sleep 0.05; done; cp {in} {out}') }),
});
`;

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > 60_000) assert.fail(`waited a minute for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('report --tasks after a SIGKILL lists every task whose success was recorded, with its attempt', { timeout: 120_000 }, async () => {
  const root = makeTempDir('sluice-report-kill-');
  fs.mkdirSync(path.join(root, 'data'));
  for (const n of ['a', 'b']) fs.writeFileSync(path.join(root, 'data', `${n}.txt`), `${n}\n`);
  fs.writeFileSync(path.join(root, 'pipeline.ts'), PIPELINE);

  const run = startSluice(['run', '-j', '4'], { cwd: root });
  try {
    // An output is renamed into place once its success is written.
    await waitFor(() => ['a', 'b'].every((n) => fs.existsSync(path.join(root, 'done', `${n}.txt`))), 'the quick tasks');
    run.child.kill('SIGKILL');
    assert.equal((await run.done).signal, 'SIGKILL');
  } finally {
    fs.writeFileSync(path.join(root, 'stop'), '');
  }

  const report = await runSluice(['report', '--tasks', '-'], { cwd: root });
  assert.equal(report.code, 0, report.stderr);
  const rows = report.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter(([step]) => step === 'quick')
    .map(([step, wildcards, status, attempt]) => [step, wildcards, status, attempt].join(' '))
    .sort();
  assert.deepEqual(rows, ['quick n=a succeeded 1', 'quick n=b succeeded 1']);

  // The next run takes the kill over, finishes the slow tasks and runs no quick one again.
  const next = await runSluice(['run', '-j', '4'], { cwd: root });
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stderr, /2 succeeded/);
});
