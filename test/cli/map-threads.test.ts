import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// `{threads}` in a `sluice map` command, as in a pipeline's: the cpus the task holds (1 for map's
// tasks), in argv and --shell commands, not in `--out`. Before: "Unknown placeholder `{threads}`".

describe('sluice map with {threads}', { concurrency: 2 }, () => {
  it('passes the cpus the task holds, in argv and in --shell commands', async () => {
    const dir = makeTempDir('sluice-map-threads-');
    const argv = await runSluice(['map', '-k', '--', 'echo', '--parallel={threads}', '{}', ':::', 'a', 'b'], { cwd: dir });
    assert.equal(argv.code, 0, argv.stderr);
    assert.equal(argv.stdout, '--parallel=1 a\n--parallel=1 b\n');
    const shell = await runSluice(['map', '--shell', '--', 'echo t={threads} {}', ':::', 'a b'], { cwd: dir });
    assert.equal(shell.code, 0, shell.stderr);
    assert.equal(shell.stdout, 't=1 a b\n');
  });

  it('is refused in --out, and --out with {threads} in the command is incremental', async () => {
    const dir = makeTempDir('sluice-map-threads-');
    fs.writeFileSync(path.join(dir, 'x.txt'), 'x\n');
    const refused = await runSluice(['map', '--in', 'x.txt', '--out', 'o/{threads}', '--', 'cat'], { cwd: dir });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /Unknown placeholder `\{threads\}` in `--out`/);
    const args = ['map', '--in', 'x.txt', '--out', 'o/{name}', '--', 'sh', '-c', 'echo "$0" > "$1"', '{threads}', '{out}'];
    const first = await runSluice(args, { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'o/x.txt'), 'utf8'), '1\n');
    const again = await runSluice(['-C', dir, ...args, ], { cwd: makeTempDir() });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /1 up to date/);
  });
});
