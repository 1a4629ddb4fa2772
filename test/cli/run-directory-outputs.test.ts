// Folder outputs (`out: directory(...)`): a step makes a folder of files whose names are known
// only once it ran; the steps reading inside it are planned after it, in the same `sluice run`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice, startSluice } from '../helpers/run-sluice.ts';
import { slurmSkipReason } from '../conformance/slurm-cluster.ts';

// split: one chunk per two lines; process: each chunk upper-cased (slowly when SLOW is set);
// gather: every processed chunk. Each task writes a line to journal.log as it starts.
const PIPELINE = `
import { pipeline, step, sh, all, directory } from 'sluice';

export default pipeline({
  split: step({
    in: 'data/{sample}.txt',
    out: directory('chunks/{sample}'),
    run: sh('echo "split {sample}" >> journal.log; split -l 2 -d {in} {out}/part; for f in {out}/part*; do mv "$f" "$f.txt"; done'),
  }),
  process: step({
    in: 'chunks/{sample}/{chunk}.txt',
    out: 'processed/{sample}/{chunk}.out',
    run: sh('echo "process {sample} {chunk}" >> journal.log; if [ -n "\${SLOW:-}" ]; then sleep 1; fi; tr a-z A-Z < {in} > {out}'),
    env: ['SLOW'],
  }),
  gather: step({ in: { parts: all('processed/{sample}/{chunk}.out') }, out: 'total.txt', run: sh('echo gather >> journal.log; cat {in.parts} > {out}') }),
});
`;

function project(samples: Record<string, number>): string {
  const dir = makeTempDir('sluice-dirout-');
  fs.mkdirSync(path.join(dir, 'data'));
  writeSamples(dir, samples);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

// Sample → number of lines: lines `<sample>0`, `<sample>1`, ... (letters, upper-cased by process).
function writeSamples(dir: string, samples: Record<string, number>): void {
  for (const [name, lines] of Object.entries(samples)) {
    const text = Array.from({ length: lines }, (_, index) => `${name.toLowerCase()}${index}\n`).join('');
    fs.writeFileSync(path.join(dir, 'data', `${name}.txt`), text);
  }
}

function expectedTotal(samples: Record<string, number>): string {
  return Object.keys(samples)
    .sort()
    .map((name) => Array.from({ length: samples[name] as number }, (_, index) => `${name.toUpperCase()}${index}\n`).join(''))
    .join('');
}

// The files below a folder, without the folders.
function filesIn(dir: string): string[] {
  return listFiles(dir).filter((file) => !file.endsWith('/'));
}

function takeJournal(dir: string): string[] {
  const file = path.join(dir, 'journal.log');
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '') : [];
  fs.rmSync(file, { force: true });
  return lines.sort();
}

