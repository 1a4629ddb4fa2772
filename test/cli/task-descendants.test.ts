// A command task whose grandchild left the task's process group and session (`setsid`, or a
// double fork with os.setsid()): nothing of it survives sluice, however the run ends, with the
// python launcher (a child subreaper) and with the plain one (the grandchild carries its task's
// tag in its environment).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';
import { makeMarker, waitForMarkerGone } from '../process/process-helpers.ts';

const linux = process.platform === 'linux';
// The interpreter itself, not pyenv's python3 shim (a bash script whose helpers carry the marker).
const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

// `then` runs once the escaped grandchild is up (it wrote started.flag).
// A daemon, as the classic recipe makes one: fork, setsid, fork again, the middle one exits.
const DAEMON = `import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        open("started.flag", "w").close()
        time.sleep(1000)
    os._exit(0)
`;

// `then` runs once the escaped grandchild is up (it made started.flag).
function project(marker: string, then: string, daemon: boolean, extra = ''): string {
  const dir = makeTempDir('sluice-setsid-');
  fs.writeFileSync(path.join(dir, 'daemon.py'), DAEMON);
  const escape = daemon ? `${PYTHON} daemon.py ${marker}` : `(setsid sh -c 'echo > started.flag; exec sleep 1000.${marker}' &)`;
  // Bounded: a task that cannot start its grandchild fails instead of waiting for ever.
  const script = `${escape}; n=0; while [ ! -e started.flag ]; do n=$((n+1)); [ $n -lt 1500 ] || exit 9; sleep 0.02; done; echo done > {out}; ${then}`;
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  escape: step({ in: 'data.txt', out: 'out.txt', run: sh(${JSON.stringify(script)})${extra} }),
});
`,
  );
  fs.writeFileSync(path.join(dir, 'data.txt'), 'x\n');
  return dir;
}

for (const launcher of ['python', 'spawn'] as const) describe(`a task whose grandchild called setsid (${launcher} launcher)`, { skip: !linux && 'Linux only (child subreaper, /proc)' }, () => {
  const env = { SLUICE_LAUNCHER: launcher };
  for (const daemon of [false, true]) {
    const how = daemon ? 'a double fork with os.setsid()' : 'setsid';
    for (const [way, then, extra, code] of [
      ['success', 'exit 0', '', 0],
      ['failure', 'exit 3', '', 1],
      ['timeout', `sleep 1000`, ", timeout: '2s'", 1],
    ] as const) {
      it(`leaves no survivor after a ${way} (${how})`, async () => {
        const marker = makeMarker();
        const dir = project(marker, then, daemon, extra);
        const result = await runSluice(['run'], { cwd: dir, env });
        assert.equal(result.code, code, result.stderr);
        assert.deepEqual(await waitForMarkerGone(marker), [], '0 survivors');
        fs.rmSync(dir, { recursive: true, force: true });
      });
    }
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      it(`leaves no survivor after ${signal} to sluice (${how})`, async () => {
        const marker = makeMarker();
        const dir = project(marker, `sleep 1000`, daemon);
        const run = startSluice(['run'], { cwd: dir, env: { ...env, SLUICE_DEBUG: '1' } });
        let ended: { code: number | null; stderr: string } | undefined;
        void run.done.then((result) => (ended = result));
        // A run that ends before its grandchild is up says why, instead of a bare time-out.
        await waitFor(() => fs.existsSync(path.join(dir, 'started.flag')) || ended !== undefined, 60_000).catch(async (error: unknown) => {
          const files = fs.readdirSync(dir).join(', ');
          run.child.kill('SIGTERM');
          throw new Error(`${String(error)}; files: ${files}; sluice said: ${(await run.done).stderr}`);
        });
        assert.equal(ended, undefined, `the run ended before the grandchild was up: ${JSON.stringify(ended)}`);
        run.child.kill(signal);
        const result = await run.done;
        assert.equal(result.code, 130, result.stderr);
        assert.deepEqual(await waitForMarkerGone(marker), [], '0 survivors');
        fs.rmSync(dir, { recursive: true, force: true });
      });
    }
  }
});
