import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice, startSluice } from '../helpers/run-sluice.ts';

// Function steps on worker threads, many short tasks in flight at once (-j 2: two running and
// one held behind each thread), their successes written to SQLite in batches while the next
// tasks run. Whatever ends the run (SIGKILL, Ctrl-C, a function that throws), an output under its
// final name must have its success recorded (a later run never runs its task again), and no
// staged output is left. Each task appends its name to ran.log as it starts, and writes its
// output in pieces with short waits, so that an end can land mid-write.
function pipelineSource(dir: string, throwFor = ''): string {
  const ranLog = JSON.stringify(path.join(dir, 'ran.log'));
  return `
import fs from 'node:fs';
import { pipeline, step, all } from 'sluice';

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 6)));

async function copyInPieces(what: string, input: string, output: string): Promise<void> {
  fs.appendFileSync(${ranLog}, what + '\\n');
  if (what === ${JSON.stringify(throwFor)}) throw new Error('this one fails: ' + what);
  const text = fs.readFileSync(input, 'utf8');
  const fd = fs.openSync(output, 'w');
  try {
    for (let piece = 1; piece <= 3; piece++) {
      fs.writeSync(fd, text + what + ' ' + piece + '\\n');
      await pause();
    }
  } finally {
    fs.closeSync(fd);
  }
}

export default pipeline({
  first: step({ in: 'data/{s}.txt', out: 'work/{s}.one', run: ({ input, output, wildcards }) => copyInPieces('first ' + wildcards.s, input, output) }),
  second: step({ in: 'work/{s}.one', out: 'out/{s}.two', run: ({ input, output, wildcards }) => copyInPieces('second ' + wildcards.s, input, output) }),
  total: step({
    in: { all: all('out/{s}.two') },
    out: 'out/total.txt',
    run: ({ inputs, output }) => {
      fs.appendFileSync(${ranLog}, 'total\\n');
      fs.writeFileSync(output, inputs.all.map((file: string) => fs.readFileSync(file, 'utf8')).join(''));
    },
  }),
});
`;
}

const SAMPLES = 40;

function project(throwFor = ''): string {
  const dir = makeTempDir('sluice-fn-kill-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (let index = 0; index < SAMPLES; index++) fs.writeFileSync(path.join(dir, 'data', `s${String(index).padStart(2, '0')}.txt`), `sample ${index}\n`);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipelineSource(dir, throwFor));
  return dir;
}

function countLines(file: string): number {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').length - 1 : 0;
}

function takeRan(dir: string): string[] {
  const file = path.join(dir, 'ran.log');
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '') : [];
  fs.rmSync(file, { force: true });
  return lines;
}

// Which task made each output under its final name: "first s03" for work/s03.one (a killed
// run's staging folders hold partial outputs under other names: not final).
function finishedTasks(dir: string): string[] {
  const tasks: string[] = [];
  const finals = (folder: string): string[] => listFiles(path.join(dir, folder)).filter((file) => !file.includes('.sluice-tmp-'));
  for (const file of finals('work')) if (file.endsWith('.one')) tasks.push(`first ${file.slice(0, -4)}`);
  for (const file of finals('out')) {
    if (file.endsWith('.two')) tasks.push(`second ${file.slice(0, -4)}`);
    if (file === 'total.txt') tasks.push('total');
  }
  return tasks;
}

function temporaries(dir: string): string[] {
  return listFiles(dir).filter((file) => file.includes('.sluice-tmp-'));
}

// What a task writes, given what it read: its whole output, never a part of it.
function expectedOutput(sample: string, step: 'first' | 'second'): string {
  const data = `sample ${Number(sample.slice(1))}\n`;
  const first = [1, 2, 3].map((piece) => `${data}first ${sample} ${piece}\n`).join('');
  return step === 'first' ? first : [1, 2, 3].map((piece) => `${first}second ${sample} ${piece}\n`).join('');
}

function assertOutputsWhole(dir: string): void {
  for (const task of finishedTasks(dir)) {
    if (task === 'total') continue;
    const [step, sample] = task.split(' ') as ['first' | 'second', string];
    const file = step === 'first' ? path.join(dir, 'work', `${sample}.one`) : path.join(dir, 'out', `${sample}.two`);
    assert.equal(fs.readFileSync(file, 'utf8'), expectedOutput(sample, step), `${task} left a partial output under its final name`);
  }
}

