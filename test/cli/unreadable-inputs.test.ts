// An input sluice may not read (chmod 000): sluice hashes inputs to know whether their tasks are
// up to date, so the read fails before the task runs. The message must say that sluice may not
// *read* that file (it said "may not write ... give write access"), exit 3 (the environment).
// Root reads any file, so as root the test runs sluice as `nobody` (runuser), else it skips.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, REPO } from '../helpers/run-sluice.ts';

const asRoot = process.getuid?.() === 0;
const runuser = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((file) => fs.existsSync(file));
// The node running the tests may sit where nobody may not go (CI's Node 24 is under a 0700 temp folder).
const nobodyRunsNode = (): boolean => spawnSync(runuser as string, ['-u', 'nobody', '--', process.execPath, '--version']).status === 0;
const skip = !asRoot
  ? false
  : runuser === undefined
    ? 'root reads any file, and runuser (to run as nobody) is missing'
    : !nobodyRunsNode() && `root reads any file, and nobody may not run ${process.execPath}`;

function runAsUser(args: readonly string[], cwd: string): { code: number | null; stderr: string } {
  const node = [process.execPath, '--import', path.join(REPO, 'node_modules/tsx/dist/loader.mjs'), path.join(REPO, 'src/cli/main.ts'), ...args];
  const [command, ...rest] = asRoot ? [runuser as string, '-u', 'nobody', '--', 'env', `HOME=${cwd}`, ...node] : node;
  const result = spawnSync(command as string, rest, { cwd, encoding: 'utf8', env: { ...process.env, HOME: cwd } });
  return { code: result.status, stderr: result.stderr };
}

describe('an input sluice may not read', { skip }, () => {
  it('says it may not read it, and names the file', () => {
    const dir = makeTempDir('sluice-unreadable-');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    fs.writeFileSync(path.join(dir, 'b.txt'), 'b\n');
    fs.chmodSync(path.join(dir, 'b.txt'), 0o000);
    fs.chmodSync(dir, 0o777);
    if (asRoot) spawnSync('chown', ['-R', 'nobody', dir]);
    const result = runAsUser(['map', '--out', 'o/{name}', '--', 'cat', ':::', 'a.txt', 'b.txt'], dir);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^sluice: sluice may not read .*b\.txt: permission denied .*Give the user running sluice read access to it/);
    assert.doesNotMatch(result.stderr, /may not write|write access/);
  });

  // A folder it may not list was taken as empty: `--in 'data/**'` ran without the files of the
  // unreadable subfolder and exited 0; a pipeline said "No file matches input".
  it('says it may not read a folder its globs or patterns list, instead of leaving its files out', () => {
    const dir = makeTempDir('sluice-unreadable-');
    fs.mkdirSync(path.join(dir, 'data', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'b.txt'), 'b\n');
    fs.writeFileSync(path.join(dir, 'data', 'sub', 'c.txt'), 'c\n');
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, cmd } from 'sluice';\nexport default pipeline({ a: step({ in: 'data/sub/{x}.txt', out: 'o/{x}.txt', run: cmd('cp', '{in}', '{out}') }) });\n`,
    );
    fs.chmodSync(dir, 0o777);
    if (asRoot) spawnSync('chown', ['-R', 'nobody', dir]);
    fs.chmodSync(path.join(dir, 'data', 'sub'), 0o000);
    for (const args of [['map', '--in', 'data/**', '--', 'cat'], ['map', '--in', 'data/sub/*', '--', 'cat'], ['run']]) {
      const result = runAsUser(args, dir);
      assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^sluice: sluice may not read .*data\/sub\/?: permission denied .*Give the user running sluice read access to it/, args.join(' '));
    }
  });
});
