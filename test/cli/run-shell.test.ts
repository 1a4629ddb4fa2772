import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// sh() steps run with bash in strict mode (`set -euo pipefail`): a command that fails anywhere in
// the script, even the first of a pipe, fails the task, and its output is not kept.

function project(script: string): string {
  const dir = makeTempDir('sluice-shell-');
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data/a.txt'), 'one\ntwo\nthree\n');
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  piece: step({ in: 'data/{p}.txt', out: 'out/{p}.txt', run: sh(${JSON.stringify(script)}) }),
  after: step({ in: 'out/{p}.txt', out: 'final/{p}.txt', run: sh('cp {in} {out}') }),
});`,
  );
  return dir;
}

async function expectFailure(script: string, stderrPattern: RegExp): Promise<void> {
  const dir = project(script);
  // UNSET_BY_SLUICE_TEST must really be unset for the `-u` case.
  const result = await runSluice(['run'], { cwd: dir, env: { UNSET_BY_SLUICE_TEST: undefined } });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /piece\[p=a\] exit code [12]/);
  assert.match(result.stderr, stderrPattern);
  assert.match(result.stderr, /1 failed/);
  assert.equal(fs.existsSync(path.join(dir, 'out/a.txt')), false, 'no output under its final name');
  assert.equal(fs.existsSync(path.join(dir, 'final/a.txt')), false, 'nothing downstream ran on it');
  assert.deepEqual(listFiles(path.join(dir, 'out')).filter((file) => file.includes('.sluice-tmp')), []);
  const status = await runSluice(['status'], { cwd: dir });
  assert.match(status.stdout + status.stderr, /piece.*failed/);
}

describe('sh() steps run with bash in strict mode', () => {
  it('fail when the first command of a pipe fails (pipefail)', async () => {
    await expectFailure('(cat {in}; echo pipe-failed >&2; exit 1) | cat > {out}', /pipe-failed/);
  });

  it('fail when a command in the middle of the script fails (-e)', async () => {
    await expectFailure('cp {in} {out}; ls /no/such/file/here; echo done >> {out}', /no\/such\/file/);
  });

  it('fail on an unset variable (-u)', async () => {
    await expectFailure('cp {in} {out}; echo "$UNSET_BY_SLUICE_TEST" >> {out}', /UNSET_BY_SLUICE_TEST: unbound variable/);
  });

  it('succeed when the script tolerates a failing command with || true', async () => {
    const dir = project('(cat {in}; exit 1) | cat > {out} || true');
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'final/a.txt'), 'utf8'), 'one\ntwo\nthree\n');
    assert.match(result.stderr, /2 succeeded/);
  });

  it('use bash features such as arrays and [[ ]]', async () => {
    const dir = project('words=(x y); [[ ${#words[@]} -eq 2 ]] && echo "${words[1]}" > {out}');
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), 'y\n');
  });

  it('show the strict bash command in a failure, for pasting', async () => {
    const dir = project('false');
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /bash -euo pipefail -c false/);
  });

  it('refuse a shell variable written ${X} before anything runs, saying how to write it', async () => {
    const dir = project('X=1; echo ${X} > {out}');
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Unknown placeholder `\{X\}` in step `piece`/);
    assert.match(result.stderr, /shell variable `\$\{X\}`.*`\$X` or `\$\{\{X\}\}`/s);
    assert.equal(fs.existsSync(path.join(dir, 'out')), false);
  });

  it('pass ${{X}} and $X to bash as the variable', async () => {
    const dir = project('X=1; echo "${{X}}$X" > {out}');
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out/a.txt'), 'utf8'), '11\n');
  });

  it('fail when a reader such as head closes the pipe early, and say why (SIGPIPE under pipefail)', async () => {
    const dir = project('seq 1 10000000 | head -1 > {out}');
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /piece\[p=\w+\] exit code 141 \(a command of the script was killed by SIGPIPE \(broken pipe\)/);
    assert.match(result.stderr, /head/);
    assert.match(result.stderr, /\|\| \[ \$\? -eq 141 \]/);
    assert.equal(fs.existsSync(path.join(dir, 'out/a.txt')), false);
  });

  it('succeed with a pipe cut short by head when the script says so (|| [ $? -eq 141 ])', async () => {
    const dir = project('seq 1 10000000 | head -1 > {out} || [ $? -eq 141 ]');
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'final/a.txt'), 'utf8'), '1\n');
    const failing = project('(echo x; exit 3) | head -1 > {out} || [ $? -eq 141 ]');
    const failed = await runSluice(['run'], { cwd: failing });
    assert.equal(failed.code, 1, 'a writer that fails otherwise still fails the task');
  });

  it('are refused before anything runs when bash is not on PATH, naming the step', async () => {
    const dir = project('cat {in} > {out}');
    const empty = path.join(dir, 'no-programs-here');
    fs.mkdirSync(empty);
    const result = await runSluice(['run'], { cwd: dir, env: { PATH: empty } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /step `piece`/);
    assert.match(result.stderr, /bash/);
    assert.match(result.stderr, new RegExp(`not found on PATH \\(searched ${empty}\\)`));
    assert.equal(fs.existsSync(path.join(dir, 'out')), false);
  });
});
