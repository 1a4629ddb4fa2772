import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeDefinition, computeSignature, type SignatureParts } from '../../src/state/freshness/compute-signature.ts';
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
    [{ action: { kind: 'shell', script: ['python3 to-csv.py'], shell: 'bash -euo pipefail' } }, 'actionHash'],
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

test('a definition is the digest it was when the stamps were learned, with or without parameters and environment', () => {
  // Digests recorded in state databases must keep their value: these are the ones the code
  // before the shared head of bare definitions gave (a change here re-runs every task once).
  const action = { kind: 'argv', argv: ['cp', 'data/a.txt', { parts: [{ output: 0 }] }] } as const;
  const bare = 'beddd80d5a0800c3eeff8d6e0f229738d7a4066e763a35f55da4e655bcc9c271';
  assert.equal(computeDefinition({ action, inputPaths: ['data/a.txt'], outputs: ['out/a.txt'] }), bare);
  assert.equal(
    computeDefinition({ action, inputPaths: ['data/a.txt'], outputs: ['out/a.txt'], params: null, env: { LC_ALL: 'C' } }),
    '3a0ada0ba8bf1a037dbac96bd8d342913ed5bb6fda178da357b85be8317e42a9',
  );
  assert.equal(
    computeDefinition({ action: { kind: 'function', source: 'x => x' }, inputPaths: ['data/a.txt', 'b'], outputs: ['out/a.txt'], params: { sep: ',' } }),
    'b14250d2a3765397f544f3236ae5f8fdd7958dcb4388da7cef9bab52fa0c2392',
  );
  // An empty environment is no environment, after other definitions as before them.
  assert.equal(computeDefinition({ action, inputPaths: ['data/a.txt'], outputs: ['out/a.txt'], env: {} }), bare);
  assert.equal(computeDefinition({ action, inputPaths: [], outputs: ['out/b.txt'] }), 'b68824570b8c2adb00ad9626439529a12539cc10377e323a6e44e9c893d05ac2');
});
