import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO } from '../helpers/run-sluice.ts';

// A function step's `params` is typed from the pipeline's declared defaults: the fixture compiles
// with `tsc --noEmit`, and each `// @ts-expect-error` in it marks a use that must stay an error
// (a directive that no longer has an error to silence is an error itself).
const FIXTURE = path.join(REPO, 'test/fixtures/param-types/pipeline.ts');

test('params are typed from the declaration: right uses compile, wrong ones do not', () => {
  const source = fs.readFileSync(FIXTURE, 'utf8');
  const directive = (line: string): boolean => line.trim().startsWith('// @ts-expect-error');
  const expected = source.split('\n').filter(directive).length;
  assert.ok(expected >= 8, `${expected} marked errors`);
  const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
  const options = ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext'];
  const result = spawnSync(process.execPath, [tsc, ...options, '--allowImportingTsExtensions', '--skipLibCheck', '--types', 'node', FIXTURE], { cwd: REPO, encoding: 'utf8' });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  // The same file without its directives: every marked line is an error.
  const stripped = path.join(path.dirname(FIXTURE), `.stripped-${process.pid}.ts`);
  fs.writeFileSync(stripped, source.replaceAll('// @ts-expect-error', '// (was expected to fail)'));
  try {
    const bare = spawnSync(process.execPath, [tsc, ...options, '--allowImportingTsExtensions', '--skipLibCheck', '--types', 'node', stripped], { cwd: REPO, encoding: 'utf8' });
    const lines = new Set([...bare.stdout.matchAll(/\((\d+),\d+\): error/g)].map((match) => Number(match[1])));
    const marked = source.split('\n').flatMap((line, index) => (directive(line) ? [index + 2] : []));
    assert.deepEqual(marked.filter((line) => !lines.has(line)), [], bare.stdout);
  } finally {
    fs.rmSync(stripped, { force: true });
  }
});
