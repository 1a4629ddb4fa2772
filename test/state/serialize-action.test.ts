import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SignedAction } from '../../src/state/freshness/compute-signature.ts';
import { serializeAction } from '../../src/state/freshness/serialize-action.ts';
import { serializeCanonical } from '../../src/state/freshness/serialize-canonical.ts';

test('the argv fast path writes exactly the canonical text, and other shapes take the generic path', () => {
  const actions: SignedAction[] = [
    { kind: 'argv', argv: [] },
    { kind: 'argv', argv: ['python3', 'to-csv.py', 'data/a "b".tsv', { parts: [{ output: 0 }] }] },
    { kind: 'argv', argv: ['tool', { parts: ['--out=', { output: 1 }, '.tmp'] }, 'é\n\u0000'] },
    { argv: ['reordered keys'], kind: 'argv' } as SignedAction,
    { kind: 'shell', script: ['wc -l ', { output: 0 }], shell: 'bash -euo pipefail' },
    { kind: 'function', source: 'async ({ input }) => input' },
    { kind: 'argv', argv: [{ parts: [{ output: 0, extra: 1 } as unknown as { output: number }] }] },
    { kind: 'argv', argv: ['x'], extra: true } as unknown as SignedAction,
  ];
  for (const action of actions) assert.equal(serializeAction(action), serializeCanonical(action, 'action'), JSON.stringify(action));
});

test('a malformed argv is still rejected with the generic wording', () => {
  const bad = { kind: 'argv', argv: [{ parts: [{ output: Number.NaN }] }] } as unknown as SignedAction;
  assert.throws(() => serializeAction(bad), /Expected `action\.argv\[0\]\.parts\[0\]\.output` to be plain JSON/);
});
