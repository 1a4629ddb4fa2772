import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cmd, step, type StepContext } from '../../src/index.ts';

// Compiled by `npm run typecheck`: a function step's `log` and `logs` follow its declaration.

test('a function step sees its logs in the shape it declared them', () => {
  const single = step({
    in: 'data/{s}.txt',
    out: 'out/{s}.txt',
    log: 'logs/{s}.log',
    run: ({ log, logs }) => {
      const first: string = log;
      const same: string = logs;
      void [first, same];
    },
  });
  const list = step({
    in: 'data/{s}.txt',
    out: 'out/{s}.txt',
    log: ['logs/{s}.a', 'logs/{s}.b'],
    run: ({ logs }) => {
      const all: string[] = logs;
      void all;
    },
  });
  const named = step({
    in: 'data/{s}.txt',
    out: 'out/{s}.txt',
    log: { tool: 'logs/{s}.tool', ours: 'logs/{s}.ours' },
    run: ({ log, logs }) => {
      const tool: string = logs.tool;
      // @ts-expect-error: no log of that name
      void logs.other;
      void [log, tool];
    },
  });
  const none = step({
    in: 'data/{s}.txt',
    out: 'out/{s}.txt',
    run: ({ log, logs }) => {
      // @ts-expect-error: a step without `log` has no log path
      const path: string = log;
      const nothing: undefined = logs;
      void [path, nothing];
    },
  });
  const command = step({ in: 'data/{s}.txt', out: 'out/{s}.txt', log: 'logs/{s}.log', run: cmd('tool', '--log', '{log}') });
  // Without a declaration at hand, a context may or may not have logs.
  const anyContext = (context: StepContext): string | undefined => context.log;
  assert.deepEqual([single, list, named, none, command].map((s) => s.log), ['logs/{s}.log', ['logs/{s}.a', 'logs/{s}.b'], { tool: 'logs/{s}.tool', ours: 'logs/{s}.ours' }, undefined, 'logs/{s}.log']);
  assert.equal(typeof anyContext, 'function');
});
