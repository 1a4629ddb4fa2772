import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// `sluice map --shell` runs its script as a pipeline's sh() does: bash in strict mode (`set -euo
// pipefail`), so a command that fails anywhere, even first in a pipe, fails the task and its
// output is not kept. Before, it ran `/bin/sh -c` (dash: no pipefail, no -e), and
// `false | cat > {out}` was recorded as a success.

function folder(): string {
  const cwd = makeTempDir('sluice-map-shell-');
  fs.writeFileSync(path.join(cwd, 'a.txt'), 'one\ntwo\n');
  return cwd;
}

async function expectFailure(script: string, stderrPattern?: RegExp): Promise<void> {
  const cwd = folder();
  const result = await runSluice(['map', '--shell', '--in', 'a.txt', '--out', 'o/{stem}.txt', '--', script], {
    cwd,
    env: { UNSET_BY_SLUICE_TEST: undefined },
  });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /map\[in=a\.txt\] exit code \d+/);
  assert.match(result.stderr, /1 failed/);
  if (stderrPattern !== undefined) assert.match(result.stderr, stderrPattern);
  assert.deepEqual(listFiles(path.join(cwd, 'o')), [], 'no output under its final name, no temporary left');
  const again = await runSluice(['map', '--shell', '--in', 'a.txt', '--out', 'o/{stem}.txt', '--dry-run', '--', script], { cwd });
  assert.match(again.stdout, /1 task would run/, 'the failure was not recorded as a success');
}

describe('sluice map --shell runs bash in strict mode', () => {
  it('fails when the first command of a pipe fails (pipefail)', async () => {
    await expectFailure('false | cat > {out}');
    await expectFailure('(cat {in}; echo first-failed >&2; exit 3) | cat > {out}', /first-failed/);
  });

  it('fails when a command in the middle of a pipe fails', async () => {
    await expectFailure('cat {in} | (cat; exit 4) | cat > {out}');
  });

  it('fails when a command of a multi-command line fails (-e), and runs nothing after it', async () => {
    const cwd = folder();
    const script = 'cp {in} {out}; ls /no/such/file/here; touch after-the-failure';
    const result = await runSluice(['map', '--shell', '--in', 'a.txt', '--out', 'o/{stem}.txt', '--', script], { cwd });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /no\/such\/file/);
    assert.equal(fs.existsSync(path.join(cwd, 'after-the-failure')), false, 'set -e stopped the script');
    assert.equal(fs.existsSync(path.join(cwd, 'o/a.txt')), false);
  });

  it('fails on an unset variable (-u)', async () => {
    await expectFailure('cp {in} {out}; echo "$UNSET_BY_SLUICE_TEST" >> {out}', /UNSET_BY_SLUICE_TEST: unbound variable/);
  });

  it('succeeds when the script lets a command fail (|| true), and uses bash features', async () => {
    const cwd = folder();
    const script = 'words=(x y); (cat {in}; exit 1) | cat > {out} || true; [[ ${#words[@]} -eq 2 ]]';
    const result = await runSluice(['map', '--shell', '--in', 'a.txt', '--out', 'o/{stem}.txt', '--', script], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(cwd, 'o/a.txt'), 'utf8'), 'one\ntwo\n');
  });

  it('says why a pipe cut short by head fails (exit 141, SIGPIPE under pipefail)', async () => {
    const cwd = folder();
    const result = await runSluice(['map', '--shell', '--in', 'a.txt', '--out', 'o/{stem}.txt', '--', 'seq 1 10000000 | head -1 > {out}'], { cwd });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /exit code 141 \(a command of the script was killed by SIGPIPE \(broken pipe\)/);
    assert.match(result.stderr, /\|\| \[ \$\? -eq 141 \]/);
    assert.equal(fs.existsSync(path.join(cwd, 'o/a.txt')), false);
  });

  it('shows the strict bash command in a failure, for pasting', async () => {
    const cwd = folder();
    const result = await runSluice(['map', '--shell', '--', 'test -e', ':::', 'no such file'], { cwd });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /bash -euo pipefail -c 'test -e '\\''no such file'\\'''/);
  });

  it('is refused before anything runs when bash is not on PATH, saying why bash', async () => {
    const cwd = folder();
    const empty = path.join(cwd, 'no-programs-here');
    fs.mkdirSync(empty);
    const result = await runSluice(['map', '--shell', '--in', 'a.txt', '--out', 'o/{stem}.txt', '--', 'cat {in} > {out}'], {
      cwd,
      env: { PATH: empty },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`Program \`bash\` not found on PATH \\(searched ${empty}\\)`));
    assert.match(result.stderr, /--shell/);
    assert.match(result.stderr, /set -euo pipefail/);
    assert.equal(fs.existsSync(path.join(cwd, 'o')), false);
  });

  it('says so in --help', async () => {
    const result = await runSluice(['map', '--help'], { cwd: makeTempDir() });
    assert.match(result.stdout, /--shell\s+run COMMAND with bash in strict mode/);
    assert.doesNotMatch(result.stdout, /\/bin\/sh/);
  });
});
