import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeSignature, type SignatureParts } from '../../src/state/freshness/compute-signature.ts';
import { makeTaskKey } from '../../src/state/freshness/task-key.ts';

const base: SignatureParts = {
  action: { kind: 'argv', argv: ['python3', 'to-csv.py', 'data/a.tsv', { parts: [{ output: 0 }] }] },
  inputs: [{ path: 'data/a.tsv', hash: 'h1' }],
  outputs: ['out/a.csv'],
  params: { sep: ',', columns: ['x', 'y'] },
  env: { LC_ALL: 'C' },
};

test('the same parts give the same signature, whatever the key order of params and env', () => {
  const again = computeSignature({
    ...base,
    params: { columns: ['x', 'y'], sep: ',' },
    env: { LC_ALL: 'C', UNSET: undefined },
  });
  assert.deepEqual(again, computeSignature(base));
  assert.match(again.value, /^[0-9a-f]{64}$/);
});

test('each part changes its own component hash and the overall value, and nothing else', () => {
  const before = computeSignature(base);
  const variants: Array<[Partial<SignatureParts>, 'inputsHash' | 'actionHash' | 'paramsHash' | 'envHash' | null]> = [
    [{ inputs: [{ path: 'data/a.tsv', hash: 'h2' }] }, 'inputsHash'],
    [{ inputs: [{ path: 'data/b.tsv', hash: 'h1' }] }, 'inputsHash'],
    [{ inputs: [{ path: 'data/a.tsv', hash: undefined }] }, 'inputsHash'],
    [{ action: { kind: 'argv', argv: ['python3', 'to-csv.py', '--strict'] } }, 'actionHash'],
    [{ action: { kind: 'shell', script: ['python3 to-csv.py'] } }, 'actionHash'],
    [{ action: { kind: 'function', source: 'async () => 1' } }, 'actionHash'],
    [{ params: { sep: ';', columns: ['x', 'y'] } }, 'paramsHash'],
    [{ env: { LC_ALL: 'en_US.UTF-8' } }, 'envHash'],
    [{ outputs: ['out/other.csv'] }, null],
  ];
  for (const [change, component] of variants) {
    const after = computeSignature({ ...base, ...change });
    assert.notEqual(after.value, before.value, JSON.stringify(change));
    for (const name of ['inputsHash', 'actionHash', 'paramsHash', 'envHash'] as const) {
      assert.equal(after[name] !== before[name], name === component, `${name} for ${JSON.stringify(change)}`);
    }
  }
});

test('input order matters', () => {
  const two = { ...base, inputs: [{ path: 'a', hash: '1' }, { path: 'b', hash: '2' }] };
  const swapped = { ...base, inputs: [{ path: 'b', hash: '2' }, { path: 'a', hash: '1' }] };
  assert.notEqual(computeSignature(two).inputsHash, computeSignature(swapped).inputsHash);
});

test('a function source signs differently from a different source', () => {
  const one = computeSignature({ ...base, action: { kind: 'function', source: 'x => x + 1' } });
  const two = computeSignature({ ...base, action: { kind: 'function', source: 'x => x + 2' } });
  assert.notEqual(one.actionHash, two.actionHash);
});

test('the task key is the step plus sorted outputs; without outputs, the inputs and the task number', () => {
  const key = makeTaskKey({ id: 1, step: 's', inputs: ['i'], outputs: ['b', 'a'] });
  assert.equal(key, makeTaskKey({ id: 2, step: 's', inputs: ['other'], outputs: ['a', 'b'] }));
  assert.equal(key, '["s",["a","b"]]');
  assert.notEqual(makeTaskKey({ id: 1, step: 's', inputs: ['x'], outputs: [] }), makeTaskKey({ id: 1, step: 's', inputs: ['y'], outputs: [] }));
  // `map ::: x y x`: the same input twice is two tasks.
  assert.notEqual(makeTaskKey({ id: 1, step: 's', inputs: ['x'], outputs: [] }), makeTaskKey({ id: 3, step: 's', inputs: ['x'], outputs: [] }));
});
