// A broken machine (a full disk, a damaged state database, `.sluice/` removed during a run, a
// damaged bundle, a native module never built) ends with one paragraph that names the path,
// the cause and what to do, exit status 3, no stack trace, and nothing recorded as a success
// that did not finish. On real files: a small tmpfs for the full disk.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, REPO, runSluice, startSluice, takeRanLog, waitFor, type SluiceResult } from '../helpers/run-sluice.ts';
import { useSmallTmpfs } from '../helpers/small-tmpfs.ts';
import { abortsBetterSqlite3 } from '../../src/state/store/open-sqlite.ts';
import { snapshotPathOf } from '../../src/state/freshness/up-to-date-snapshot.ts';

const STACK = /\n\s+at .+:\d+:\d+/;

function assertOneParagraph(result: SluiceResult, message: RegExp): void {
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, STACK, 'no stack trace');
  assert.doesNotMatch(result.stderr, /this is a bug in sluice/i);
}

// `count` tasks copying data/N.txt to out/N.txt after `sleep`; each appends its name to ran.log.
function project(root: string, options: { count?: number; sleep?: number; command?: string } = {}): string {
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  for (let i = 1; i <= (options.count ?? 3); i += 1) fs.writeFileSync(path.join(root, 'data', `${i}.txt`), `line ${i}\n`);
  const command = options.command ?? `sleep ${options.sleep ?? 0}; echo {n} >> ran.log; cat {in} > {out}`;
  fs.writeFileSync(
    path.join(root, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  steps: () => ({
    copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh(${JSON.stringify(command)}) }),
  }),
});
`,
  );
  return root;
}

describe('a damaged state database', () => {
  it('makes `run` and `status` say which file is damaged and what to do; once removed, the run starts afresh', async () => {
    const dir = project(makeTempDir('sluice-env-db-'));
    const first = await runSluice(['run'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    takeRanLog(dir);
    const dbPath = path.join(dir, '.sluice', 'state.db');
    // Garbage over every page but the first (the header and the schema stay readable).
    const size = fs.statSync(dbPath).size;
    const fd = fs.openSync(dbPath, 'r+');
    fs.writeSync(fd, Buffer.alloc(size - 4096, 0x5a), 0, size - 4096, 4096);
    fs.closeSync(fd);
    // A run that the up-to-date snapshot vouches for opens no database. The first run leaves one
    // when its outputs are old enough to be trusted as it ends (~2 s: a slow run, under load);
    // removed, the run reads the database, as every run with work does.
    fs.rmSync(snapshotPathOf(dir, path.join(dir, 'pipeline.ts')), { force: true });

    for (const command of [['status'], ['run']]) {
      const result = await runSluice(command, { cwd: dir });
      assertOneParagraph(result, new RegExp(`The state database ${dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged`));
      assert.match(result.stderr, /rm .*state\.db\*/);
      assert.match(result.stderr, /every task runs once more/);
    }
    assert.deepEqual(takeRanLog(dir), [], 'nothing ran');

    for (const name of fs.readdirSync(path.dirname(dbPath))) if (name.startsWith('state.db')) fs.rmSync(path.join(dir, '.sluice', name));
    const fresh = await runSluice(['run'], { cwd: dir });
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.deepEqual(takeRanLog(dir), ['1', '2', '3']);
  });
});

describe('`.sluice/` removed while a run runs', () => {
  it('stops the run with one message instead of failing every task with "program not found"', async () => {
    const dir = project(makeTempDir('sluice-env-gone-'), { count: 6, sleep: 0.3 });
    const run = startSluice(['run', '-j', '1'], { cwd: dir });
    await waitFor(() => fs.existsSync(path.join(dir, 'ran.log')), 60_000);
    // Retried: the run may add a file while it is removed.
    fs.rmSync(path.join(dir, '.sluice'), { recursive: true, force: true, maxRetries: 10 });
    const result = await run.done;
    assertOneParagraph(result, /\.sluice was removed while sluice ran/);
    assert.doesNotMatch(result.stderr, /not found/);
    assert.ok(takeRanLog(dir).length < 6, 'no task started after the run noticed');

    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    for (let i = 1; i <= 6; i += 1) assert.equal(fs.readFileSync(path.join(dir, 'out', `${i}.txt`), 'utf8'), `line ${i}\n`);
  });
});

describe('a damaged bundle in .sluice/pipelines/', () => {
  it('is rebuilt, not trusted because the pipeline file did not change', async () => {
    const dir = project(makeTempDir('sluice-env-bundle-'));
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    takeRanLog(dir);
    const folder = path.join(dir, '.sluice', 'pipelines');
    const bundle = fs.readdirSync(folder).find((name) => name.endsWith('.mjs')) as string;
    fs.writeFileSync(path.join(folder, bundle), 'export default (((;\n');
    const damaged = await runSluice(['run'], { cwd: dir });
    assert.equal(damaged.code, 0, damaged.stderr);
    assert.match(damaged.stderr, /3 up to date/);

    const meta = fs.readdirSync(folder).find((name) => name.endsWith('.json')) as string;
    fs.writeFileSync(path.join(folder, meta), '{"bundle": 7, "inputs": "x"');
    const badMeta = await runSluice(['run'], { cwd: dir });
    assert.equal(badMeta.code, 0, badMeta.stderr);
    assert.deepEqual(takeRanLog(dir), []);
  });

  it('is rebuilt when a source changed but kept its size and mtime', async () => {
    const dir = project(makeTempDir('sluice-env-bundle-'), { command: 'echo {n} >> ran.log; cat {in} > {out}' });
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    takeRanLog(dir);
    const file = path.join(dir, 'pipeline.ts');
    // touch -r copies the time to the nanosecond (utimes from JavaScript would round it).
    const reference = path.join(dir, 'mtime-of-pipeline');
    fs.writeFileSync(reference, '');
    execFileSync('touch', ['-r', file, reference]);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('cat {in} > {out}', 'cat {in} >>{out}'));
    execFileSync('touch', ['-r', reference, file]);
    assert.equal(fs.statSync(file, { bigint: true }).mtimeNs, fs.statSync(reference, { bigint: true }).mtimeNs);
    const edited = await runSluice(['run'], { cwd: dir });
    assert.equal(edited.code, 0, edited.stderr);
    assert.deepEqual(takeRanLog(dir), ['1', '2', '3'], 'the changed command ran');
  });
});

describe('a file where sluice needs a folder', () => {
  it('names the file in the way, for .sluice/ itself and for .sluice/logs/', async () => {
    const dir = project(makeTempDir('sluice-env-file-'));
    fs.writeFileSync(path.join(dir, '.sluice'), '');
    const whole = await runSluice(['run'], { cwd: dir });
    assertOneParagraph(whole, new RegExp(`sluice needs ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.sluice to be a folder, but it is a file`));
    fs.rmSync(path.join(dir, '.sluice'));
    fs.mkdirSync(path.join(dir, '.sluice'));
    fs.writeFileSync(path.join(dir, '.sluice', 'logs'), '');
    const logs = await runSluice(['run'], { cwd: dir });
    assertOneParagraph(logs, /sluice needs .*\/\.sluice\/logs to be a folder, but it is a file/);
    assert.deepEqual(takeRanLog(dir), [], 'no task ran');
  });
});

describe('a missing native module', () => {
  it('names the package to rebuild and how', async (t) => {
    // A copy of sluice whose better-sqlite3 was installed without its build (--ignore-scripts);
    // every other package is the worktree's own, linked.
    const copy = makeTempDir('sluice-env-native-');
    fs.cpSync(path.join(REPO, 'src'), path.join(copy, 'src'), { recursive: true });
    fs.cpSync(path.join(REPO, 'libexec'), path.join(copy, 'libexec'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'package.json'), path.join(copy, 'package.json'));
    fs.mkdirSync(path.join(copy, 'node_modules'));
    for (const name of fs.readdirSync(path.join(REPO, 'node_modules'))) {
      if (name === 'better-sqlite3') continue;
      fs.symlinkSync(path.join(REPO, 'node_modules', name), path.join(copy, 'node_modules', name));
    }
    const sqlite = path.join(copy, 'node_modules', 'better-sqlite3');
    fs.mkdirSync(sqlite);
    for (const part of ['lib', 'package.json']) fs.cpSync(path.join(REPO, 'node_modules/better-sqlite3', part), path.join(sqlite, part), { recursive: true });
    if (fs.existsSync(path.join(sqlite, 'build'))) return t.skip('the copy has a build');
    if (abortsBetterSqlite3(process.versions.node)) return t.skip(`SLUICE_SQLITE=better-sqlite3 is refused on Node ${process.versions.node} (test/state/open-sqlite.test.ts)`);

    const dir = project(makeTempDir('sluice-env-native-run-'));
    const child = spawnSync(process.execPath, ['--import', path.join(REPO, 'node_modules/tsx/dist/loader.mjs'), path.join(copy, 'src/cli/main.ts'), 'run'], {
      cwd: dir,
      encoding: 'utf8',
      // Node 22.13+ would use node:sqlite and never load better-sqlite3.
      env: { ...process.env, SLUICE_SQLITE: 'better-sqlite3' },
    });
    const result: SluiceResult = { code: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr };
    assertOneParagraph(result, /sluice could not load better-sqlite3's native module \(Could not locate the bindings file\)/);
    assert.ok(result.stderr.includes(`Run \`npm rebuild better-sqlite3\` in ${copy}`), result.stderr);
    assert.doesNotMatch(result.stderr, /Tried:/);
  });
});

