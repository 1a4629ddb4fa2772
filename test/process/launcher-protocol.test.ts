import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACKNOWLEDGE, encodeRelease, encodeSignal, encodeStart, nameSignal, parseReply } from '../../src/process/launcher-protocol.ts';

describe('launcher protocol', () => {
  it('encodes one request per line, whatever the argv holds', () => {
    const line = encodeStart(7, { argv: ['echo', 'a\nb', 'ü'], cwd: '/w', stdoutPath: '/w/o', stderrPath: '/w/e' });
    assert.equal(line.indexOf('\n'), line.length - 1);
    assert.deepEqual(JSON.parse(line.slice(2)), [7, ['echo', 'a\nb', 'ü'], '/w', null, null, '/w/o', '/w/e']);
    const both = encodeStart(8, { argv: ['true'], cwd: '/w', stdoutPath: '/w/o', stderrPath: '/w/e', captures: { stdout: true, stderr: true } });
    assert.deepEqual(JSON.parse(both.slice(2)), [8, ['true'], '/w', null, null, '/w/o', '/w/e', 3], 'captures: a mask');
    const err = encodeStart(9, { argv: ['true'], cwd: '/w', stdoutPath: '/w/o', stderrPath: '/w/e', captures: { stdout: false, stderr: true } });
    assert.equal(JSON.parse(err.slice(2))[7], 2);
    const made = encodeStart(11, { argv: ['true'], cwd: '/w', stdoutPath: '/w/o', stderrPath: '/w/e', outputs: ['/w/s/out.txt'] });
    assert.deepEqual(JSON.parse(made.slice(2)).slice(7), [0, ['/w/s/out.txt']], 'the outputs an exit status 0 must leave');
    const quiet = encodeStart(12, { argv: ['true'], cwd: '/w', stdoutPath: '/w/o', stderrPath: '/w/e', noOutputTimeoutMs: 1500, watchFiles: ['/w/l'] });
    assert.deepEqual(JSON.parse(quiet.slice(2)).slice(7), [0, null, [1500, ['/w/l']]], 'a no-output limit and the files that count');
    assert.equal(encodeSignal(7, 'SIGTERM'), 't 7\n');
    assert.equal(encodeSignal(7, 'SIGKILL'), 'k 7\n');
    const held = encodeStart(10, { argv: ['true'], cwd: '/w', stdoutPath: '/w/o', stderrPath: '/w/e' }, true);
    assert.ok(held.startsWith('h '), 'a held task: same fields');
    assert.deepEqual(JSON.parse(held.slice(2)), [10, ['true'], '/w', null, null, '/w/o', '/w/e']);
    assert.equal(encodeRelease(10), 'g 10\n');
    assert.equal(ACKNOWLEDGE, 'o\n');
  });

  it('parses replies', () => {
    assert.deepEqual(parseReply('r 123'), { kind: 'ready', pid: 123, ledger: false });
    assert.deepEqual(parseReply('r 123 ledger'), { kind: 'ready', pid: 123, ledger: true });
    assert.deepEqual(parseReply('n'), { kind: 'no ledger' });
    assert.deepEqual(parseReply('q 12'), { kind: 'silent', id: 12 });
    assert.deepEqual(parseReply('p 4 900 123456'), { kind: 'started', id: 4, pid: 900, start: '123456' });
    assert.deepEqual(parseReply('p 4 900 -'), { kind: 'started', id: 4, pid: 900, start: undefined });
    assert.deepEqual(parseReply('x 4 900 3'), { kind: 'exit', id: 4, pid: 900, exitCode: 3 });
    assert.deepEqual(parseReply('k 4 900 9'), { kind: 'signal', id: 4, pid: 900, signal: 'SIGKILL' });
    assert.deepEqual(parseReply('x 4 900 0 12600 700 3072'), {
      kind: 'exit',
      id: 4,
      pid: 900,
      exitCode: 0,
      usage: { cpuUserUs: 12600, cpuSystemUs: 700, maxRssKb: 3072 },
    });
    assert.deepEqual(parseReply('x 4 900 0 1 2 3 0 -1'), {
      kind: 'exit',
      id: 4,
      pid: 900,
      exitCode: 0,
      usage: { cpuUserUs: 1, cpuSystemUs: 2, maxRssKb: 3 },
      captureBytes: { stdout: 0, stderr: -1 },
    });
    assert.deepEqual(parseReply('x 4 900 0 1 2 3 -1 -1 1'), {
      kind: 'exit',
      id: 4,
      pid: 900,
      exitCode: 0,
      usage: { cpuUserUs: 1, cpuSystemUs: 2, maxRssKb: 3 },
      captureBytes: { stdout: -1, stderr: -1 },
      missingOutputs: true,
    });
    assert.deepEqual(parseReply('k 4 900 15 0 0 0'), { kind: 'signal', id: 4, pid: 900, signal: 'SIGTERM', usage: { cpuUserUs: 0, cpuSystemUs: 0, maxRssKb: 0 } });
    // Flags 2: a signal request of sluice's reached it while it ran (3: and an output is missing).
    assert.deepEqual(parseReply('k 4 900 15 0 0 0 -1 -1 2'), {
      kind: 'signal',
      id: 4,
      pid: 900,
      signal: 'SIGTERM',
      usage: { cpuUserUs: 0, cpuSystemUs: 0, maxRssKb: 0 },
      captureBytes: { stdout: -1, stderr: -1 },
      signalled: true,
    });
    assert.deepEqual(parseReply('x 4 900 0 1 2 3 5 0 3'), {
      kind: 'exit',
      id: 4,
      pid: 900,
      exitCode: 0,
      usage: { cpuUserUs: 1, cpuSystemUs: 2, maxRssKb: 3 },
      captureBytes: { stdout: 5, stderr: 0 },
      missingOutputs: true,
      signalled: true,
    });
    assert.deepEqual(parseReply('f 5 ENOENT No such file: cannot run `x y`'), {
      kind: 'fail',
      id: 5,
      code: 'ENOENT',
      message: 'No such file: cannot run `x y`',
    });
    assert.deepEqual(parseReply('c 6'), { kind: 'dropped', id: 6 });
  });

  it('rejects malformed lines', () => {
    for (const line of ['', 'x', 'x 1', 'x 1 2', 'x a 2 3', 'k 1 2 b', 'z 1 2 3', 'f 1', 'x 1 2 3 4', 'x 1 2 3 4 5', 'x 1 2 3 4 5 6 7', 'x 1 2 3 a 5 6', 'x 1 2 3 4 -5 6', 'x 1 2 3 4 5 6 -2 0', 'x 1 2 3 4 5 6 0 0 0', 'x 1 2 3 4 5 6 4', 'x 1 2 3 -1 5 6 0 0', 'p 1', 'p 1 2', 'p 1 2 x', 'p 1 2 3 4', 'c', 'c ', 'c x', 'c 1 2', 'q', 'q ', 'q x', 'q 1 2']) {
      assert.equal(parseReply(line), undefined, JSON.stringify(line));
    }
  });

  it('names signals as Node does', () => {
    assert.equal(nameSignal(15), 'SIGTERM');
    assert.equal(nameSignal(6), 'SIGABRT');
  });
});
