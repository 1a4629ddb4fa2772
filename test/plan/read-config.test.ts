import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PlanError } from '../../src/errors.ts';
import { readConfig } from '../../src/plan/read-config.ts';
import { resolveParams } from '../../src/plan/resolve-params.ts';

// A config file's values checked against the declared defaults: the errors carry the config file
// and the field at fault, and the message its line and column.
const DEFAULTS = { samples: ['A'], minimum: 1, trim: { left: 3, adapter: 'AGATC' }, extra: {} };

function configOf(text: string, name = 'config.yaml') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-config-'));
  fs.writeFileSync(path.join(dir, name), text);
  return readConfig(name, path.join(dir, name), 'pipeline.ts');
}

function failure(run: () => unknown): PlanError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PlanError, String(error));
    return error;
  }
  assert.fail('expected a plan error');
}

test('a config file sets values of the declared types, records field by field', () => {
  const config = configOf('samples: [A, B]\ntrim:\n  left: 5\nextra: { any: [1, x] }\n');
  assert.deepEqual(resolveParams(DEFAULTS, ['minimum=4'], 'pipeline.ts', [config]), {
    samples: ['A', 'B'],
    minimum: 4,
    trim: { left: 5, adapter: 'AGATC' },
    extra: { any: [1, 'x'] },
  });
});

test('a wrong value names the config file, the line and the field', () => {
  const error = failure(() => resolveParams(DEFAULTS, [], 'pipeline.ts', [configOf('minimum: 2\ntrim:\n  left: many\n')]));
  assert.equal(error.message, 'Expected `trim.left` in config.yaml:3:9 to be an integer, as the default of parameter `trim` in pipeline.ts, got `many`');
  assert.equal(error.file, 'config.yaml');
  assert.equal(error.field, 'trim.left');
  const unknown = failure(() => resolveParams(DEFAULTS, [], 'pipeline.ts', [configOf('{ "minimum": 2, "sample": ["A"] }', 'config.json')]));
  assert.match(unknown.message, /^Unknown parameter `sample` in config\.json:1:17: pipeline\.ts declares .*; did you mean `samples`\?$/);
  assert.equal(unknown.field, 'sample');
  const parse = failure(() => configOf('samples: [A\n'));
  assert.match(parse.message, /^Could not parse config file config\.yaml:\d+:\d+: /);
  assert.equal(parse.file, 'config.yaml');
});

// Before: "Unknown parameter `trim.left`"; a record could be set only whole, from a config file.
test('--param NAME.FIELD=value sets one field of a record parameter, over the config, keeping the others', () => {
  const config = configOf('trim:\n  left: 5\n');
  const values = resolveParams(DEFAULTS, ['trim.left=7'], 'pipeline.ts', [config]);
  assert.deepEqual(values.trim, { left: 7, adapter: 'AGATC' });
  assert.deepEqual(DEFAULTS.trim, { left: 3, adapter: 'AGATC' });
  assert.match(failure(() => resolveParams(DEFAULTS, ['trim.right=1'], 'pipeline.ts')).message, /^Unknown parameter `trim\.right`: parameter `trim` of pipeline\.ts declares `left`, `adapter`$/);
  assert.match(failure(() => resolveParams(DEFAULTS, ['minimum.x=1'], 'pipeline.ts')).message, /^Unknown parameter `minimum\.x`: parameter `minimum` of pipeline\.ts is not a record$/);
  assert.match(failure(() => resolveParams(DEFAULTS, ['trim.left=many'], 'pipeline.ts')).message, /^Expected parameter `trim\.left` to be a number, got `many` \(`--param trim\.left=many` for pipeline\.ts\)$/);
  assert.match(failure(() => resolveParams(DEFAULTS, ['trim=1'], 'pipeline.ts')).message, /one field: `--param trim\.FIELD=value`/);
});