// The disk fills: before the run, while an output is written, while the state is written.
describe('a full disk', () => {
  const tmpfs = useSmallTmpfs('sluice-env-tmpfs-', 'size=4m');

  // Fills the tmpfs but for `leave` bytes, with one file; returns its path.
  const fill = (leave = 0): string => {
    const file = path.join(tmpfs.mount as string, `fill-${Math.random().toString(36).slice(2)}`);
    const { bavail, bsize } = fs.statfsSync(tmpfs.mount as string);
    const size = Math.max(0, Number(bavail) * Number(bsize) - leave);
    const fd = fs.openSync(file, 'w');
    const chunk = Buffer.alloc(64 * 1024);
    try {
      for (let written = 0; written < size; ) written += fs.writeSync(fd, chunk, 0, Math.min(chunk.length, size - written));
      if (leave === 0) {
        // Whatever rounding left.
        try {
          for (;;) fs.writeSync(fd, chunk, 0, 512);
        } catch {}
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    } finally {
      fs.closeSync(fd);
    }
    return file;
  };
  const folder = (name: string): string => {
    const dir = path.join(tmpfs.mount as string, name);
    fs.mkdirSync(dir);
    return dir;
  };

  // `map` over a.txt in a folder of the small disk, its state made while there was room, run once
  // with 600 kB left.
  const runOnFullDisk = async (name: string, map: readonly string[]): Promise<{ dir: string; result: SluiceResult }> => {
    const dir = folder(name);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    const first = await runSluice(['map', '-q', '--in', 'a.txt', '--', 'true'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    const filler = fill(600_000);
    try {
      return { dir, result: await runSluice([...map], { cwd: dir }) };
    } finally {
      fs.rmSync(filler);
    }
  };

  it('before the run: the bundle cache cannot be written', async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    const dir = project(folder('bundle'));
    const filler = fill();
    try {
      const result = await runSluice(['run'], { cwd: dir });
      assertOneParagraph(result, /The disk is full: sluice could not write .*\/\.sluice\/pipelines\/pipeline\.ts-\w+-\w+\.mjs \(ENOSPC/);
      assert.match(result.stderr, /Free some space on that file system and run again/);
      assert.deepEqual(fs.readdirSync(path.join(dir, '.sluice', 'pipelines')).filter((name) => name.endsWith('.tmp')), [], 'nothing half-written');
    } finally {
      fs.rmSync(filler);
    }
    const freed = await runSluice(['run'], { cwd: dir });
    assert.equal(freed.code, 0, freed.stderr);
    assert.deepEqual(takeRanLog(dir), ['1', '2', '3']);
  });

  it('before the run: the state database cannot be created', async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    const dir = project(folder('state'));
    assert.equal((await runSluice(['run'], { cwd: dir })).code, 0);
    takeRanLog(dir);
    fs.rmSync(path.join(dir, '.sluice'), { recursive: true });
    fs.rmSync(path.join(dir, 'out'), { recursive: true });
    // The bundle is made first, then the disk is full.
    assert.equal((await runSluice(['run', '--dry-run'], { cwd: dir })).code, 0);
    for (const name of fs.readdirSync(path.join(dir, '.sluice'))) if (name.startsWith('state.db')) fs.rmSync(path.join(dir, '.sluice', name));
    const filler = fill();
    try {
      const result = await runSluice(['run'], { cwd: dir });
      assertOneParagraph(result, /The disk is full: sluice could not write .*\/\.sluice\/(state\.db|lock)\b/);
      assert.deepEqual(takeRanLog(dir), []);
    } finally {
      fs.rmSync(filler);
    }
    const freed = await runSluice(['run'], { cwd: dir });
    assert.equal(freed.code, 0, freed.stderr);
    assert.deepEqual(takeRanLog(dir), ['1', '2', '3']);
  });

  it('while an output is written: the task is not recorded, and runs again once there is space', async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    // Each output is 400 kB; the disk has room for one.
    const dir = project(folder('output'), { command: 'echo {n} >> ran.log; cat {in} > {out}; head -c 400000 /dev/zero >> {out}' });
    assert.equal((await runSluice(['run', '--dry-run'], { cwd: dir })).code, 0);
    const filler = fill(600_000);
    let result: SluiceResult;
    try {
      result = await runSluice(['run', '-j', '1'], { cwd: dir });
    } finally {
      fs.rmSync(filler);
    }
    // The state database shares the full file system: which write meets the full disk first (the
    // output, or the record of the next task's process group) is a race; each is the paragraph.
    assertOneParagraph(
      result,
      /The disk is full: (task `copy(?:\[[^\]]*\])?` failed writing .*\/out\/\d\.txt(?: or its log \S+)?, whose file system had no space left|sluice could not write .*\/\.sluice\/state\.db \(SQLITE_FULL)/,
    );
    const written = fs.readdirSync(path.join(dir, 'out')).filter((name) => !name.startsWith('.'));
    assert.ok(written.length < 3, 'a task failed');
    for (const name of written) assert.equal(fs.statSync(path.join(dir, 'out', name)).size, 400_007, 'no partial output under a final name');
    takeRanLog(dir);
    const freed = await runSluice(['run'], { cwd: dir });
    assert.equal(freed.code, 0, freed.stderr);
    assert.equal(takeRanLog(dir).length, 3 - written.length, 'what did not finish ran again, only that');
    for (let i = 1; i <= 3; i += 1) assert.equal(fs.statSync(path.join(dir, 'out', `${i}.txt`)).size, 400_007);
  });

  it("while a task's log is written, its outputs elsewhere: the paragraph names the log, not the output", async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    // The state and the logs on the small disk; the outputs on another file system.
    const elsewhere = makeTempDir('sluice-env-log-out-');
    const map = ['map', '-j', '1', '--in', 'a.txt', '--out', `${elsewhere}/{name}`, '--', 'sh', '-c', 'head -c 1500000 /dev/zero >&2 && cp "$0" "$1"', '{in}', '{out}'];
    const { dir, result } = await runOnFullDisk('log', map);
    // The state database shares the small disk: which write meets it full first (the log, or the
    // record of the task's process group) is a race, as for outputs above; each is the paragraph.
    assertOneParagraph(
      result,
      /The disk is full: (task `map\[in=a\.txt\]` failed writing its log \S*\/\.sluice\/logs\/\S+\.err, whose file system had no space left|sluice could not write .*\/\.sluice\/state\.db \(SQLITE_FULL)/,
    );
    assert.doesNotMatch(result.stderr, new RegExp(`failed writing ${elsewhere}`));
    assert.equal(fs.existsSync(path.join(elsewhere, 'a.txt')), false, 'no output of the failed task');
    const freed = await runSluice(map, { cwd: dir });
    assert.equal(freed.code, 0, freed.stderr);
    assert.equal(fs.readFileSync(path.join(elsewhere, 'a.txt'), 'utf8'), 'a\n');
    // Its logs would fill the small disk for the tests that follow.
    fs.rmSync(dir, { recursive: true });
  });

  it("while a task's log is written, its outputs on the same disk: the paragraph names both", async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    const map = ['map', '-j', '1', '--in', 'a.txt', '--out', 'out/{name}', '--', 'sh', '-c', 'cp "$0" "$1" && head -c 1500000 /dev/zero >&2', '{in}', '{out}'];
    const { dir, result } = await runOnFullDisk('log-and-output', map);
    assertOneParagraph(result, /The disk is full: task `map\[in=a\.txt\]` failed writing \S+\/out\/a\.txt or its log \S*\/\.sluice\/logs\/\S+\.err, whose file system had no space left/);
    assert.equal(fs.existsSync(path.join(dir, 'out', 'a.txt')), false, 'no output of the failed task');
    fs.rmSync(dir, { recursive: true });
  });

  it('while the attempts are written: the run stops, with one paragraph', async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    const dir = folder('attempts');
    const counts = makeTempDir('sluice-env-count-');
    // Tasks without outputs record only attempts, 256 at a time; the fifth task fills the disk.
    const script = `echo "$0" >> ${counts}/ran; if [ "$0" = 5 ]; then head -c 8000000 /dev/zero > ${path.join(tmpfs.mount as string, 'attempts-fill')}; fi; true`;
    const inputs = Array.from({ length: 600 }, (_, i) => String(i + 1));
    const result = await runSluice(['map', '-j', '2', '-q', '--', 'sh', '-c', script, ':::', ...inputs], { cwd: dir });
    fs.rmSync(path.join(tmpfs.mount as string, 'attempts-fill'), { force: true });
    assertOneParagraph(result, /The disk is full: sluice could not write .*\/\.sluice\/state\.db \(SQLITE_FULL/);
    const ran = fs.readFileSync(path.join(counts, 'ran'), 'utf8').trim().split('\n').length;
    assert.ok(ran < 600, `the run stopped (${ran} tasks ran)`);
  });

  it('while the state is written: the success is not recorded, and the task runs again once there is space', async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    const dir = folder('record');
    // Task 2 writes its output, then fills the disk (once): its success cannot be written.
    const filler = path.join(tmpfs.mount as string, 'filler');
    project(dir, {
      // Task 3 waits before writing: the launcher starts it in task 2's slot as soon as task 2
      // exits 0, and its write would otherwise meet the full disk before task 2's record does.
      command: `echo {n} >> ran.log; if [ {n} = 3 ] && [ -e ${filler} ]; then sleep 5; fi; cat {in} > {out}; if [ {n} = 2 ] && [ ! -e ${filler}.done ]; then touch ${filler}.done; head -c 8000000 /dev/zero > ${filler} || true; fi`,
    });
    const result = await runSluice(['run', '-j', '1'], { cwd: dir });
    fs.rmSync(filler, { force: true });
    assertOneParagraph(result, /The disk is full: sluice could not write .*\/\.sluice\/state\.db \(SQLITE_FULL/);
    assert.equal(fs.existsSync(path.join(dir, 'out', '2.txt')), false, 'its output was not put in place');
    assert.ok(takeRanLog(dir).includes('2'));
    const freed = await runSluice(['run'], { cwd: dir });
    assert.equal(freed.code, 0, freed.stderr);
    assert.ok(takeRanLog(dir).includes('2'), 'task 2 ran again');
    assert.equal(fs.readFileSync(path.join(dir, 'out', '2.txt'), 'utf8'), 'line 2\n');
    const again = await runSluice(['run'], { cwd: dir });
    assert.match(again.stderr, /3 up to date/);
  });
});
