// A program that a function step starts signals its own process group: `kill 0`, as a script
// does to end its background jobs (here it ignores the signal itself, and goes on). As for a
// command task, that group is the
// program's own, never sluice's: sluice, and what runs beside it in the user's job (`| tee`, the
// shell that started it), do not get the signal. Each way of starting a program is tried.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, REPO } from '../helpers/run-sluice.ts';

const linux = process.platform === 'linux';

const PIPELINE = `import { execFileSync, execSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { pipeline, step } from 'sluice';

const SCRIPT = "trap '' TERM; kill 0; echo hi";
const waitFor = (child: ReturnType<typeof spawn>): Promise<void> => new Promise((resolve) => child.on('close', () => resolve()));

export default pipeline({
  execSync: step({ out: 'out/execSync', run: ({ output }) => { execSync(SCRIPT); fs.writeFileSync(output, 'done'); } }),
  execFileSync: step({ out: 'out/execFileSync', run: ({ output }) => { execFileSync('bash', ['-c', SCRIPT]); fs.writeFileSync(output, 'done'); } }),
  spawnSync: step({ out: 'out/spawnSync', run: ({ output }) => { spawnSync('bash', ['-c', SCRIPT]); fs.writeFileSync(output, 'done'); } }),
  spawn: step({ out: 'out/spawn', run: async ({ output }) => { await waitFor(spawn('bash', ['-c', SCRIPT], { stdio: 'ignore' })); fs.writeFileSync(output, 'done'); } }),
});
`;

const TSX = path.join(REPO, 'node_modules/tsx/dist/loader.mjs');
const MAIN = path.join(REPO, 'src/cli/main.ts');

// sluice under a shell that leads their process group, as a terminal's job: the shell prints
// sluice's exit status, if the shell itself is still alive to do it.
function runInJob(dir: string): Promise<{ stdout: string; stderr: string }> {
  const command = `"$0" --import "$1" "$2" run -j 2; echo "sluice exited $?"`;
  const child = spawn('sh', ['-c', command, process.execPath, TSX, MAIN], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on('close', () => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {}
      resolve({ stdout, stderr });
    });
  });
}

describe('a function step\'s program that signals its own process group', { skip: !linux && 'Linux only' }, () => {
  it('signals neither sluice nor the job sluice runs in (execSync, execFileSync, spawnSync, spawn)', async () => {
    const dir = makeTempDir('sluice-kill-group-');
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
    const { stdout, stderr } = await runInJob(dir);
    assert.equal(stdout.trim(), 'sluice exited 0', stderr);
    assert.doesNotMatch(stderr, /interrupted/);
    for (const name of ['execSync', 'execFileSync', 'spawnSync', 'spawn']) {
      assert.equal(fs.readFileSync(path.join(dir, 'out', name), 'utf8'), 'done', name);
    }
  });
});
