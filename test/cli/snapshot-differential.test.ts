// The no-op short cut, the snapshot left after a run, what it vouches for once a file changed, the
// plan kept with it and that plan narrowed to what the edit touched must never change what a run does: the same edits, applied to two copies of a project, one run
// as a user runs it and the other with its snapshots deleted before each run (the full check),
// must run the same tasks and leave the same files. A pipeline with a temporary step, a gather,
// function steps and shell steps; edits of every kind, dated back and fresh.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTempDir, readProject, runSluice, takeRanLog as ranLog } from '../helpers/run-sluice.ts';
import { HOUR_AGO, writeDated } from '../helpers/noop-project.ts';

const PIPELINE = `import fs from 'node:fs';
import { all, pipeline, step, sh } from 'sluice';
const log = (line) => fs.appendFileSync('ran.log', line + '\\n');
export default pipeline({
  copy: step({ in: 'data/{n}.txt', out: 'mid/{n}.txt', TEMP run: sh('echo "copy {n}" >> ran.log; cp {in} {out}') }),
  upper: step({ in: 'mid/{n}.txt', out: 'upper/{n}.txt', run: sh('echo "upper {n}" >> ran.log; tr a-z A-Z < {in} > {out}') }),
  count: step({ in: { parts: all('upper/{n}.txt') }, out: 'count.txt', run: async ({ inputs, output }) => {
    log('count');
    fs.writeFileSync(output, inputs.parts.map((file) => fs.readFileSync(file, 'utf8')).join(''));
  } }),
  own: step({ in: 'data/{n}.txt', out: 'own/{n}.txt', run: async ({ input, output, wildcards }) => {
    log('own ' + wildcards.n);
    fs.writeFileSync(output, fs.readFileSync(input, 'utf8').split('').reverse().join(''));
  } }),
});
`;

// `temp`: whether the first step's outputs are temporary (such a pipeline leaves no snapshot).
function project(temp: boolean): string {
  const dir = makeTempDir('sluice-differential-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (const n of ['a', 'b', 'c', 'd']) write(dir, `data/${n}.txt`, `${n}\n`, true);
  fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE.replace('TEMP ', temp ? 'temp: true, ' : ''));
  return dir;
}

function write(dir: string, name: string, text: string, dated: boolean): void {
  if (dated) writeDated(dir, name, text);
  else fs.writeFileSync(path.join(dir, name), text);
}

// Each edit, applied the same way to both copies. WAIT: 2.1 s, so that what the last run wrote
// is past the racy margin (its hashes are trusted: a snapshot may vouch for it).
const WAIT = (): void => {};
const EDITS: readonly [string, (dir: string) => void][] = [
  ['nothing', () => {}],
  ['nothing, later', WAIT],
  ['nothing again', () => {}],
  ['an input rewritten, dated back', (dir) => write(dir, 'data/b.txt', 'bee\n', true)],
  ['nothing after it, later', WAIT],
  ['nothing again after it', () => {}],
  ['an input rewritten just now', (dir) => write(dir, 'data/c.txt', 'sea\n', false)],
  ['two inputs rewritten, dated back', (dir) => (write(dir, 'data/a.txt', 'ay\n', true), write(dir, 'data/d.txt', 'dee\n', true))],
  ['a final output deleted', (dir) => fs.rmSync(path.join(dir, 'upper/a.txt'))],
  ['a final output edited', (dir) => fs.appendFileSync(path.join(dir, 'own/c.txt'), 'x')],
  ['the gather output deleted', (dir) => fs.rmSync(path.join(dir, 'count.txt'))],
  ['an input touched, same content', (dir) => fs.utimesSync(path.join(dir, 'data/b.txt'), new Date(Date.now() - 7_200_000), new Date(Date.now() - 7_200_000))],
  ['an input added', (dir) => write(dir, 'data/e.txt', 'e\n', true)],
  ['an input removed', (dir) => fs.rmSync(path.join(dir, 'data/a.txt'))],
  ['nothing at the end, later', WAIT],
  ['nothing at the very end', () => {}],
];

describe('sluice run: the snapshot never changes what a run does', () => {
  for (const temp of [false, true]) {
    it(`runs the same tasks and leaves the same files as the full check, edit after edit${temp ? ' (a temporary step)' : ''}`, async () => {
      const user = project(temp);
      const full = project(temp);
      const taken: string[] = [];
      for (const [label, edit] of EDITS) {
        if (edit === WAIT) await sleep(2_100);
        edit(user);
        edit(full);
        fs.rmSync(path.join(full, '.sluice', 'up-to-date'), { recursive: true, force: true });
        const [ran, checked] = await Promise.all([runSluice(['run'], { cwd: user, env: { SLUICE_DEBUG: '1' } }), runSluice(['run'], { cwd: full })]);
        assert.equal(ran.code, 0, `${label}: ${ran.stderr}`);
        assert.equal(checked.code, 0, `${label}: ${checked.stderr}`);
        assert.deepEqual(ranLog(user), ranLog(full), `${label}: the same tasks ran`);
        assert.deepEqual(readProject(user, { skip: ['ran.log'] }), readProject(full, { skip: ['ran.log'] }), `${label}: the same files`);
        if (/confirms all/.test(ran.stderr)) taken.push('short cut');
        else if (/snapshot vouches for the files of [1-9]/.test(ran.stderr)) taken.push('vouched');
        // Its tasks read back from the plan kept with the last snapshot, not planned.
        if (/the plan of the last run's snapshot holds/.test(ran.stderr)) taken.push('kept plan');
        // Of which it was given only the tasks the changed files touch, the others settled.
        if (/the run is given the \d+ tasks that the changed files touch/.test(ran.stderr)) taken.push('narrowed');
      }
      // The paths under test were taken (without a temporary step, whose deleted outputs no snapshot vouches for).
      if (!temp) assert.deepEqual([...new Set(taken)].sort(), ['kept plan', 'narrowed', 'short cut', 'vouched'], taken.join(', '));
    });
  }
});
