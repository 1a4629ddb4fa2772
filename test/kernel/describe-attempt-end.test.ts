import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeAttemptEnd, listAttemptEnd } from '../../src/kernel/describe-attempt-end.ts';

describe('how an attempt ended', () => {
  it('gives the reason, its cause first', () => {
    assert.equal(describeAttemptEnd({ exitCode: 3, signal: null }), 'exit code 3');
    assert.equal(describeAttemptEnd({ exitCode: null, signal: null }), 'exit code unknown');
    assert.equal(describeAttemptEnd({ exitCode: null, signal: 'SIGSEGV' }), 'killed by SIGSEGV (segmentation fault)');
    assert.equal(describeAttemptEnd({ exitCode: null, signal: 9 }), 'killed by SIGKILL (killed)');
    assert.equal(describeAttemptEnd({ exitCode: null, signal: 'SIGTERM', timedOut: true }), 'timed out');
    assert.equal(describeAttemptEnd({ exitCode: null, signal: 'SIGTERM', timedOut: true, timeoutMs: 2500 }), 'timed out after 2.50 s');
    assert.equal(describeAttemptEnd({ exitCode: null, signal: 'SIGTERM', cancelled: true }), 'cancelled');
  });

  it('reads a shell script exit code above 128 as a command of it killed by a signal', () => {
    assert.equal(describeAttemptEnd({ exitCode: 139, signal: null, shell: true }), 'exit code 139 (a command of the script was killed by SIGSEGV (segmentation fault))');
    assert.match(describeAttemptEnd({ exitCode: 141, signal: null, shell: true }), /^exit code 141 \(a command of the script was killed by SIGPIPE \(broken pipe\)\): .*\|\| \[ \$\? -eq 141 \]/);
    assert.equal(describeAttemptEnd({ exitCode: 139, signal: null }), 'exit code 139', 'not a script: the program chose that code');
  });

  it('lists every fact for a failure report', () => {
    assert.equal(listAttemptEnd({ exitCode: 3, signal: null }), 'exit code 3, not timed out');
    assert.equal(listAttemptEnd({ exitCode: null, signal: 'SIGTERM', timedOut: true }), 'signal SIGTERM (terminated), timed out');
    assert.equal(listAttemptEnd({ exitCode: null, signal: null }), 'did not run to an exit status, not timed out');
    assert.equal(listAttemptEnd({ exitCode: null, signal: 'SIGKILL', cancelled: true }), 'signal SIGKILL (killed), not timed out, cancelled');
    assert.equal(listAttemptEnd({ exitCode: 1, signal: null, isFunction: true }), undefined, 'a function that threw: its reason says it all');
    assert.equal(listAttemptEnd({ exitCode: 1, signal: null, isFunction: true, timedOut: true }), 'timed out');
  });
});