describe('folder outputs: directory()', () => {
  it('plans the steps reading inside a folder once it is made, and re-runs only what a changed chunk count affects', async () => {
    const dir = project({ A: 5, B: 3 });
    const first = await runSluice(['run', '-j', '2'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'total.txt'), 'utf8'), expectedTotal({ A: 5, B: 3 }));
    assert.deepEqual(takeJournal(dir), [
      'gather',
      'process A part00', 'process A part01', 'process A part02', 'process B part00', 'process B part01',
      'split A', 'split B',
    ]);
    assert.deepEqual(filesIn(path.join(dir, 'chunks')).sort(), ['A/part00.txt', 'A/part01.txt', 'A/part02.txt', 'B/part00.txt', 'B/part01.txt']);

    const again = await runSluice(['run', '-j', '2'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(takeJournal(dir), [], 'a second run with nothing changed ran tasks');
    assert.match(again.stderr, /8 up to date/);

    // A shrinks from three chunks to one (its first chunk changes too); B is untouched.
    writeSamples(dir, { A: 1 });
    const dry = await runSluice(['run', '--dry-run'], { cwd: dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^split\[sample=A\]: /m);
    assert.doesNotMatch(dry.stdout, /^process/m, 'tasks reading the folder that is made again were listed from the old folder');
    assert.match(dry.stdout, /step `process`: planned after `split` runs/);
    const shrunk = await runSluice(['run', '-j', '2'], { cwd: dir });
    assert.equal(shrunk.code, 0, shrunk.stderr);
    assert.deepEqual(takeJournal(dir), ['gather', 'process A part00', 'split A']);
    assert.deepEqual(filesIn(path.join(dir, 'chunks')).sort(), ['A/part00.txt', 'B/part00.txt', 'B/part01.txt']);
    // The outputs of the vanished chunks stay on disk, unused.
    assert.equal(fs.readFileSync(path.join(dir, 'total.txt'), 'utf8'), expectedTotal({ A: 1, B: 3 }));
    assert.ok(fs.existsSync(path.join(dir, 'processed/A/part02.out')));

    // B grows: only its folder, its new and changed chunks and the gather run.
    writeSamples(dir, { B: 6 });
    const grown = await runSluice(['run', '-j', '2'], { cwd: dir });
    assert.equal(grown.code, 0, grown.stderr);
    assert.deepEqual(takeJournal(dir), ['gather', 'process B part01', 'process B part02', 'split B']);
    assert.equal(fs.readFileSync(path.join(dir, 'total.txt'), 'utf8'), expectedTotal({ A: 1, B: 6 }));
    const noop = await runSluice(['run'], { cwd: dir });
    assert.equal(noop.code, 0, noop.stderr);
    assert.deepEqual(takeJournal(dir), []);

    // A new sample: the gather waits for its folder too, and runs once.
    writeSamples(dir, { C: 2 });
    const added = await runSluice(['run', '-j', '2'], { cwd: dir });
    assert.equal(added.code, 0, added.stderr);
    assert.deepEqual(takeJournal(dir), ['gather', 'process C part00', 'split C']);
    assert.equal(fs.readFileSync(path.join(dir, 'total.txt'), 'utf8'), expectedTotal({ A: 1, B: 6, C: 2 }));
  });

  it('says in a dry run which steps are planned after the folder is made, and runs nothing', async () => {
    const dir = project({ A: 3 });
    const dry = await runSluice(['run', '--dry-run'], { cwd: dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^split\[sample=A\]: sh: .*split -l 2 -d data\/A\.txt chunks\/A\/part;/m);
    assert.match(dry.stdout, /^step `process`: planned after `split` runs$/m);
    assert.match(dry.stdout, /^step `gather`: planned after `split` runs$/m);
    assert.equal(fs.existsSync(path.join(dir, 'chunks')), false);
    assert.deepEqual(takeJournal(dir), []);
    // A target below a folder not made yet: its folders are made first, then it.
    const target = await runSluice(['run', 'total.txt'], { cwd: dir });
    assert.equal(target.code, 0, target.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'total.txt'), 'utf8'), expectedTotal({ A: 3 }));
  });

  it('plans after the folder a step reading the waiting steps\' outputs by fixed names or expand()', async () => {
    // `merged` waits for the folders (it gathers inside them); `pick` reads its outputs by name:
    // one fixed path and an expand() list. Before the fix, `pick` was planned in the first round
    // and refused as reading files that "no step makes".
    const dir = project({ A: 3, B: 1 });
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, sh, all, directory, expand } from 'sluice';
export default pipeline({
  split: step({ in: 'data/{sample}.txt', out: directory('chunks/{sample}'), run: sh('split -l 1 -d {in} {out}/part; for f in {out}/part*; do mv "$f" "$f.txt"; done') }),
  merged: step({ in: { data: 'data/{sample}.txt', parts: all('chunks/{sample}/{chunk}.txt') }, out: 'merged/{sample}.txt', run: sh('cat {in.parts} > {out}') }),
  pick: step({ in: { first: 'merged/A.txt', each: expand('merged/{sample}.txt', { sample: ['B', 'A'] }) }, out: 'picked.txt', run: sh('cat {in.first} {in.each} > {out}') }),
});
`,
    );
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'picked.txt'), 'utf8'), 'a0\na1\na2\nb0\na0\na1\na2\n');
    const dry = await runSluice(['run', '--dry-run'], { cwd: dir });
    assert.equal(dry.code, 0, dry.stderr);

    // Once the folders are made, a name that no step makes is a plan error again, not a failed task.
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), fs.readFileSync(path.join(dir, 'pipeline.ts'), 'utf8').replace("first: 'merged/A.txt'", "first: 'merged/Z.txt'"));
    const missing = await runSluice(['run'], { cwd: dir });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /Input `merged\/Z\.txt` of task `pick` does not exist and no step makes it/);
  });

  it('leaves no folder under the final name when the task making it fails', async () => {
    const dir = project({ A: 3 });
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, sh, directory } from 'sluice';
export default pipeline({
  split: step({ in: 'data/{sample}.txt', out: directory('chunks/{sample}'), run: sh('split -l 1 {in} {out}/part; exit 3') }),
});
`,
    );
    const run = await runSluice(['run'], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(fs.existsSync(path.join(dir, 'chunks/A')), false);
    assert.deepEqual(listFiles(dir).filter((file) => file.startsWith('chunks/A')), []);
  });

  it('says which steps are not complete when a failed task left a folder unmade, with and without --keep-going', async () => {
    const dir = project({ A: 3, B: 2 });
    // B's split fails: its chunks are never made, so neither B's chunks nor the gather can run.
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE.replace("run: sh('echo \"split {sample}\"", "run: sh('[ {sample} != B ] || exit 3; echo \"split {sample}\""));
    const notComplete = 'sluice: steps `process` and `gather` are not complete: they read folders that failed tasks of `split` did not make';
    const kept = await runSluice(['run', '--keep-going'], { cwd: dir });
    assert.equal(kept.code, 1, kept.stderr);
    assert.match(kept.stderr, /2 succeeded, 1 up to date, 1 failed/, 'A\'s chunks processed in the second round');
    assert.ok(kept.stderr.includes(notComplete), kept.stderr);
    assert.equal(fs.existsSync(path.join(dir, 'total.txt')), false);
    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 1, again.stderr);
    assert.ok(again.stderr.includes(notComplete), again.stderr);
    // Once B splits, nothing is said and the gather runs.
    writeSamples(dir, { B: 2 });
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
    const fixed = await runSluice(['run'], { cwd: dir });
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.ok(!fixed.stderr.includes('not complete'), fixed.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'total.txt'), 'utf8'), expectedTotal({ A: 3, B: 2 }));
  });

  it('finishes the tasks below a folder after a SIGKILL, re-running none that finished', async () => {
    const dir = project({ A: 8, B: 8 });
    const run = startSluice(['run', '-j', '2'], { cwd: dir, env: { SLOW: '1' } });
    // Killed once some chunks are processed and others not yet.
    const processed = (): string[] => filesIn(path.join(dir, 'processed')).filter((file) => !file.includes('.sluice-tmp-'));
    for (let waited = 0; processed().length < 2 && waited < 120_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    run.child.kill('SIGKILL');
    await run.done;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const done = processed().map((file) => `process ${file.replace('/', ' ').replace(/\.out$/, '')}`);
    assert.ok(done.length >= 2 && done.length < 8, `processed at the kill: ${done.join(', ')}`);
    takeJournal(dir);
    const resumed = await runSluice(['run', '-j', '2'], { cwd: dir, env: { SLOW: '1' } });
    assert.equal(resumed.code, 0, resumed.stderr);
    const ran = takeJournal(dir);
    assert.deepEqual(ran.filter((task) => task.startsWith('split') || done.includes(task)), [], 'finished tasks ran again');
    assert.equal(ran.length, 8 - done.length + 1, `ran: ${ran.join(', ')}; done at the kill: ${done.join(', ')}`);
    assert.equal(fs.readFileSync(path.join(dir, 'total.txt'), 'utf8'), expectedTotal({ A: 8, B: 8 }));
  });

  it('refuses misuse of directory() as plan errors', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        `a: step({ in: directory('data'), out: 'x.txt', run: sh('ls {in} > {out}') }),`,
        /Expected input `data\/` of step `a` of .*pipeline\.ts to be a file path, got a folder/,
      ],
      [
        `a: step({ in: 'data/{s}.txt', out: directory('chunks/{s}'), run: sh('cp {in} {out}/') }),
         b: step({ in: 'data/{s}.txt', out: 'chunks/{s}/extra.txt', run: sh('cp {in} {out}') }),`,
        /Output `chunks\/\{s\}\/extra\.txt` of step `b` of .* lies in folder `chunks\/\{s\}\/`, which step `a` makes/,
      ],
      [
        `a: step({ in: 'data/{s}.txt', out: directory('chunks/{s}'), run: sh('cp {in} {out}/') }),
         b: step({ in: 'data/{s}.txt', out: directory('chunks/{s}'), run: sh('cp {in} {out}/') }),`,
        /lies in folder `chunks\/\{s\}\/`, which step `a` makes/,
      ],
      [
        `a: step({ in: 'data/{s}.txt', out: directory('chunks/{s}'), run: sh('cp {in} {out}/') }),
         b: step({ in: 'chunks/{t}/{c}.txt', out: 'out/{t}/{c}', run: sh('cp {in} {out}') }),`,
        /Input `chunks\/\{t\}\/\{c\}\.txt` of step `b` .* reads inside folder `chunks\/\{s\}\/` of step `a` but names the folder differently/,
      ],
      [
        `a: step({ in: 'data/{s}.txt', out: directory('chunks/{s}'), run: sh('cp {in} {out}/') }),
         b: step({ in: 'chunks/{s}/A.txt', out: 'out/{s}', run: sh('cp {in} {out}') }),`,
        /Expected input `chunks\/\{s\}\/A\.txt` of step `b` .* to name the files in folder `chunks\/\{s\}\/` .* with a wildcard, got a fixed name/,
      ],
    ];
    for (const [steps, message] of cases) {
      const dir = project({ A: 1 });
      fs.writeFileSync(path.join(dir, 'pipeline.ts'), `import { pipeline, step, sh, directory } from 'sluice';\nexport default pipeline({\n${steps}\n});\n`);
      const run = await runSluice(['run', '--dry-run'], { cwd: dir });
      assert.equal(run.code, 2, `${steps}\n${run.stdout}${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });
});

describe('folder outputs on Slurm', { skip: slurmSkipReason() }, () => {
  it('gives the same bytes as a local run', async () => {
    const local = project({ A: 5, B: 3 });
    const localRun = await runSluice(['run'], { cwd: local });
    assert.equal(localRun.code, 0, localRun.stderr);
    const dir = project({ A: 5, B: 3 });
    const run = await runSluice(['run', '--executor', 'slurm'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'total.txt'), 'utf8'), fs.readFileSync(path.join(local, 'total.txt'), 'utf8'));
    for (const file of filesIn(path.join(local, 'processed'))) {
      assert.equal(fs.readFileSync(path.join(dir, 'processed', file), 'utf8'), fs.readFileSync(path.join(local, 'processed', file), 'utf8'), file);
    }
    takeJournal(dir);
    const again = await runSluice(['run', '--executor', 'slurm'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(takeJournal(dir), []);
  });
});
