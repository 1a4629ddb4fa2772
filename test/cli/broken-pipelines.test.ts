import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, REPO, runSluice } from '../helpers/run-sluice.ts';

// The corpus of broken pipelines: one folder each under test/fixtures/broken-pipelines/, with
// pipeline.ts, expected.txt (a fragment of the message, one per line), and optionally args.txt
// (more arguments for `sluice run`) and env.txt (KEY=VALUE lines). Each must be a plan error:
// exit 2, the message naming the pipeline file, no stack trace, nothing written but .sluice/.

const CORPUS = path.join(REPO, 'test/fixtures/broken-pipelines');
const CASES = fs.readdirSync(CORPUS).filter((name) => fs.statSync(path.join(CORPUS, name)).isDirectory()).sort();

function readLines(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

function filesOutsideState(dir: string): string[] {
  return listFiles(dir).filter((file) => file !== '.sluice/' && !file.startsWith('.sluice/'));
}

describe('broken pipelines are plan errors', { concurrency: 3 }, () => {
  it('has a case for every kind of mistake the issue lists, and at least 40', () => {
    assert.ok(CASES.length >= 40, `${CASES.length} cases`);
    for (const name of CASES) assert.ok(fs.existsSync(path.join(CORPUS, name, 'expected.txt')), `${name} has no expected.txt`);
  });

  it('shows the stack of what the pipeline threw with SLUICE_DEBUG=1', async () => {
    const dir = makeTempDir('sluice-broken-debug-');
    fs.cpSync(path.join(CORPUS, 'steps-function-throws'), dir, { recursive: true });
    const result = await runSluice(['run'], { cwd: dir, env: { SLUICE_DEBUG: '1' } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /could not be made: set --param samples=\.\.\. \(at pipeline\.ts:6:\d+\)\nError: set --param samples=\.\.\.\n\s+at /);
  });

  for (const name of CASES) {
    it(name, async () => {
      const source = path.join(CORPUS, name);
      const dir = makeTempDir(`sluice-broken-${name}-`);
      fs.cpSync(source, dir, { recursive: true });
      for (const extra of ['expected.txt', 'args.txt', 'env.txt']) fs.rmSync(path.join(dir, extra), { force: true });
      const before = filesOutsideState(dir);
      const args = readLines(path.join(source, 'args.txt')).flatMap((line) => line.split(/\s+/));
      const env = Object.fromEntries(
        readLines(path.join(source, 'env.txt')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      const result = await runSluice(['run', '-f', 'pipeline.ts', ...args], { cwd: dir, env: { SLUICE_DEBUG: '', ...env } });
      assert.equal(result.code, 2, result.stderr);
      for (const fragment of readLines(path.join(source, 'expected.txt'))) {
        assert.ok(result.stderr.includes(fragment), `expected ${JSON.stringify(fragment)} in:\n${result.stderr}`);
      }
      assert.match(result.stderr, /pipeline\.ts/, 'the message names the pipeline file');
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
      assert.deepEqual(filesOutsideState(dir), before, 'nothing written outside .sluice/');
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
});
