// A run narrowed to what an edit touched, killed (SIGKILL) at some moment, then run again: the
// project must end as the full check leaves a twin that had the same edits and was never killed,
// and a run after that finds everything up to date. The kill lands at several moments: as the
// first task starts, among the tasks, near the gather.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { listFiles, makeTempDir, readProject, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';
import { HOUR_AGO, writeDated as dated } from '../helpers/noop-project.ts';

const PIPELINE = `import { all, pipeline, step, sh } from 'sluice';
export default pipeline({
  first: step({ in: 'data/{s}.txt', out: 'work/{s}.one', run: sh('echo first >> started.log; sleep 0.1; tr a-z A-Z < {in} > {out}') }),
  second: step({ in: 'work/{s}.one', out: 'out/{s}.two', run: sh('echo second >> started.log; sleep 0.1; rev < {in} > {out}') }),
  total: step({ in: { all: all('out/{s}.two') }, out: 'out/total.txt', run: sh('echo total >> started.log; cat {in.all} > {out}') }),
});
`;

function project(): string {
  const dir = makeTempDir('sluice-narrowed-kill-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (let index = 0; index < 8; index++) dated(dir, `data/s${index}.txt`, `sample ${index}\n`);
  fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

describe('sluice run: a narrowed run killed, then run again', () => {
  it('ends as the full check of a twin that was never killed, whenever the kill lands', async () => {
    const user = project();
    const full = project();
    for (const dir of [user, full]) assert.equal((await runSluice(['run', '-j', '2'], { cwd: dir })).code, 0);
    // Killed once this many tasks started (of the 5 the edit touches).
    for (const [round, startedTasks] of [1, 3, 5].entries()) {
      // Past the racy margin, a run leaves the snapshot that the next one narrows from.
      await sleep(2_100);
      assert.match((await runSluice(['run'], { cwd: user, env: { SLUICE_DEBUG: '1' } })).stderr, /17 tasks: 17 up to date/);
      assert.ok(fs.existsSync(path.join(user, '.sluice', 'up-to-date', 'pipeline.ts.snapshot')), 'a snapshot to narrow from');
      fs.rmSync(path.join(user, 'started.log'), { force: true });
      const edit = (dir: string): void => {
        for (const index of [round, round + 3]) dated(dir, `data/s${index}.txt`, `sample ${index}, edit ${round}\n`);
      };
      edit(user);
      edit(full);
      const killed = startSluice(['run', '-j', '2'], { cwd: user, env: { SLUICE_DEBUG: '1' } });
      const started = (): number => (fs.existsSync(path.join(user, 'started.log')) ? fs.readFileSync(path.join(user, 'started.log'), 'utf8').split('\n').length - 1 : 0);
      let ended = false;
      void killed.done.then(() => (ended = true));
      await waitFor(() => ended || started() >= startedTasks);
      killed.child.kill('SIGKILL');
      const { stderr } = await killed.done;
      assert.match(stderr, /the run is given the 5 tasks that the changed files touch/, 'the killed run was narrowed');

      const again = await runSluice(['run', '-j', '2'], { cwd: user });
      fs.rmSync(path.join(full, '.sluice', 'up-to-date'), { recursive: true, force: true });
      const checked = await runSluice(['run', '-j', '2'], { cwd: full });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(checked.code, 0, checked.stderr);
      assert.deepEqual(readProject(user, { skip: ['started.log'] }), readProject(full, { skip: ['started.log'] }), `killed after ${startedTasks} started: the same files`);
      assert.ok(!listFiles(user).some((file) => file.includes('.sluice-tmp-')), 'no staged output left');
      const noop = await runSluice(['run'], { cwd: user });
      assert.match(noop.stderr, /17 tasks: 17 up to date/, `killed after ${startedTasks} started: then nothing to do`);
    }
  });
});
