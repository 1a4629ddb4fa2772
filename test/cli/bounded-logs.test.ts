import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// What `.sluice/logs/` keeps of the tasks' standard output and error: bounded per stream, no
// file for an empty one, and a bounded number of bytes and runs.

const logFiles = (dir: string): string[] => listFiles(path.join(dir, '.sluice/logs')).filter((file) => /\.(err|out|log\d*)$/.test(file));

// A program that prints `count` numbered lines to standard output or error, then exits `code`.
const PRINT = (stream: 'out' | 'err', count: number, code: number): string[] => [
  'node',
  '-e',
  `const s = process.std${stream}; let t = ''; for (let i = 1; i <= ${count}; i++) t += 'line ' + i + ' of ${count}\\n'; s.write(t, () => process.exit(${code}));`,
];

describe('bounded task logs', () => {
  it('keeps the first and last part of a stream past the cap, with a line saying how much was cut', async () => {
    const dir = makeTempDir('sluice-cap-');
    // About 100 KB to standard error, with a cap of 4 KB.
    const result = await runSluice(['map', '--', ...PRINT('err', 5000, 3), ':::', 'x'], { cwd: dir, env: { SLUICE_LOG_CAP: '4K' } });
    assert.equal(result.code, 1, result.stderr);
    const [err] = logFiles(dir);
    assert.ok(err !== undefined && err.endsWith('1.1.err'), logFiles(dir).join(' '));
    const text = fs.readFileSync(path.join(dir, '.sluice/logs', err), 'utf8');
    assert.ok(Buffer.byteLength(text) < 4096 + 200, `kept ${Buffer.byteLength(text)} bytes`);
    assert.match(text, /^line 1 of 5000\nline 2 of 5000\n/, 'the head, from its first line');
    assert.match(text, /line 5000 of 5000\n$/, 'the tail, to its last line');
    const note = /^\[sluice: (\d+) bytes cut here; the stream wrote (\d+) bytes, more than the 4096 kept per stream \(SLUICE_LOG_CAP\)\]\n/m.exec(text);
    assert.ok(note !== null, text.slice(0, 3000));
    assert.equal(Number(note[2]), 5000 * 'line NNNN of 5000\n'.length - 9 * 3 - 90 * 2 - 900, 'the size it wrote');
    assert.equal(Buffer.byteLength(text) - note[0].length + Number(note[1]), Number(note[2]), 'kept + cut = written');
    // Whole lines on both sides of the note.
    for (const line of text.trimEnd().split('\n')) assert.match(line, /^(line \d+ of 5000|\[sluice: .*\])$/);
    // The report's stderr tail is the real end of the stream.
    assert.match(result.stderr, /\| line 5000 of 5000/);
  });

  it('prints a task\'s whole standard output before it bounds the capture, which stays bounded', async () => {
    const dir = makeTempDir('sluice-cap-out-');
    const result = await runSluice(['map', '--', ...PRINT('out', 3000, 0), ':::', 'x'], { cwd: dir, env: { SLUICE_LOG_CAP: '2K' } });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3000, 'sluice map printed all of it');
    assert.equal(lines[2999], 'line 3000 of 3000');
    const [out] = logFiles(dir);
    assert.ok(out !== undefined && out.endsWith('.out'));
    assert.ok(fs.statSync(path.join(dir, '.sluice/logs', out)).size < 2048 + 200);
  });

  it('leaves no file for a stream a task wrote nothing to', async () => {
    const dir = makeTempDir('sluice-quiet-');
    fs.mkdirSync(path.join(dir, 'in'));
    for (let i = 0; i < 30; i += 1) fs.writeFileSync(path.join(dir, 'in', `${i}.txt`), `${i}\n`);
    // Quiet tasks with their output in a file, and quiet tasks without one.
    const quiet = await runSluice(['map', '--in', 'in/*.txt', '--out', 'out/{name}', '--', 'cp', '{in}', '{out}'], { cwd: dir });
    assert.equal(quiet.code, 0, quiet.stderr);
    const silent = await runSluice(['map', '--in', 'in/*.txt', '--', 'true'], { cwd: dir });
    assert.equal(silent.code, 0, silent.stderr);
    assert.deepEqual(logFiles(dir), []);
    // A quiet task that fails leaves no file either, and its report says stderr was empty.
    const failed = await runSluice(['map', '--', 'false', ':::', 'x'], { cwd: dir });
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /stderr: +\(empty\)/);
    assert.deepEqual(logFiles(dir), []);
    // One that writes leaves exactly its stream.
    const noisy = await runSluice(['map', '--', 'sh', '-c', 'echo out; echo err >&2', ':::', 'x'], { cwd: dir });
    assert.equal(noisy.code, 0, noisy.stderr);
    assert.deepEqual(logFiles(dir).map((file) => path.basename(file)), ['1.1.err', '1.1.out']);
  });

  it('keeps the logs of only as many of the newest runs as fit in the byte budget', async () => {
    const dir = makeTempDir('sluice-budget-');
    // Each run leaves 4,692 bytes of stderr; the budget holds two runs.
    for (let run = 0; run < 5; run += 1) {
      const result = await runSluice(['map', '--', ...PRINT('err', 300, 0), ':::', 'x'], { cwd: dir, env: { SLUICE_LOG_BYTES: '10K' } });
      assert.equal(result.code, 0, result.stderr);
    }
    const runs = fs.readdirSync(path.join(dir, '.sluice/logs')).filter((name) => /^\d{8}-\d{6}-\d+$/.test(name));
    assert.equal(runs.length, 2, runs.join(' '));
    const refused = await runSluice(['map', '--', 'true', ':::', 'x'], { cwd: dir, env: { SLUICE_LOG_CAP: 'lots' } });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Expected `SLUICE_LOG_CAP` to be a size in bytes such as 4096, 512K, 10M or 1G, got `lots`/);
  });
});
