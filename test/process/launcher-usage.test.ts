// The fast launcher reports each task's CPU time and peak memory (wait4's rusage).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { startFastLauncher, type FastLauncher } from '../../src/process/launcher-client.ts';

let launcher: FastLauncher;
let dir: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-usage-'));
  launcher = await startFastLauncher();
});
after(async () => {
  await launcher.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = (argv: string[]) =>
  launcher.start({ argv, cwd: dir, stdoutPath: path.join(dir, 'out'), stderrPath: path.join(dir, 'err') }).done;

it('measures the CPU time of a busy task, its children included', async () => {
  // The work happens in a grandchild that sh waits for.
  // The clock is read now and then: a loop of clock reads alone spends its time in the kernel.
  const busy = 'import time\nend = time.process_time() + 0.3\nx = 0\nwhile time.process_time() < end:\n    for _ in range(20000): x += 1';
  const result = await run(['sh', '-c', `python3 -c '${busy}'; exit 4`]);
  assert.equal(result.exitCode, 4);
  const { cpuUserUs = 0, cpuSystemUs = 0 } = result.usage ?? {};
  assert.ok(cpuUserUs + cpuSystemUs >= 250_000, `usage ${JSON.stringify(result.usage)}`);
  assert.ok(cpuUserUs + cpuSystemUs < 5_000_000, `usage ${JSON.stringify(result.usage)}`);
  // A busy loop in Python runs in user mode.
  assert.ok(cpuUserUs >= 150_000, `usage ${JSON.stringify(result.usage)}`);
});

it('measures the peak memory of the largest process', async () => {
  const result = await run(['python3', '-c', 'b = bytearray(200 * 1024 * 1024)\nfor i in range(0, len(b), 4096): b[i] = 1']);
  assert.equal(result.exitCode, 0);
  assert.ok((result.usage?.maxRssKb ?? 0) >= 200 * 1024, `usage ${JSON.stringify(result.usage)}`);
});

it('measures a task ended by a signal', async () => {
  const result = await run(['sh', '-c', 'kill -9 $$']);
  assert.equal(result.signal, 'SIGKILL');
  assert.equal(typeof result.usage?.cpuUserUs, 'number');
  assert.equal(typeof result.usage?.cpuSystemUs, 'number');
  assert.equal(typeof result.usage?.maxRssKb, 'number');
});
