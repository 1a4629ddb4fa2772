// A failed task whose command is huge (a gather of thousands of files into one sh script, which
// Linux refuses: one argument may hold 128 KiB) is reported with the ends of its command, not the
// whole of it (it buried the report: half a megabyte on the terminal); the HTML report keeps it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

test('a gather too long for one argument fails with E2BIG named, and its command shortened in the report', async () => {
  const cwd = makeTempDir('sluice-long-command-');
  fs.mkdirSync(path.join(cwd, 'data'));
  const names = Array.from({ length: 3000 }, (_, i) => `sample-with-a-rather-long-name-${String(i).padStart(5, '0')}`);
  for (const name of names) fs.writeFileSync(path.join(cwd, 'data', `${name}.txt`), '');
  fs.writeFileSync(
    path.join(cwd, 'pipeline.ts'),
    `import { pipeline, step, sh, all } from 'sluice';
export default pipeline({ count: step({ in: { all: all('data/{n}.txt') }, out: 'count.txt', run: sh('ls {in.all} | wc -l > {out}') }) });
`,
  );
  const result = await runSluice(['run'], { cwd });
  assert.equal(result.code, 1, result.stderr.slice(0, 4000));
  assert.match(result.stderr, /Argument list too long/);
  assert.ok(result.stderr.length < 10_000, `the report is ${result.stderr.length} characters long`);
  assert.match(result.stderr, /command: {2}.*ls data\/sample-with-a-rather-long-name-00000\.txt .* … \(\d+ characters left out; `sluice report` shows the whole command\) … .*02999\.txt \| wc -l/);
  const report = await runSluice(['report', '-o', 'run.html'], { cwd });
  assert.equal(report.code, 0, report.stderr);
  const html = fs.readFileSync(path.join(cwd, 'run.html'), 'utf8');
  assert.ok(names.every((name) => html.includes(`data/${name}.txt`)), 'the HTML report holds the whole command');
});
