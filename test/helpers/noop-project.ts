// A project for the no-op short cut's tests (test/cli/run-noop.test.ts, snapshot-after-run.test.ts):
// three inputs an hour old, one step copying each, and what a run did.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openSqlite } from '../../src/state/store/open-sqlite.ts';
import { makeTempDir, runSluice, takeRanLog as ranLog } from './run-sluice.ts';

export const PIPELINE = `
import { pipeline, step, sh } from 'sluice';

export default pipeline({
  params: { suffix: 'txt' },
  steps: (p) => ({
    copy: step({
      in: \`data/{n}.\${p.suffix}\`,
      out: 'out/{n}.txt',
      env: ['SLUICE_TEST_LABEL'],
      run: sh('echo "copy {n}" >> ran.log; cp {in} {out}'),
    }),
  }),
});
`;

export const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** Writes a file of `dir` and dates it an hour back: past the racy margin, a snapshot may vouch for it. */
export function writeDated(dir: string, name: string, text: string): void {
  fs.writeFileSync(path.join(dir, name), text);
  fs.utimesSync(path.join(dir, name), HOUR_AGO, HOUR_AGO);
}

/** A project whose inputs and their folder are an hour old: past the racy margin. */
export function project(): string {
  const dir = makeTempDir('sluice-noop-');
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  for (const n of ['a', 'b', 'c']) writeDated(dir, `data/${n}.txt`, `${n}\n`);
  fs.utimesSync(data, HOUR_AGO, HOUR_AGO);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), PIPELINE);
  return dir;
}

/** Two steps over the project's inputs: copy each to out/, then upper-case the copy into upper/. */
export function chainProject(): string {
  const dir = project();
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh('echo "copy {n}" >> ran.log; cp {in} {out}') }),
  upper: step({ in: 'out/{n}.txt', out: 'upper/{n}.txt', run: sh('echo "upper {n}" >> ran.log; tr a-z A-Z < {in} > {out}') }),
});
`,
  );
  return dir;
}

/** Runs recorded in the state database: the short cut records none. */
export function countRuns(dir: string): number {
  const db = openSqlite(path.join(dir, '.sluice', 'state.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export const snapshotFolder = (dir: string): string => path.join(dir, '.sluice', 'up-to-date');
export const hasSnapshot = (dir: string): boolean => fs.existsSync(snapshotFolder(dir)) && fs.readdirSync(snapshotFolder(dir)).length > 0;

/**
 * Builds (its inputs past the racy margin, the build leaves a snapshot), then runs once more,
 * which confirms it; checks both.
 */
export async function settled(dir: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<void> {
  const build = await runSluice(['run', ...args], { cwd: dir, env });
  assert.equal(build.code, 0, build.stderr);
  assert.equal(hasSnapshot(dir), true, `a run whose tasks all succeeded, on inputs past the racy margin, leaves a snapshot\n${build.stderr}`);
  const check = await runSluice(['run', ...args], { cwd: dir, env });
  assert.equal(check.code, 0, check.stderr);
  assert.equal(hasSnapshot(dir), true, `a run that found everything up to date leaves a snapshot\n${check.stderr}`);
  assert.equal(ranLog(dir).length, 3, 'the build ran every task, the check none');
}

/** Runs sluice; says whether it took the short cut (recorded no run) and which tasks ran. */
export async function rerun(dir: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  const before = countRuns(dir);
  const result = await runSluice(['run', ...args], { cwd: dir, env });
  assert.equal(result.code, 0, result.stderr);
  return { shortCut: countRuns(dir) === before, ran: ranLog(dir), stderr: result.stderr };
}

/** Writes `text` into the input `name`, dated an hour ago: past the racy margin. */
export function editInput(dir: string, name: string, text: string): void {
  writeDated(dir, path.join('data', name), text);
}
