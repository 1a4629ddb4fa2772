// Measures the state layer (not a test; run by hand):
//   node --import tsx test/state/bench-state.ts [tasks=10000] [hashMiB=256]
// 1. streaming hash speed of md5, sha1 and sha256 over one file;
// 2. a no-op re-run of N up-to-date tasks: open store, sign (stat + cached hashes), check.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setUpToDateTasks, timeUpToDateCheck } from './up-to-date-workload.ts';

const tasks = Number(process.argv[2] ?? 10_000);
const hashMiB = Number(process.argv[3] ?? 256);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
try {
  const big = path.join(dir, 'big.bin');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i += 1) chunk[i] = (i * 131) & 0xff;
  const fd = fs.openSync(big, 'w');
  for (let i = 0; i < hashMiB; i += 1) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  for (const algorithm of ['md5', 'sha1', 'sha256']) {
    const started = performance.now();
    const hash = createHash(algorithm);
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    const handle = fs.openSync(big, 'r');
    for (let n; (n = fs.readSync(handle, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
    fs.closeSync(handle);
    hash.digest('hex');
    const seconds = (performance.now() - started) / 1000;
    console.log(`hash ${algorithm.padEnd(6)} ${(hashMiB / seconds).toFixed(0)} MiB/s (file in page cache)`);
  }
  fs.rmSync(big);

  const root = path.join(dir, 'pipeline');
  const setup = await setUpToDateTasks(root, tasks);
  console.log(`setup: ${tasks} tasks recorded in ${setup.recordMs.toFixed(0)} ms (${((setup.recordMs * 1000) / tasks).toFixed(0)} µs per success)`);
  for (let i = 0; i < 5; i += 1) {
    const t = await timeUpToDateCheck(root, setup.tasks);
    console.log(
      `no-op check of ${tasks} tasks: wall ${t.totalMs.toFixed(0)} ms = open ${t.openMs.toFixed(0)} + sign ${t.signMs.toFixed(0)} + check ${t.checkMs.toFixed(0)}; ` +
        `CPU ${t.cpuMs.toFixed(0)} ms; ${t.upToDate} up to date, ${t.hashed} files read`,
    );
  }
  console.log(`load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')} on ${os.cpus().length} cores`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
