// The edits a user makes besides rewriting inputs, each applied to two copies of a project: one
// run as a user runs it (the no-op short cut, the snapshot's vouch, the kept plan narrowed to what
// changed), the other with its snapshots deleted before each run (the full check). They must run
// the same tasks, end with the same exit status and leave the same files. Edits: the code a
// function step imports, an intermediate output edited or deleted by hand, the pipeline's command
// changed, a parameter given, inputs replaced by symbolic links and their targets edited, a file
// that matches no pattern, a rewrite of the same size dated back to the same time, an output
// replaced by a folder.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTempDir, readProject, runSluice, takeRanLog as ranLog } from '../helpers/run-sluice.ts';
import { HOUR_AGO, writeDated as write } from '../helpers/noop-project.ts';

const PIPELINE = `import fs from 'node:fs';
import { all, pipeline, step, sh } from 'sluice';
import { turn } from './lib/turn.ts';
const log = (line) => fs.appendFileSync('ran.log', line + '\\n');
export default pipeline({
  params: { mark: '.' },
  steps: (p) => ({
    copy: step({ in: 'data/{n}.txt', out: 'mid/{n}.txt', run: sh('echo "copy {n}" >> ran.log; cp {in} {out}') }),
    upper: step({ in: 'mid/{n}.txt', out: 'upper/{n}.txt', run: sh('echo "upper {n}" >> ran.log; tr a-z A-Z < {in} > {out}; echo "' + p.mark + '" >> {out}') }),
    count: step({ in: { parts: all('upper/{n}.txt') }, out: 'count.txt', run: async ({ inputs, output }) => {
      log('count');
      fs.writeFileSync(output, inputs.parts.map((file) => fs.readFileSync(file, 'utf8')).join(''));
    } }),
    own: step({ in: 'data/{n}.txt', out: 'own/{n}.txt', run: async ({ input, output, wildcards }) => {
      log('own ' + wildcards.n);
      fs.writeFileSync(output, turn(fs.readFileSync(input, 'utf8')));
    } }),
  }),
});
`;

const TURN = "export const turn = (text: string): string => text.split('').reverse().join('');\n";

