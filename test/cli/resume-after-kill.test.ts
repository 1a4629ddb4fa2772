import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice, startSluice } from '../helpers/run-sluice.ts';

// Each task records its start in journal/, sleeps a little while writing its output in pieces
// (so a kill can land mid-write), and the last step gathers everything.
const PIPELINE = `
import { pipeline, step, sh, all } from 'sluice';

const slow = (what: string) =>
  sh('echo "' + what + '" >> journal.log; for i in 1 2 3; do cat {in}; echo "' + what + ' $i"; sleep 0.0$(( $(od -An -N1 -tu1 /dev/urandom) % 9 + 1)); done > {out}');

export default pipeline({
  first: step({ in: 'data/{s}.txt', out: 'work/{s}.one', run: slow('first {s}') }),
  second: step({ in: 'work/{s}.one', out: 'out/{s}.two', run: slow('second {s}') }),
  total: step({ in: { all: all('out/{s}.two') }, out: 'out/total.txt', run: sh('echo total >> journal.log; cat {in.all} > {out}') }),
});
`;

function project(): string {
  const dir = makeTempDir('sluice-kill-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (let index = 0; index < 10; index++) fs.writeFileSync(path.join(dir, 'data', `s${index}.txt`), `sample ${index}\n`);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

function takeJournal(dir: string): string[] {
  const file = path.join(dir, 'journal.log');
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '') : [];
  fs.rmSync(file, { force: true });
  return lines;
}

// Which task made each final output: "first s3" for work/s3.one.
function finishedTasks(dir: string): string[] {
  const tasks: string[] = [];
  for (const file of listFiles(path.join(dir, 'work'))) if (file.endsWith('.one')) tasks.push(`first ${file.slice(0, -4)}`);
  for (const file of listFiles(path.join(dir, 'out'))) {
    if (file.endsWith('.two')) tasks.push(`second ${file.slice(0, -4)}`);
    if (file === 'total.txt') tasks.push('total');
  }
  return tasks;
}

function temporaries(dir: string): string[] {
  return listFiles(dir).filter((file) => file.includes('.sluice-tmp-'));
}

describe('resume after SIGKILL', () => {
  it('finishes what is left, never re-runs a finished task, and ends byte-identical', async () => {
    const reference = project();
    const clean = await runSluice(['run', '-j', '2'], { cwd: reference });
    assert.equal(clean.code, 0, clean.stderr);

    const dir = project();
    const finished = new Set<string>();
    let kills = 0;
    for (let round = 0; round < 8; round++) {
      const run = startSluice(['run', '-j', '2'], { cwd: dir });
      const delay = 150 + Math.floor(Math.random() * 700);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), delay);
      const result = await run.done;
      clearTimeout(timer);
      // Give the launcher a moment to end the killed run's tasks.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ran = takeJournal(dir);
      const rerun = ran.filter((task) => finished.has(task));
      assert.deepEqual(rerun, [], `round ${round}: tasks that had finished ran again`);
      for (const task of finishedTasks(dir)) finished.add(task);
      if (result.signal === 'SIGKILL') kills++;
      else {
        assert.equal(result.code, 0, result.stderr);
        break;
      }
    }
    const last = await runSluice(['run', '-j', '2'], { cwd: dir });
    assert.equal(last.code, 0, last.stderr);
    const ranAtLast = takeJournal(dir);
    assert.deepEqual(ranAtLast.filter((task) => finished.has(task)), [], 'the last run re-ran finished tasks');
    assert.ok(kills > 0, 'at least one run was killed');
    for (const folder of ['work', 'out']) {
      const files = listFiles(path.join(reference, folder));
      assert.deepEqual(listFiles(path.join(dir, folder)), files);
      for (const file of files) {
        if (file.endsWith('/')) continue;
        // Outputs hold random sleep-free content only: compare bytes exactly.
        assert.deepEqual(fs.readFileSync(path.join(dir, folder, file)), fs.readFileSync(path.join(reference, folder, file)), file);
      }
    }
    assert.deepEqual(temporaries(dir), [], 'no temporary file of a killed run is left');
  });
});
