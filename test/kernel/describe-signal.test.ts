import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeSignal } from '../../src/kernel/describe-signal.ts';

describe('describeSignal', () => {
  it('describes common signals by name', () => {
    assert.equal(describeSignal('SIGKILL'), 'SIGKILL (killed)');
    assert.equal(describeSignal('SIGSEGV'), 'SIGSEGV (segmentation fault)');
    assert.equal(describeSignal('SIGTERM'), 'SIGTERM (terminated)');
    assert.equal(describeSignal('SIGINT'), 'SIGINT (interrupted)');
    assert.equal(describeSignal('SIGPIPE'), 'SIGPIPE (broken pipe)');
    assert.equal(describeSignal('SIGABRT'), 'SIGABRT (aborted)');
  });

  it('accepts numbers and short or lower-case names', () => {
    assert.equal(describeSignal(9), 'SIGKILL (killed)');
    assert.equal(describeSignal(11), 'SIGSEGV (segmentation fault)');
    assert.equal(describeSignal(6), 'SIGABRT (aborted)');
    assert.equal(describeSignal('term'), 'SIGTERM (terminated)');
  });

  it('describes unknown signals without throwing', () => {
    assert.equal(describeSignal(77), 'SIG77 (signal 77)');
    assert.equal(describeSignal('SIGNOPE'), 'SIGNOPE (unknown signal)');
  });
});
