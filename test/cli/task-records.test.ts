// Per-task records through the real CLI: what each task used, in the state, in the table of
// `sluice report --tasks`, and in the HTML report (issue 14, point 5).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';
import { CHECKED, parseTaskTable, WORK, writeRecordsProject } from './task-records-project.ts';

const COLUMNS = ['step', 'wildcards', 'status', 'attempt', 'start', 'wall_s', 'cpu_user_s', 'cpu_sys_s', 'max_rss_kib', 'exit', 'heap_kib', 'signal', 'target'];

describe('per-task records', () => {
  it('records wall, CPU and memory of command and function tasks, written by report --tasks', async () => {
    const dir = writeRecordsProject();
    const run = await runSluice(['run', '--keep-going'], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /bad raw\/broken\.txt/);

    const written = await runSluice(['report', '--tasks', 'tasks.tsv'], { cwd: dir });
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stderr, /sluice: 7 tasks of run \d{8}-\d{6}-\d+ written to tasks\.tsv/);
    assert.equal(fs.existsSync(path.join(dir, 'report.html')), false, 'only the table was asked for');
    assert.deepEqual(fs.readdirSync(dir).filter((name) => name.includes('.tmp')), [], 'no temporary file left');
    const text = fs.readFileSync(path.join(dir, 'tasks.tsv'), 'utf8');
    const { header, rows } = parseTaskTable(text);
    assert.deepEqual(header, COLUMNS);
    assert.equal(rows.length, 7, 'one row per task: 2 burn, 2 sum, 3 check');
    const row = (step: string, wildcards: string): Record<string, string> => {
      const found = rows.filter((r) => r.step === step && r.wildcards === wildcards);
      assert.equal(found.length, 1, `one row for ${step} ${wildcards}:\n${text}`);
      return found[0] as Record<string, string>;
    };
    for (const r of rows) {
      assert.match(r.start ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(Number(r.wall_s) >= 0, `wall_s ${r.wall_s}`);
    }

    for (const sample of ['a', 'b']) {
      const burn = row('burn', `sample=${sample}`);
      assert.equal(burn.status, 'succeeded');
      assert.equal(burn.attempt, '1');
      assert.equal(burn.exit, '0');
      assert.equal(burn.signal, '-');
      assert.equal(burn.target, `work/${sample}.up`);
      // The child did the work; python3 and the launcher add their own.
      assert.ok(Number(burn.cpu_user_s) > 0.1, `cpu_user_s ${burn.cpu_user_s}`);
      assert.ok(Number(burn.cpu_sys_s) >= 0, `cpu_sys_s ${burn.cpu_sys_s}`);
      assert.ok(Number(burn.max_rss_kib) > 50 * 1024, `max_rss_kib ${burn.max_rss_kib}`);
      assert.equal(burn.heap_kib, '-', 'a command has no V8 heap');
      assert.ok(Number(burn.wall_s) > 0.1, `wall_s ${burn.wall_s}`);

      const sum = row('sum', `sample=${sample}`);
      assert.equal(sum.status, 'succeeded');
      assert.ok(Number(sum.cpu_user_s) + Number(sum.cpu_sys_s) > 0, `the function's thread CPU: ${JSON.stringify(sum)}`);
      assert.ok(Number(sum.heap_kib) >= WORK.heapMiB * 1024, `heap_kib ${sum.heap_kib}`);
      assert.equal(sum.max_rss_kib, '-', 'a function task has no process of its own');
    }

    const broken = row('check', 'name=broken');
    assert.deepEqual([broken.status, broken.attempt, broken.exit], ['failed', '2', '3'], 'the last attempt of a task that failed twice');
    assert.ok(Number(broken.cpu_user_s) >= 0 && Number(broken.max_rss_kib) > 0);
    // A name with a tab: quoted as JSON among the wildcards, escaped in the target, one line.
    const tabbed = row('check', 'name="x\\ty"');
    assert.equal(tabbed.target, 'checked/x\ty.ok');
    assert.equal(tabbed.status, 'succeeded');
    assert.deepEqual(rows.filter((r) => r.step === 'check').map((r) => r.target).sort(), CHECKED.map((name) => `checked/${name}.ok`).sort());

    // To standard output, and with the HTML report beside it.
    const printed = await runSluice(['report', '--tasks', '-'], { cwd: dir });
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout, text);
    const both = await runSluice(['report', '--tasks', 'again.tsv', '-o', 'report.html'], { cwd: dir });
    assert.equal(both.code, 0, both.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'again.tsv'), 'utf8'), text);
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    assert.match(html, /<section id="tasks">/);
    assert.match(html, /CPU \d[\d.]* m?s \(user \d[\d.]* m?s, system \d[\d.]* m?s\) · peak memory \d+ MiB/, 'a command task\'s tooltip');
    assert.match(html, /heap \d+ MiB/, 'a function task\'s tooltip');

    // A second run finds everything but the failure up to date: its table has that task alone.
    const second = await runSluice(['run', '--keep-going'], { cwd: dir });
    assert.equal(second.code, 1, second.stderr);
    const only = await runSluice(['report', '--tasks', '-'], { cwd: dir });
    assert.deepEqual(parseTaskTable(only.stdout).rows.map((r) => [r.step, r.wildcards, r.attempt]), [['check', 'name=broken', '2']]);
  });

  it('refuses what it cannot write, and a run it does not know', async () => {
    const dir = writeRecordsProject('sluice-records-bad-');
    const none = await runSluice(['report', '--tasks', 'tasks.tsv'], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No sluice run recorded in/);
    const folder = await runSluice(['report', '--tasks', 'data'], { cwd: dir });
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /Expected `--tasks` to be a file path, got the folder `data`/);
    const nowhere = await runSluice(['report', '--tasks', 'no/such/dir/t.tsv'], { cwd: dir });
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /Expected `--tasks` in an existing folder/);
    const both = await runSluice(['report', '--tasks', '-', '-o', '-'], { cwd: dir });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /Expected `--output` or `--tasks` to be a file, got `-` for both/);
  });

  it('names a map task by its input; with the spawn launcher a command\'s figures are unknown', async () => {
    const dir = makeTempDir('sluice-records-map-');
    fs.mkdirSync(path.join(dir, 'in'));
    for (const name of ['1', '2']) fs.writeFileSync(path.join(dir, 'in', `${name}.txt`), `${name}\n`);
    const map = await runSluice(['map', '-q', '--in', 'in/*.txt', '--', 'cat', '{in}'], { cwd: dir, env: { SLUICE_LAUNCHER: 'spawn' } });
    assert.equal(map.code, 0, map.stderr);
    const table = await runSluice(['report', '--tasks', '-'], { cwd: dir });
    assert.equal(table.code, 0, table.stderr);
    const { rows } = parseTaskTable(table.stdout);
    assert.deepEqual(rows.map((r) => [r.step, r.wildcards, r.status, r.exit, r.target]).sort(), [
      ['map', '-', 'succeeded', '0', 'in/1.txt'],
      ['map', '-', 'succeeded', '0', 'in/2.txt'],
    ]);
    for (const r of rows) assert.deepEqual([r.cpu_user_s, r.cpu_sys_s, r.max_rss_kib, r.heap_kib], ['-', '-', '-', '-'], 'spawn measures nothing');
  });
});
