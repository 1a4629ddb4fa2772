import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as sluice from '../../src/index.ts';

it('exports exactly the public API', () => {
  assert.deepEqual(Object.keys(sluice).sort(), [
    'BackendError',
    'MapItemError',
    'PlanError',
    'PoolAbortError',
    'ProcessFailedError',
    'SluiceError',
    'TaskFailedError',
    'all',
    'cmd',
    'createLauncher',
    'createLocalExecutor',
    'createPool',
    'directory',
    'expand',
    'map',
    'pipeline',
    'planMap',
    'quoteArgv',
    'runTasks',
    'sh',
    'step',
    'streamLines',
  ]);
});
