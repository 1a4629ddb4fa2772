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
