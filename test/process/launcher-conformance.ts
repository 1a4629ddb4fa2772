// One conformance suite that every Launcher implementation must pass, on real processes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LaunchRequest, LaunchResult, Launcher } from '../../src/process/launch-types.ts';
import { findLivingMembers, makeTempDir, removeDir, waitForGroupGone } from './process-helpers.ts';

// Set before any launcher exists, so "inherits sluice's environment" can be checked.
process.env['SLUICE_CONFORMANCE_MARK'] = 'inherited ✓ $HOME';

const printArgv = ['python3', '-c', 'import json,sys; print(json.dumps(sys.argv[1:]))'];

interface Ran {
  readonly result: LaunchResult;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

export function testLauncherConformance(name: string, create: () => Promise<Launcher>): void {
  describe(`${name} launcher conformance`, () => {
    let launcher: Launcher;
    let dir: string;
    let counter = 0;

    before(async () => {
      dir = await realpath(await makeTempDir());
      launcher = await create();
    });
    after(async () => {
      await launcher.close();
      await removeDir(dir);
    });

    const request = (argv: string[], extra: Partial<LaunchRequest> = {}): LaunchRequest => {
      counter += 1;
      return {
        argv,
        cwd: dir,
        stdoutPath: path.join(dir, `out-${counter}`),
        stderrPath: path.join(dir, `err-${counter}`),
        ...extra,
      };
    };
    const run = async (argv: string[], extra: Partial<LaunchRequest> = {}): Promise<Ran> => {
      const req = request(argv, extra);
      const result = await launcher.start(req).done;
      const read = (file: string): Promise<Buffer> => readFile(path.resolve(req.cwd, file)).catch(() => Buffer.alloc(0));
      return { result, stdout: await read(req.stdoutPath), stderr: await read(req.stderrPath) };
    };
    const assertGroupGone = async (pgid: number): Promise<void> => {
      assert.ok(pgid > 0, 'the result names the process group leader');
      assert.deepEqual(await waitForGroupGone(pgid), [], `process group ${pgid} has no living member`);
    };

    it('reports exit codes 0 and 3', async () => {
      const ok = await run(['true']);
      assert.equal(ok.result.exitCode, 0);
      assert.equal(ok.result.signal, null);
      assert.ok(ok.result.pid > 0);
      assert.ok(ok.result.endedAt >= ok.result.startedAt);
      const three = await run(['sh', '-c', 'exit 3']);
      assert.equal(three.result.exitCode, 3);
      assert.equal(three.result.timedOut, false);
      assert.equal(three.result.cancelled, false);
      assert.equal(three.result.spawnError, undefined);
    });

    it('reports death by a signal', async () => {
      const segv = await run(['sh', '-c', 'kill -SEGV $$']);
      assert.equal(segv.result.exitCode, null);
      assert.equal(segv.result.signal, 'SIGSEGV');
      const killed = await run(['sh', '-c', 'kill -KILL $$']);
      assert.equal(killed.result.signal, 'SIGKILL');
    });

    it('writes stdout and stderr to their files byte for byte', async () => {
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const bytes = path.join(dir, 'all-bytes');
      await writeFile(bytes, Buffer.concat([all, all]));
      const ran = await run(['sh', '-c', 'cat "$1"; cat "$1" "$1" >&2', 'sh', bytes]);
      assert.equal(ran.result.exitCode, 0);
      assert.deepEqual(ran.stdout, Buffer.concat([all, all]));
      assert.deepEqual(ran.stderr, Buffer.concat([all, all, all, all]));
    });

    it('writes a 10 MB output exactly', async () => {
      const big = randomBytes(10 * 1024 * 1024);
      const source = path.join(dir, 'big');
      await writeFile(source, big);
      const ran = await run(['cat', source]);
      assert.equal(ran.result.exitCode, 0);
      assert.ok(ran.stdout.equals(big), 'stdout equals the 10 MB source');
    });

    it('truncates existing output files and shares one file for stdout and stderr', async () => {
      const file = path.join(dir, 'shared.log');
      await writeFile(file, 'old content that is longer than the new one\n'.repeat(10));
      const ran = await run(['sh', '-c', 'echo out; echo err >&2; echo out2'], { stdoutPath: file, stderrPath: file });
      assert.equal(ran.stdout.toString(), 'out\nerr\nout2\n');
    });

    it('reads stdin from a file, or from /dev/null', async () => {
      const input = path.join(dir, 'input');
      await writeFile(input, 'line one\nline two\n\u00e9\n');
      const fed = await run(['cat'], { stdinPath: input });
      assert.equal(fed.stdout.toString(), 'line one\nline two\n\u00e9\n');
      const empty = await run(['cat']);
      assert.equal(empty.result.exitCode, 0);
      assert.equal(empty.stdout.length, 0);
    });

    it('honours cwd, with redirect paths relative to it', async () => {
      const sub = path.join(dir, 'sub dir');
      await mkdir(sub);
      const ran = await run(['pwd'], { cwd: sub, stdoutPath: 'pwd.out', stderrPath: 'pwd.err' });
      assert.equal(ran.stdout.toString(), `${sub}\n`);
      const back = await run(['pwd']);
      assert.equal(back.stdout.toString(), `${dir}\n`, 'the next task is back in its own cwd');
    });

    it('passes the given environment exactly, or inherits sluice\'s', async () => {
      const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', FOO: 'bar baz', EMPTY: '', UNI: 'ünï ✓\nline' };
      const given = await run(['env', '-0'], { env });
      const entries = given.stdout.toString().split('\0').filter((entry) => entry !== '');
      assert.deepEqual(entries.sort(), Object.entries(env).map(([k, v]) => `${k}=${v}`).sort());
      const inherited = await run(['sh', '-c', 'printf %s "$SLUICE_CONFORMANCE_MARK"']);
      assert.equal(inherited.stdout.toString(), 'inherited ✓ $HOME');
    });

    it('passes argv elements exactly, without a shell', async () => {
      const args = [
        'two words',
        `"double" 'single'`,
        '$(touch pwned)',
        '`touch pwned`',
        'a;b|c&d',
        'first\nsecond',
        '-n',
        '--',
        '',
        '*',
        'non-ASCII: héllo wörld ✓ 日本語',
        'back\\slash',
      ];
      const ran = await run([...printArgv, ...args]);
      assert.equal(ran.result.exitCode, 0, ran.stderr.toString());
      assert.deepEqual(JSON.parse(ran.stdout.toString()), args);
      await assert.rejects(readFile(path.join(dir, 'pwned')), 'nothing was interpreted by a shell');
    });

    it('looks programs up on the task\'s own PATH', async () => {
      const bin = path.join(dir, 'bin');
      await mkdir(bin);
      await writeFile(path.join(bin, 'sluice-test-tool'), '#!/bin/sh\necho "tool $1"\n', { mode: 0o755 });
      const env = { PATH: `${bin}:${process.env['PATH']}` };
      const found = await run(['sluice-test-tool', 'x'], { env });
      assert.equal(found.result.exitCode, 0);
      assert.equal(found.stdout.toString(), 'tool x\n');
      const missing = await run(['sluice-test-tool']);
      assert.equal(missing.result.spawnError?.code, 'ENOENT', 'not on sluice\'s own PATH');
    });

    it('reports a missing program as spawnError ENOENT, without throwing', async () => {
      const ran = await run(['sluice-no-such-program-anywhere', 'x']);
      assert.equal(ran.result.spawnError?.code, 'ENOENT');
      assert.ok(ran.result.spawnError.message.length > 0);
      assert.equal(ran.result.exitCode, null);
      assert.equal(ran.result.signal, null);
      const missingDir = await run(['true'], { stdoutPath: path.join(dir, 'no-such-dir', 'out') });
      assert.equal(missingDir.result.spawnError?.code, 'ENOENT');
    });

    it('reports a program that is not executable as spawnError EACCES', async () => {
      const script = path.join(dir, 'not-executable');
      await writeFile(script, '#!/bin/sh\necho hi\n');
      await chmod(script, 0o644);
      const ran = await run([script]);
      assert.equal(ran.result.spawnError?.code, 'EACCES');
    });

    it('times out a task and its grandchildren', async () => {
      const started = Date.now();
      const ran = await run(['sh', '-c', 'sleep 1000 & sleep 1000'], { timeoutMs: 200, killGraceMs: 5000 });
      assert.equal(ran.result.timedOut, true);
      assert.equal(ran.result.cancelled, false);
      assert.equal(ran.result.signal, 'SIGTERM');
      assert.ok(Date.now() - started < 4000, 'SIGTERM was enough, no wait for the grace period');
      await assertGroupGone(ran.result.pid);
    });

    it('kills a task that ignores SIGTERM after the grace period', async () => {
      const started = Date.now();
      const ran = await run(['sh', '-c', 'trap "" TERM; sleep 1000 & sleep 1000'], { timeoutMs: 200, killGraceMs: 300 });
      assert.equal(ran.result.timedOut, true);
      assert.equal(ran.result.signal, 'SIGKILL');
      assert.ok(Date.now() - started >= 450, 'SIGKILL waited for the grace period');
      await assertGroupGone(ran.result.pid);
    });

    it('cancels a task and its grandchildren, idempotently', async () => {
      const task = launcher.start(request(['sh', '-c', 'trap "" TERM; sleep 1000 & sleep 1000'], { killGraceMs: 200 }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      task.cancel();
      task.cancel();
      const result = await task.done;
      task.cancel();
      assert.equal(result.cancelled, true);
      assert.equal(result.timedOut, false);
      assert.equal(result.signal, 'SIGKILL');
      await assertGroupGone(result.pid);
    });

    it('cancels a task right after starting it', async () => {
      const task = launcher.start(request(['sleep', '1000']));
      task.cancel();
      const result = await task.done;
      assert.equal(result.cancelled, true);
      assert.equal(result.signal, 'SIGTERM');
    });

    it('ignores cancel() after the task ended', async () => {
      const task = launcher.start(request(['sh', '-c', 'exit 4']));
      const result = await task.done;
      task.cancel();
      task.cancel();
      assert.equal(result.exitCode, 4);
      assert.equal(result.cancelled, false);
    });

    it('leaves no grandchild behind when a task fails', async () => {
      const ran = await run(['sh', '-c', 'sleep 1000 & echo $!; exit 1']);
      assert.equal(ran.result.exitCode, 1);
      const grandchild = Number(ran.stdout.toString().trim());
      assert.ok(grandchild > 0);
      await assertGroupGone(ran.result.pid);
    });

    it('gives each task a process group of its own', async () => {
      const ran = await run(['sh', '-c', 'ps -o pgid= -p $$']);
      assert.equal(Number(ran.stdout.toString().trim()), ran.result.pid);
      assert.notEqual(ran.result.pid, process.pid);
      assert.deepEqual(await findLivingMembers(ran.result.pid), []);
    });

    it('close() ends running tasks as cancelled; start() afterwards throws', async () => {
      const own = await create();
      const task = own.start(request(['sh', '-c', 'sleep 1000 & sleep 1000'], { killGraceMs: 300 }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await own.close();
      const result = await task.done;
      assert.equal(result.cancelled, true);
      assert.notEqual(result.signal, null);
      await assertGroupGone(result.pid);
      assert.throws(() => own.start(request(['true'])), /launcher/);
      await own.close();
    });

    it('ends what a successful task left running in its group, as the task ends', async () => {
      const req = request(['sh', '-c', 'sleep 1000 & echo $!; exit 0']);
      const result = await launcher.start(req).done;
      assert.equal(result.exitCode, 0);
      const background = Number((await readFile(req.stdoutPath, 'utf8')).trim());
      assert.ok(background > 0);
      assert.deepEqual(await waitForGroupGone(result.pid), [], 'nothing of a task outlives it');
    });

    it('runs 500 tasks with 8 in flight, each result matched to its request', async () => {
      const total = 500;
      const results: LaunchResult[] = new Array(total);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < total) {
          const index = next++;
          const code = index % 200;
          const argv = code === 0 ? ['true'] : ['sh', '-c', `exit ${code}`];
          results[index] = await launcher.start(request(argv, { stdoutPath: '/dev/null', stderrPath: '/dev/null' })).done;
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      results.forEach((result, index) => assert.equal(result.exitCode, index % 200, `task ${index}`));
      assert.equal(new Set(results.map((result) => result.pid)).size > 1, true);
    });
  });
}
