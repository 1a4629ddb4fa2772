// examples/scatter through the real CLI, in a copy: samples named by config.yaml (the stray
// data/D.txt left out), chunk folders made by directory(), a `{threads}` command, expand(), and
// per-task records. The outputs are checked against what this file computes from the data alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, REPO, runSluice } from '../helpers/run-sluice.ts';

const EXAMPLE = path.join(REPO, 'examples', 'scatter');
const SAMPLES = ['A', 'B', 'C'];
const CHUNK_LINES = 50;

/** The example's code and config in a fresh folder, with freshly generated data. */
function copyExample(): string {
  const dir = makeTempDir('sluice-scatter-');
  for (const name of ['pipeline.ts', 'config.yaml', 'generate.mjs', 'lib']) {
    fs.cpSync(path.join(EXAMPLE, name), path.join(dir, name), { recursive: true });
  }
  const result = spawnSync(process.execPath, [path.join(dir, 'generate.mjs'), '--out', path.join(dir, 'data')], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return dir;
}

async function run(dir: string, ...options: string[]): Promise<string> {
  const result = await runSluice(['run', '--config', 'config.yaml', '-j', '2', ...options], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  return result.stderr;
}

function readLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
}

type Tally = Map<string, { lines: number; sum: number }>;

function tally(lines: readonly string[], into: Tally = new Map()): Tally {
  for (const line of lines) {
    const [word, value] = line.split('\t') as [string, string];
    const entry = into.get(word) ?? { lines: 0, sum: 0 };
    into.set(word, { lines: entry.lines + 1, sum: entry.sum + Number(value) });
  }
  return into;
}

/** A tally as the example writes it: sorted by bytes (the words are ASCII). */
function format(table: Tally): string {
  return [...table.keys()]
    .sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1))
    .map((word) => `${word}\t${table.get(word)?.lines}\t${table.get(word)?.sum}\n`)
    .join('');
}

/** Every output the pipeline must have written, computed from the data here. */
function expectedOutputs(dir: string): Map<string, string> {
  const expected = new Map<string, string>();
  const all: Tally = new Map();
  let summary = 'sample\twords\tlines\tsum\n';
  for (const sample of SAMPLES) {
    const lines = readLines(path.join(dir, 'data', `${sample}.txt`));
    const table = tally(lines);
    tally(lines, all);
    expected.set(`out/${sample}.tsv`, format(table));
    const sum = [...table.values()].reduce((total, entry) => total + entry.sum, 0);
    summary += `${sample}\t${table.size}\t${lines.length}\t${sum}\n`;
    for (let chunk = 0; chunk * CHUNK_LINES < lines.length; chunk++) {
      const part = lines.slice(chunk * CHUNK_LINES, (chunk + 1) * CHUNK_LINES);
      expected.set(`out/work/chunks/${sample}/${String(chunk).padStart(3, '0')}.txt`, part.map((line) => `${line}\n`).join(''));
    }
  }
  expected.set('out/words.tsv', format(all));
  expected.set('out/summary.tsv', summary);
  return expected;
}

function checkOutputs(dir: string): void {
  const expected = expectedOutputs(dir);
  for (const [file, text] of expected) assert.equal(fs.readFileSync(path.join(dir, file), 'utf8'), text, file);
  // Exactly these chunks (none left from a bigger folder), and nothing of the stray sample D.
  const chunks = listFiles(path.join(dir, 'out/work/chunks')).filter((file) => !file.endsWith('/'));
  assert.deepEqual(chunks, [...expected.keys()].filter((file) => file.startsWith('out/work/chunks/')).map((file) => file.slice('out/work/chunks/'.length)).sort());
  assert.ok(fs.existsSync(path.join(dir, 'data', 'D.txt')), 'the generator writes the stray sample D');
  assert.deepEqual(listFiles(path.join(dir, 'out')).filter((file) => /(^|\/)D(\/|\.tsv$)/.test(file)), [], 'sample D, not in config.yaml, was run');
  assert.doesNotMatch(fs.readFileSync(path.join(dir, 'out/summary.tsv'), 'utf8'), /^D\t/m);
}

/** Each output file's inode and mtime: a task that ran renamed a new file into place. */
function stamps(dir: string): Map<string, string> {
  const out = path.join(dir, 'out');
  return new Map(
    listFiles(out)
      .filter((file) => !file.endsWith('/'))
      .map((file) => {
        const stat = fs.statSync(path.join(out, file));
        return [file, `${stat.ino}:${stat.mtimeMs}`];
      }),
  );
}

interface TaskRow {
  readonly [column: string]: string;
}

