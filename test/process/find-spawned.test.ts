// findSpawned finds a thread's processes by the tag in their environment, by recorded pid, and
// as descendants of those, whether it looks at every pid or only at those given since a pid
// (and then also once pids wrapped around); it never finds an unrelated process.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { endSpawnedProcesses } from '../../src/process/end-spawned-processes.ts';
import { findSpawned, type SpawnedProcesses } from '../../src/process/find-spawned.ts';
import { readLastPid, ticksSinceBoot } from '../../src/process/list-processes.ts';
import { SPAWNED_BY } from '../../src/process/spawn-ledger.ts';
import { findMarked, killMarked, survivorsAfter, waitForMarked } from '../helpers/find-marked.ts';

const SLEEPER = 'import time; time.sleep(100000)';
// The interpreter itself, not a shim: pyenv's python3 is a script whose short-lived helpers carry
// the same argv (the marker) and would be counted as wanted, then be gone when looked for.
const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
const markers: string[] = [];
after(() => killMarked(markers));
function marker(name: string): string {
  const made = `sluice-find-${name}-${randomUUID()}`;
  markers.push(made);
  return made;
}

describe('findSpawned', () => {
  it('finds tagged processes, a daemon, and an untagged child of one, and nothing else', async () => {
    const tag = `test-${randomUUID()}`;
    const sinceTicks = ticksSinceBoot();
    const sincePid = readLastPid();
    const daemon = marker('daemon');
    const untagged = marker('untagged');
    const stranger = marker('stranger');
    const tagged = { ...process.env, [SPAWNED_BY]: `other:1 ${tag}` };
    // A daemon: its parent exits at once; it keeps the tag.
    spawn('sh', ['-c', `setsid ${PYTHON} -c "${SLEEPER}" ${daemon} >/dev/null 2>&1 </dev/null &`], { env: tagged, stdio: 'ignore' });
    // A child that drops the tag, its parent (tagged) still alive.
    spawn('sh', ['-c', `env -u ${SPAWNED_BY} ${PYTHON} -c "${SLEEPER}" ${untagged} & wait`], { env: tagged, stdio: 'ignore', detached: true });
    // Started by this thread, without the tag, not recorded: not the thread's.
    const other = spawn(PYTHON, ['-c', SLEEPER, stranger], { stdio: 'ignore' });
    try {
      await waitForMarked([daemon, untagged, stranger]);
      const wanted = [...findMarked(daemon), ...findMarked(untagged)].sort();
      const targets: SpawnedProcesses[] = [
        { tag, pids: [], sinceTicks },
        { tag, pids: [], sinceTicks, sincePid },
        // Pids wrapped around since (the last pid is now lower): every pid is looked at.
        { tag, pids: [], sinceTicks, sincePid: (readLastPid() ?? 0) + 1_000 },
      ];
      for (const target of targets) {
        const found = [...(findSpawned(target)?.keys() ?? [])];
        for (const pid of wanted) assert.ok(found.includes(pid), `${pid} found (sincePid ${target.sincePid})`);
        for (const pid of findMarked(stranger)) assert.ok(!found.includes(pid), 'the stranger is not found');
        assert.ok(!found.includes(process.pid), 'never this process');
      }
      // A recorded pid counts while it is a child of this process.
      assert.ok(findSpawned({ tag: 'none', pids: [other.pid as number], sinceTicks })?.has(other.pid as number));
      await endSpawnedProcesses({ tag, pids: [], sinceTicks, sincePid }, 500);
      assert.deepEqual(await survivorsAfter([daemon, untagged], 1000), {});
      assert.equal(findMarked(stranger).length, 1, 'the stranger was left alone');
    } finally {
      other.kill('SIGKILL');
    }
  });
});
