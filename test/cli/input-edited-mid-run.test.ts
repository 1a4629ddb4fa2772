// A user edits an input while the task that reads it runs, after it read it, and dates the file
// back (as a copy with preserved times, an rsync or a checkout does). The output was made from the
// old content: the next run must run the task again, whether the step is a command or a function,
// and whether the edit kept the file's size.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';
import { HOUR_AGO, writeDated as dated } from '../helpers/noop-project.ts';

// Each task reads its input, says so (read/N), then waits for the test's `go` before it writes.
const STEPS = {
  command: `copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh('cat {in} > {out}; touch read/{n}; while [ ! -e go ]; do sleep 0.02; done') }),`,
  function: `copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: async ({ input, output, wildcards }) => {
    const text = fs.readFileSync(input, 'utf8');
    fs.writeFileSync('read/' + wildcards.n, '');
    while (!fs.existsSync('go')) await new Promise((resolve) => setTimeout(resolve, 20));
    fs.writeFileSync(output, text);
  } }),`,
};

function project(kind: keyof typeof STEPS): string {
  const dir = makeTempDir('sluice-mid-run-edit-');
  for (const folder of ['data', 'read']) fs.mkdirSync(path.join(dir, folder));
  for (const n of ['a', 'b']) dated(dir, `data/${n}.txt`, `${n} old\n`);
  fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import fs from 'node:fs';\nimport { pipeline, step, sh } from 'sluice';\nexport default pipeline({\n  ${STEPS[kind]}\n});\n`,
  );
  return dir;
}

describe('sluice run: an input edited while its task ran', () => {
  for (const kind of ['command', 'function'] as const) {
    for (const [edit, text] of [['new content', 'a is new\n'], ['new content of the same size', 'a NEW\n']] as const) {
      it(`runs the task again on the next run (${kind} step, ${edit}, dated back)`, async () => {
        const dir = project(kind);
        const first = startSluice(['run', '-j', '2'], { cwd: dir });
        await waitFor(() => fs.existsSync(path.join(dir, 'read', 'a')) && fs.existsSync(path.join(dir, 'read', 'b')));
        dated(dir, 'data/a.txt', text);
        fs.writeFileSync(path.join(dir, 'go'), '');
        const ran = await first.done;
        assert.equal(ran.code, 0, ran.stderr);
        assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'a old\n', 'the task read the old content');

        const again = await runSluice(['run'], { cwd: dir });
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stderr, /2 tasks: 1 succeeded, 1 up to date/);
        assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), text);
        const third = await runSluice(['run'], { cwd: dir });
        assert.match(third.stderr, /2 tasks: 2 up to date/);
      });
    }
  }
});