async function taskRows(dir: string): Promise<TaskRow[]> {
  const result = await runSluice(['report', '--tasks', 'tasks.tsv'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  const [header, ...lines] = readLines(path.join(dir, 'tasks.tsv'));
  const columns = (header as string).split('\t');
  assert.deepEqual(columns.slice(0, 11), ['step', 'wildcards', 'status', 'attempt', 'start', 'wall_s', 'cpu_user_s', 'cpu_sys_s', 'max_rss_kib', 'exit', 'heap_kib']);
  return lines.map((line) => Object.fromEntries(line.split('\t').map((value, index) => [columns[index] as string, value])));
}

describe('examples/scatter', () => {
  it('runs the config\'s samples through data-dependent chunks to the bytes computed here, re-running only a changed sample', async () => {
    const dir = copyExample();
    const first = await run(dir);
    // Round one makes the folders; round two plans and runs what reads them.
    assert.match(first, /3 tasks: 3 succeeded/);
    assert.match(first, /22 tasks: 19 succeeded, 3 up to date/);
    checkOutputs(dir);
    assert.deepEqual(
      SAMPLES.map((sample) => fs.readdirSync(path.join(dir, 'out/work/chunks', sample)).length),
      [5, 3, 7],
      'chunks per sample: 230, 120 and 310 lines in chunks of 50',
    );

    // The last run's records (both rounds): one row per task, each with its CPU time.
    const rows = await taskRows(dir);
    const count = (step: string): number => rows.filter((row) => row.step === step).length;
    assert.deepEqual([count('split'), count('tally'), count('merge'), count('total'), rows.length], [3, 15, 3, 1, 22]);
    for (const row of rows) {
      assert.equal(row.status, 'succeeded');
      assert.match(row.wall_s ?? '', /^\d+\.\d+$/, `wall_s of ${row.step} ${row.wildcards}`);
      assert.match(row.cpu_user_s ?? '', /^\d+\.\d+$/, `cpu_user_s of ${row.step} ${row.wildcards}`);
      assert.match(row.cpu_sys_s ?? '', /^\d+\.\d+$/, `cpu_sys_s of ${row.step} ${row.wildcards}`);
    }
    for (const row of rows.filter((one) => one.step === 'merge')) {
      assert.equal(row.exit, '0');
      assert.match(row.max_rss_kib ?? '', /^\d+$/, 'a command task has its peak memory');
    }
    assert.deepEqual(rows.filter((row) => row.step === 'merge').map((row) => row.wildcards).sort(), ['sample=A', 'sample=B', 'sample=C']);

    // {threads}: the cpus the task holds, at most -j.
    const threads = await runSluice(['run', '--config', 'config.yaml', '-n', '--force', 'merge', '-j', '1'], { cwd: dir });
    assert.equal(threads.code, 0, threads.stderr);
    assert.equal(threads.stdout.match(/sort --parallel=1 > out\/[ABC]\.tsv$/gm)?.length, 3, threads.stdout);
    const two = await runSluice(['run', '--config', 'config.yaml', '-n', '--force', 'merge', '-j', '4'], { cwd: dir });
    assert.equal(two.stdout.match(/sort --parallel=2 > out\/[ABC]\.tsv$/gm)?.length, 3, two.stdout);

    // Nothing changed: nothing runs, no output is rewritten.
    const before = stamps(dir);
    const again = await run(dir);
    assert.match(again, /22 up to date/);
    assert.doesNotMatch(again, /succeeded/);
    assert.deepEqual(stamps(dir), before);

    // B grows from 120 to 180 lines: 3 chunks become 4 (its third chunk changes, a fourth is new).
    fs.appendFileSync(path.join(dir, 'data', 'B.txt'), Array.from({ length: 60 }, (_, index) => `omega\t${index + 1}\n`).join(''));
    const grown = await run(dir);
    // Round one: B's split (A's and C's folders, and the tasks reading them, up to date); round two:
    // B's changed and new chunk, its merge and the total.
    assert.match(grown, /17 tasks: 1 succeeded, 16 up to date/);
    assert.match(grown, /23 tasks: 4 succeeded, 19 up to date/);
    checkOutputs(dir);
    assert.equal(fs.readdirSync(path.join(dir, 'out/work/chunks/B')).length, 4);
    const after = stamps(dir);
    const rewritten = [...after.keys()].filter((file) => before.get(file) !== after.get(file)).sort();
    // B's folder is made again whole; of its tallies only the changed and the new chunk's are.
    assert.deepEqual(rewritten, [
      'B.tsv',
      'summary.tsv',
      'words.tsv',
      'work/chunks/B/000.txt',
      'work/chunks/B/001.txt',
      'work/chunks/B/002.txt',
      'work/chunks/B/003.txt',
      'work/tallies/B/002.tsv',
      'work/tallies/B/003.tsv',
    ]);
    const last = await taskRows(dir);
    assert.deepEqual(last.map((row) => `${row.step} ${row.wildcards}`).sort(), ['merge sample=B', 'split sample=B', 'tally sample=B, chunk=002', 'tally sample=B, chunk=003', 'total -']);
  });
});