function project(): string {
  const dir = makeTempDir('sluice-differential-hostile-');
  for (const folder of ['data', 'lib', 'elsewhere']) fs.mkdirSync(path.join(dir, folder));
  for (const n of ['a', 'b', 'c', 'd']) write(dir, `data/${n}.txt`, `${n}\n`);
  write(dir, 'elsewhere/b.txt', 'b\n');
  write(dir, 'lib/turn.ts', TURN);
  fs.utimesSync(path.join(dir, 'data'), HOUR_AGO, HOUR_AGO);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

function edit(dir: string, name: string, change: (text: string) => string): void {
  write(dir, name, change(fs.readFileSync(path.join(dir, name), 'utf8')));
}

interface Edit {
  readonly label: string;
  readonly apply: (dir: string) => void;
  /** The run's arguments after `run` (both copies). */
  readonly args?: readonly string[];
  /** Wait past the racy margin first (2.1 s), so that what the last run wrote may be vouched for. */
  readonly later?: boolean;
  /** Tasks that must be among those that ran (both copies could be wrong the same way). */
  readonly reruns?: readonly string[];
}

const nothing = (): void => {};
const EDITS: readonly Edit[] = [
  { label: 'nothing', apply: nothing },
  { label: 'nothing, later', apply: nothing, later: true },
  {
    label: 'the module a function step imports, edited',
    apply: (dir) => edit(dir, 'lib/turn.ts', (text) => text.replace("join('')", "join('') + '~'")),
    reruns: ['own a', 'own d'],
  },
  { label: 'nothing after it, later', apply: nothing, later: true },
  { label: 'an intermediate output edited by hand', apply: (dir) => fs.appendFileSync(path.join(dir, 'mid/b.txt'), 'hand\n'), reruns: ['copy b'] },
  { label: 'an intermediate output deleted by hand', apply: (dir) => fs.rmSync(path.join(dir, 'mid/c.txt')), reruns: ['copy c'] },
  { label: 'a final output edited by hand, dated back', apply: (dir) => edit(dir, 'upper/d.txt', (text) => `${text}hand\n`), reruns: ['upper d'] },
  { label: 'nothing after the hand edits, later', apply: nothing, later: true },
  { label: "a step's command changed in the pipeline", apply: (dir) => edit(dir, 'pipeline.ts', (text) => text.replace('tr a-z A-Z', 'tr a-y A-Y')), reruns: ['upper a', 'upper d'] },
  { label: 'nothing after the pipeline edit, later', apply: nothing, later: true },
  { label: 'a parameter given', apply: nothing, args: ['--param', 'mark=!'], reruns: ['upper a', 'upper c'] },
  { label: 'the same parameter again', apply: nothing, args: ['--param', 'mark=!'], later: true },
  { label: 'the parameter dropped', apply: nothing },
  { label: 'nothing after the parameter, later', apply: nothing, later: true },
  {
    label: 'an input replaced by a symbolic link to a file with other content',
    apply: (dir) => {
      fs.rmSync(path.join(dir, 'data/b.txt'));
      fs.symlinkSync('../elsewhere/b.txt', path.join(dir, 'data/b.txt'));
      edit(dir, 'elsewhere/b.txt', () => 'bee\n');
    },
    reruns: ['copy b', 'own b'],
  },
  { label: 'nothing after the link, later', apply: nothing, later: true },
  { label: "the link's target edited, dated back", apply: (dir) => edit(dir, 'elsewhere/b.txt', () => 'BEE!\n'), reruns: ['copy b', 'own b'] },
  { label: "the link's target edited again, same size, same time", apply: (dir) => sameSizeSameTime(dir, 'elsewhere/b.txt', 'bzz!\n'), reruns: ['copy b', 'own b'] },
  { label: 'an input rewritten with the same size and dated back to its time', apply: (dir) => sameSizeSameTime(dir, 'data/c.txt', 'C\n'), reruns: ['copy c', 'own c'] },
  { label: 'a file that matches no pattern added to the inputs', apply: (dir) => write(dir, 'data/notes.md', 'notes\n') },
  { label: 'nothing after the noise, later', apply: nothing, later: true },
  { label: 'a final output replaced by a folder', apply: (dir) => (fs.rmSync(path.join(dir, 'own/a.txt')), fs.mkdirSync(path.join(dir, 'own/a.txt'))) },
  { label: 'the folder removed again', apply: (dir) => fs.rmSync(path.join(dir, 'own/a.txt'), { recursive: true }), reruns: ['own a'] },
  { label: 'nothing at the end, later', apply: nothing, later: true },
  { label: 'nothing at the very end', apply: nothing },
];

// New content of the same size, with the file's time set back to what it was (its ctime still
// moves: a check by size and mtime alone would miss it).
function sameSizeSameTime(dir: string, name: string, text: string): void {
  const file = path.join(dir, name);
  const before = fs.statSync(file);
  assert.equal(Buffer.byteLength(text), before.size, `${name}: the same size`);
  fs.writeFileSync(file, text);
  fs.utimesSync(file, before.atime, before.mtime);
}

describe('sluice run: the snapshot never changes what a run does, whatever the user edits', () => {
  it('runs the same tasks, ends the same way and leaves the same files as the full check, edit after edit', async () => {
    const user = project();
    const full = project();
    const taken = new Set<string>();
    for (const { label, apply, args = [], later = false, reruns = [] } of EDITS) {
      if (later) await sleep(2_100);
      apply(user);
      apply(full);
      fs.rmSync(path.join(full, '.sluice', 'up-to-date'), { recursive: true, force: true });
      const [ran, checked] = await Promise.all([
        runSluice(['run', ...args], { cwd: user, env: { SLUICE_DEBUG: '1' } }),
        runSluice(['run', ...args], { cwd: full }),
      ]);
      assert.equal(ran.code, checked.code, `${label}: the same exit status\n${ran.stderr}\n---\n${checked.stderr}`);
      const userRan = ranLog(user);
      assert.deepEqual(userRan, ranLog(full), `${label}: the same tasks ran`);
      for (const task of reruns) assert.ok(userRan.includes(task), `${label}: ${task} ran (${userRan.join(', ')})`);
      assert.deepEqual(readProject(user, { skip: ['ran.log'], folders: true }), readProject(full, { skip: ['ran.log'], folders: true }), `${label}: the same files`);
      if (/confirms all/.test(ran.stderr)) taken.add('short cut');
      if (/snapshot vouches for the files of [1-9]/.test(ran.stderr)) taken.add('vouched');
      if (/the run is given the \d+ tasks that the changed files touch/.test(ran.stderr)) taken.add('narrowed');
    }
    // The user's copy took the snapshot's paths, so that they were compared at all.
    assert.deepEqual([...taken].sort(), ['narrowed', 'short cut', 'vouched']);
  });
});
