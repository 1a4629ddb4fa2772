import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ProcessFailedError, streamLines } from '../../src/process/stream-lines.ts';
import { groupAlive, makeTempDir, waitFor } from '../helpers/run-sluice.ts';

describe('streamLines', () => {
  it('yields every line, including a last one without a newline', async () => {
    const lines: string[] = [];
    for await (const line of streamLines(['sh', '-c', 'printf "a b\\n\\nlast"'])) lines.push(line);
    assert.deepEqual(lines, ['a b', '', 'last']);
  });

  it('counts a million lines', async () => {
    let count = 0;
    for await (const line of streamLines(['seq', '1', '1000000'])) if (line !== '') count++;
    assert.equal(count, 1_000_000);
  });

  it('pauses the program while the consumer is busy (back-pressure)', async () => {
    const dir = makeTempDir();
    const counter = path.join(dir, 'written');
    // Writes numbered lines, recording how many it managed to write so far.
    const script = `import sys\nn = 0\nwhile True:\n    sys.stdout.write("x" * 100 + "\\n"); sys.stdout.flush(); n += 1\n    if n % 100 == 0: open(${JSON.stringify(counter)}, "w").write(str(n))`;
    let seen = 0;
    for await (const _line of streamLines(['python3', '-c', script])) {
      if (++seen === 10) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        break;
      }
    }
    const written = Number(fs.readFileSync(counter, 'utf8'));
    // A pipe holds 64 KiB (~650 lines of 101 bytes); a program that is not paused writes millions.
    assert.ok(written < 5000, `the program wrote ${written} lines while the consumer waited`);
  });

  it('ends the whole process group when the consumer stops early', async () => {
    const dir = makeTempDir();
    const pidFile = path.join(dir, 'pid');
    for await (const _line of streamLines(['sh', '-c', `echo $$ > ${pidFile}; sleep 1000 & yes`])) break;
    const pgid = Number(fs.readFileSync(pidFile, 'utf8'));
    await waitFor(() => !groupAlive(pgid), 5000);
  });

  it('throws after the lines when the program fails, with its command and stderr tail', async () => {
    const lines: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const line of streamLines(['sh', '-c', 'echo out; echo "it broke" >&2; exit 4', 'arg with space'])) lines.push(line);
      })(),
      (error: unknown) => {
        assert.ok(error instanceof ProcessFailedError);
        assert.equal(error.exitCode, 4);
        assert.deepEqual(error.stderrTail, ['it broke']);
        assert.match(error.message, /^exit code 4: sh -c 'echo out; echo "it broke" >&2; exit 4' 'arg with space'/);
        return true;
      },
    );
    assert.deepEqual(lines, ['out']);
  });

  it('times out, feeds standard input, and names a missing program', async () => {
    await assert.rejects(
      (async () => {
        for await (const _line of streamLines(['sleep', '100'], { timeoutMs: 200 })) void _line;
      })(),
      (error: unknown) => error instanceof ProcessFailedError && error.timedOut,
    );
    const upper: string[] = [];
    for await (const line of streamLines(['tr', 'a-z', 'A-Z'], { stdin: 'abc\ndef\n' })) upper.push(line);
    assert.deepEqual(upper, ['ABC', 'DEF']);
    await assert.rejects(
      (async () => {
        for await (const _line of streamLines(['no-such-program-xyz'])) void _line;
      })(),
      /program `no-such-program-xyz` not found on PATH/,
    );
  });

  it('ends a program silent for longer than noOutputTimeoutMs, its whole group, after the lines it wrote', async () => {
    const dir = makeTempDir();
    const pidFile = path.join(dir, 'pid');
    // A line, then a child that hangs without a word: the group must go, the child too.
    const script = `echo first; sleep 300 & echo $! > ${JSON.stringify(pidFile)}; wait`;
    const lines: string[] = [];
    let failure: unknown;
    try {
      for await (const line of streamLines(['sh', '-c', script], { noOutputTimeoutMs: 500, killGraceMs: 200 })) lines.push(line);
    } catch (error) {
      failure = error;
    }
    assert.deepEqual(lines, ['first']);
    assert.ok(failure instanceof ProcessFailedError, String(failure));
    assert.equal(failure.timedOut, true);
    assert.equal(failure.silentMs, 500);
    assert.match(failure.message, /timed out: no output for 0\.50 s: sh -c/);
    const sleeper = Number(fs.readFileSync(pidFile, 'utf8'));
    await waitFor(() => !isAlive(sleeper), 10_000);
  });

  it('counts neither the time the loop body takes nor a program that keeps talking on standard error', async () => {
    // 300 KB: the program blocks on a full pipe while the body sleeps, longer than the limit.
    const lines: string[] = [];
    for await (const line of streamLines(['sh', '-c', 'seq 1 50000; echo done'], { noOutputTimeoutMs: 400 })) {
      if (lines.length === 0) await new Promise((resolve) => setTimeout(resolve, 1500));
      lines.push(line);
    }
    assert.equal(lines.length, 50_001);
    assert.equal(lines.at(-1), 'done');
    // Silent on standard output for 3 s, never on standard error for more than ~0.2 s.
    const chatty = 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do echo tick >&2; sleep 0.2; done; echo end';
    const out: string[] = [];
    for await (const line of streamLines(['sh', '-c', chatty], { noOutputTimeoutMs: 2500 })) out.push(line);
    assert.deepEqual(out, ['end']);
  });

  // Both limits set: the one that fired first names the end, though the other fires too while the
  // program ignores SIGTERM. Before, a wall timeout was reported as the no-output limit when that
  // limit ran out during the kill grace (silentMs set, "no output for 0.60 s").
  it('names the limit that fired first when both fire close together', async () => {
    const stubborn = ['sh', '-c', 'trap "" TERM; sleep 5'];
    const failureOf = async (options: { timeoutMs: number; noOutputTimeoutMs: number }): Promise<ProcessFailedError> => {
      try {
        for await (const _line of streamLines(stubborn, { ...options, killGraceMs: 1200 })) void _line;
      } catch (error) {
        assert.ok(error instanceof ProcessFailedError, String(error));
        return error;
      }
      assert.fail('expected the program to be ended');
    };
    const wall = await failureOf({ timeoutMs: 300, noOutputTimeoutMs: 600 });
    assert.equal(wall.timedOut, true);
    assert.equal(wall.silentMs, undefined);
    assert.match(wall.message, /^timed out after 0\.30 s: sh -c/);
    const silent = await failureOf({ timeoutMs: 600, noOutputTimeoutMs: 300 });
    assert.equal(silent.timedOut, true);
    assert.equal(silent.silentMs, 300);
    assert.match(silent.message, /^timed out: no output for 0\.30 s: sh -c/);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
