// A time limit longer than Node's longest timer (2^31 - 1 ms, about 24.8 days) is a real limit,
// not "time out at once": Node fires an overflowing setTimeout after 1 ms, so `--timeout 1000h`
// or `timeout: '900h'` timed out every task immediately. Command and function tasks, and the
// library's streamLines.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { streamLines } from '../../src/index.ts';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

describe('time limits beyond 24.8 days', () => {
  it('lets a `sluice map --timeout 1000h` task finish', async () => {
    const dir = makeTempDir('sluice-long-timeout-');
    const result = await runSluice(['map', '--timeout', '1000h', '--', 'sh', '-c', 'sleep 0.5; echo "$1"', 'sh', ':::', 'a'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'a\n');
    assert.doesNotMatch(result.stderr, /TimeoutOverflowWarning|timed out/);
  });

  it('lets command and function steps with `timeout: \'900h\'` finish', async () => {
    const dir = makeTempDir('sluice-long-timeout-');
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import fs from 'node:fs';
import { pipeline, step, sh } from 'sluice';
export default pipeline({
  command: step({ out: 'c.txt', run: sh('sleep 0.5; echo c > {out}'), timeout: '900h' }),
  fn: step({ out: 'f.txt', timeout: '900h', run: async ({ output }) => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    fs.writeFileSync(output, 'f\\n');
  } }),
});
`,
    );
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'c.txt'), 'utf8'), 'c\n');
    assert.equal(fs.readFileSync(path.join(dir, 'f.txt'), 'utf8'), 'f\n');
  });

  it('lets streamLines run with a 30-day timeoutMs and noOutputTimeoutMs', async () => {
    const day = 24 * 3600 * 1000;
    const lines: string[] = [];
    for await (const line of streamLines(['sh', '-c', 'sleep 0.3; echo one'], { timeoutMs: 30 * day, noOutputTimeoutMs: 30 * day })) lines.push(line);
    assert.deepEqual(lines, ['one']);
  });
});