describe('function steps ended mid-run (worker threads, outputs and successes in flight)', () => {
  it('after SIGKILL and Ctrl-C, an output under its final name is whole and recorded: it never runs again', { timeout: 240_000 }, async (t) => {
    const dir = project();
    const finished = new Set<string>();
    let ended = 0;
    for (let round = 0; round < 10; round++) {
      const run = startSluice(['run', '-j', '2'], { cwd: dir });
      const signal = round % 2 === 0 ? 'SIGKILL' : 'SIGINT';
      // Once some tasks have started (as ran.log says), at a point that differs from round to
      // round; a round that ends sluice before any task ran checks the same.
      const after = 3 + Math.floor(Math.random() * 30);
      let exited = false;
      void run.done.then(() => (exited = true));
      while (!exited && countLines(path.join(dir, 'ran.log')) < after) await new Promise((resolve) => setTimeout(resolve, 5));
      run.child.kill(signal);
      const result = await run.done;
      // Interrupted: it stops its tasks, closes the run and says so (130), or it had finished (0).
      if (signal === 'SIGINT') assert.ok(result.code === 130 || result.code === 0, `round ${round}: Ctrl-C ended sluice with ${result.code}: ${result.stderr}`);
      const ran = takeRan(dir);
      assert.deepEqual(ran.filter((task) => finished.has(task)), [], `round ${round} (${signal}): tasks whose outputs were in place ran again`);
      assertOutputsWhole(dir);
      // A killed sluice cannot remove its staging folders (the next run does); one interrupted does.
      if (signal === 'SIGINT') assert.deepEqual(temporaries(dir), [], `round ${round} (${signal}): staged outputs were left`);
      for (const task of finishedTasks(dir)) finished.add(task);
      t.diagnostic(`round ${round}: ${signal} after ${after} tasks started, ended by ${result.signal ?? `exit ${result.code}`}; ${ran.length} tasks ran, ${finished.size} finished so far`);
      if (result.signal === 'SIGKILL' || (signal === 'SIGINT' && result.code !== 0)) ended++;
      else {
        assert.equal(result.code, 0, result.stderr);
        break;
      }
    }
    const last = await runSluice(['run', '-j', '2'], { cwd: dir });
    assert.equal(last.code, 0, last.stderr);
    assert.deepEqual(takeRan(dir).filter((task) => finished.has(task)), [], 'the last run re-ran finished tasks');
    assert.ok(ended > 0, 'at least one run was ended early');
    assertOutputsWhole(dir);
    const total = fs.readFileSync(path.join(dir, 'out', 'total.txt'), 'utf8');
    const samples = Array.from({ length: SAMPLES }, (_, index) => `s${String(index).padStart(2, '0')}`);
    assert.equal(total, samples.map((sample) => expectedOutput(sample, 'second')).join(''));
    assert.deepEqual(temporaries(dir), []);
    const again = await runSluice(['run', '-j', '2'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(takeRan(dir), [], 'a run after the last one found something to do');
  });

  for (const mode of ['--keep-going', 'fail-fast'] as const) {
    it(`a function that throws among short tasks in flight (${mode}): the others' outputs are whole and recorded`, { timeout: 120_000 }, async () => {
      const dir = project('first s17');
      const args = ['run', '-j', '2', ...(mode === '--keep-going' ? ['--keep-going'] : [])];
      const failed = await runSluice(args, { cwd: dir });
      assert.equal(failed.code, 1, failed.stderr);
      assert.match(failed.stderr, /this one fails: first s17/);
      const ran = takeRan(dir);
      const finished = finishedTasks(dir);
      assert.ok(!finished.includes('first s17') && !finished.includes('second s17') && !finished.includes('total'), finished.join(', '));
      if (mode === '--keep-going') {
        // Every other task ran and succeeded.
        assert.equal(finished.length, 2 * SAMPLES - 2, finished.join(', '));
        assert.equal(ran.length, 2 * SAMPLES - 1);
      }
      assertOutputsWhole(dir);
      assert.deepEqual(temporaries(dir), []);
      // The same run again: only the failed task (and what it blocked) runs; no success is
      // lost, so nothing that finished runs again.
      const again = await runSluice(args, { cwd: dir });
      assert.equal(again.code, 1, again.stderr);
      const reran = takeRan(dir);
      assert.deepEqual(reran.filter((task) => finished.includes(task)), [], 'finished tasks ran again');
      if (mode === '--keep-going') assert.deepEqual(reran, ['first s17']);
      // Fixed: the rest runs, and the result is complete.
      fs.writeFileSync(path.join(dir, 'pipeline.ts'), pipelineSource(dir));
      const fixed = await runSluice(['run', '-j', '2'], { cwd: dir });
      assert.equal(fixed.code, 0, fixed.stderr);
      assertOutputsWhole(dir);
      assert.equal(finishedTasks(dir).length, 2 * SAMPLES + 1);
    });
  }
});
