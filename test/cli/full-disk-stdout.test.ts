// Standard output redirected to a file on a disk that fills (`sluice map ... > out.txt`,
// `sluice run --json > events.json`). Before: for --json, sluice exited at once from its
// uncaught-error handler, leaving its tasks' staging folders (.sluice-tmp-*) beside the outputs;
// for task output, the run went on to the last task printing nothing more; either way the
// paragraph said "sluice could not write a file (the error does not say which)". Now the run
// stops as on Ctrl-C (no new task, staged outputs removed) and ends with the disk-full paragraph
// naming the file behind standard output, exit 3. On a small tmpfs, so as root only.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, REPO, runSluice } from '../helpers/run-sluice.ts';
import { useSmallTmpfs } from '../helpers/small-tmpfs.ts';

const TSX = path.join(REPO, 'node_modules/tsx/dist/loader.mjs');
const MAIN = path.join(REPO, 'src/cli/main.ts');

// sluice with its standard output written to `file`; resolves with its exit code and stderr.
function runInto(file: string, args: readonly string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  const fd = fs.openSync(file, 'w');
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, stdio: ['ignore', fd, 'pipe'] });
  fs.closeSync(fd);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('standard output on a disk that fills', () => {
  const tmpfs = useSmallTmpfs('sluice-stdout-full-', 'size=1m');

  const project = (): string => {
    const dir = makeTempDir('sluice-stdout-full-project-');
    fs.mkdirSync(path.join(dir, 'data'));
    for (let i = 1; i <= 12; i += 1) fs.writeFileSync(path.join(dir, 'data', `${i}.txt`), `line ${i}\n`);
    return dir;
  };

  it('`--json > file`: the run stops, keeps no staging folder, and names the file', async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    const dir = project();
    const filler = path.join(tmpfs.mount, 'json-fill');
    // Task 3 fills the disk that holds the events.
    const command = `if [ {n} = 3 ]; then head -c 2000000 /dev/zero > ${filler} || true; fi; sleep 0.5; echo {n} >> ran.log; cat {in} > {out}`;
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, sh } from 'sluice';\nexport default pipeline({ steps: () => ({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh(${JSON.stringify(command)}) }) }) });\n`,
    );
    const result = await runInto(path.join(tmpfs.mount, 'events.json'), ['run', '--json', '-j', '3'], dir);
    fs.rmSync(filler, { force: true });
    assert.equal(result.code, 3, result.stderr);
    assert.ok(result.stderr.includes(`The disk is full: sluice could not write ${path.join(tmpfs.mount, 'events.json')} (its standard output) (ENOSPC`), result.stderr);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'out')).filter((name) => name.startsWith('.')), [], 'no staging folder left');
    const kept = fs.readdirSync(path.join(dir, 'out'));
    assert.ok(kept.length < 12, 'the run stopped');
    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`${12 - kept.length} succeeded, ${kept.length} up to date`));
  });

  it("tasks' output `> file`: the run stops at the first write that fails, and names the file", async (t) => {
    if (tmpfs.mount === undefined) return t.skip(tmpfs.why);
    const dir = project();
    const filler = path.join(tmpfs.mount, 'map-fill');
    fs.writeFileSync(filler, Buffer.alloc(Number(fs.statfsSync(tmpfs.mount).bavail) * fs.statfsSync(tmpfs.mount).bsize));
    const result = await runInto(path.join(tmpfs.mount, 'lines.txt'), ['map', '-j', '1', '--in', 'data/*.txt', '--', 'sh', '-c', 'sleep 0.2; cat "$0"; echo "$0" >> ran.log', '{}'], dir);
    fs.rmSync(filler);
    assert.equal(result.code, 3, result.stderr);
    assert.ok(result.stderr.includes(`The disk is full: sluice could not write ${path.join(tmpfs.mount, 'lines.txt')} (its standard output) (ENOSPC`), result.stderr);
    const ran = fs.readFileSync(path.join(dir, 'ran.log'), 'utf8').trim().split('\n');
    assert.ok(ran.length < 12, `the run stopped (${ran.length} tasks ran)`);
  });
});
