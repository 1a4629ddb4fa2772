import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

describe('sluice map output', () => {
  it("prints each task's output whole, never interleaved with another's", async () => {
    const cwd = makeTempDir();
    // Each task writes 200 lines slowly enough that the tasks overlap in time.
    const script = 'for i in $(seq 1 200); do echo "$1 line $i"; [ $((i % 50)) = 0 ] && sleep 0.01; done';
    const result = await runSluice(['map', '-j', '4', '--', 'sh', '-c', script, 'sh', ':::', 'a', 'b', 'c', 'd', 'e', 'f'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1200);
    for (let block = 0; block < 6; block++) {
      const chunk = lines.slice(block * 200, block * 200 + 200);
      const owner = chunk[0]?.split(' ')[0];
      assert.deepEqual(chunk, Array.from({ length: 200 }, (_, i) => `${owner} line ${i + 1}`));
    }
  });

  it('prints in input order with --keep-order, in completion order without', async () => {
    const cwd = makeTempDir();
    const args = ['-j', '3', '--', 'sh', '-c', 'sleep "$1"; echo "$1"', 'sh', ':::', '0.6', '0.3', '0.01'];
    const ordered = await runSluice(['map', '--keep-order', ...args], { cwd });
    assert.equal(ordered.stdout, '0.6\n0.3\n0.01\n');
    const completion = await runSluice(['map', ...args], { cwd });
    assert.equal(completion.stdout, '0.01\n0.3\n0.6\n');
  });

  it('keeps its own messages off standard output, with no control codes off a terminal', async () => {
    const cwd = makeTempDir();
    const result = await runSluice(['map', '--', 'echo', ':::', 'x', 'y'], { cwd });
    assert.equal(result.code, 0);
    assert.deepEqual(result.stdout.split('\n').sort(), ['', 'x', 'y']);
    assert.match(result.stderr, /^sluice: 2 tasks: 2 succeeded in \d+\.\d+ s\n$/);
    assert.doesNotMatch(result.stderr, /\x1b/);
  });

  it('prints the commands with --dry-run and runs none', async () => {
    const cwd = makeTempDir();
    const result = await runSluice(['map', '--dry-run', '--out', 'o/{stem}.csv', '--', 'touch', 'ran', ':::', 'a b.txt', 'c.txt'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'map[in="a b.txt"]: touch ran \'a b.txt\' > \'o/a b.csv\'\nmap[in=c.txt]: touch ran c.txt > o/c.csv\n2 tasks would run\n');
    assert.deepEqual(listFiles(cwd), []);
  });

  it('lists with --dry-run only the tasks a run would run, once some have run', async () => {
    const cwd = makeTempDir();
    for (const name of ['a', 'b', 'c']) fs.writeFileSync(path.join(cwd, `${name}.txt`), `${name}\n`);
    const args = ['--in', '*.txt', '--out', 'o/{stem}.txt', '--', 'cp', '{}', '{out}'];
    const ran = await runSluice(['map', ...args], { cwd });
    assert.equal(ran.code, 0, ran.stderr);
    const none = await runSluice(['map', '--dry-run', ...args], { cwd });
    assert.equal(none.code, 0, none.stderr);
    // As `sluice run --dry-run` says it: the tasks that would run and a count, on standard output.
    assert.equal(none.stdout, 'nothing to do: all 3 tasks are up to date\n');
    assert.equal(none.stderr, '');
    fs.writeFileSync(path.join(cwd, 'b.txt'), 'B\n');
    fs.rmSync(path.join(cwd, 'o/c.txt'));
    const two = await runSluice(['map', '--dry-run', ...args], { cwd });
    assert.equal(two.stdout, 'map[in=b.txt]: cp b.txt o/b.txt\nmap[in=c.txt]: cp c.txt o/c.txt\n2 tasks would run, 1 up to date\n');
    assert.equal(two.stderr, '');
    assert.equal(fs.readFileSync(path.join(cwd, 'o/b.txt'), 'utf8'), 'b\n', 'a dry run runs nothing');
  });

  it('writes standard output to --out and passes {out} to commands that write it themselves', async () => {
    const cwd = makeTempDir();
    fs.writeFileSync(path.join(cwd, 'a.txt'), 'hello\n');
    const captured = await runSluice(['map', '--in', '*.txt', '--out', 'rev/{stem}.txt', '--', 'rev'], { cwd });
    assert.equal(captured.code, 0, captured.stderr);
    assert.equal(fs.readFileSync(path.join(cwd, 'rev/a.txt'), 'utf8'), 'olleh\n');
    const shell = await runSluice(['map', '--shell', '--in', '*.txt', '--out', 'up/{stem}.TXT', '--', 'tr a-z A-Z < {}'], { cwd });
    assert.equal(shell.code, 0, shell.stderr);
    assert.equal(fs.readFileSync(path.join(cwd, 'up/a.TXT'), 'utf8'), 'HELLO\n');
    const explicit = await runSluice(['map', '--in', '*.txt', '--out', 'copy/{name}', '--', 'cp', '{}', '{out}'], { cwd });
    assert.equal(explicit.code, 0, explicit.stderr);
    assert.equal(fs.readFileSync(path.join(cwd, 'copy/a.txt'), 'utf8'), 'hello\n');
  });

  it('answers --help with exit 0 and the usage', async () => {
    const cwd = makeTempDir();
    const result = await runSluice(['map', '--help'], { cwd });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: sluice map \[OPTIONS\] -- COMMAND \[ARG\.\.\.\] \[::: INPUT\.\.\.\]/);
  });
});

describe('sluice map --json', () => {
  it('prints one JSON event per line on stdout, and the progress stays on stderr', async () => {
    const cwd = makeTempDir();
    const result = await runSluice(['map', '--json', '--keep-going', '--', 'sh', '-c', 'echo hidden; [ "$1" = ok ]', 'sh', ':::', 'ok', 'bad'], { cwd });
    assert.equal(result.code, 1);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; id?: number; exitCode?: number; command?: string });
    assert.equal(events[0]?.event, 'plan');
    assert.equal(events.at(-1)?.event, 'run-finished');
    assert.equal(events.filter((event) => event.event === 'task-started').length, 2);
    assert.equal(events.filter((event) => event.event === 'task-succeeded').length, 1);
    const failed = events.find((event) => event.event === 'task-failed');
    assert.equal(failed?.exitCode, 1);
    assert.match(failed?.command ?? '', /sh -c .* sh bad$/);
    assert.ok(!result.stdout.split('\n').includes('hidden'), "the tasks' own output stays in their logs");
  });
});
