import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Task } from '../../src/kernel/task.ts';
import { surveyWithoutState } from '../../src/schedule/survey-without-state.ts';

function task(id: number, cwd: string, outputs: string[], step = 'copy'): Task {
  return { id, step, action: { kind: 'argv', argv: ['cp', 'a', 'b'] }, inputs: [`in/${id}`], outputs, cwd, resources: { cpus: 1, retries: 0 } };
}

// Without --explain the verdicts are made when read: they must read as a Map of them would.
describe('surveyWithoutState', () => {
  const cwd = '/nowhere';

  it('gives every task its verdict by id, ids in order', () => {
    const tasks = [task(1, cwd, ['out/1']), task(2, cwd, []), task(3, cwd, ['out/3', 'out/0'], 'other')];
    const survey = surveyWithoutState(tasks, { statOutputs: false, forcedSteps: new Set(['other']) });
    assert.equal(survey.upToDate.size, 0);
    assert.equal(survey.verdicts.size, 3);
    assert.deepEqual(survey.verdicts.get(1), { key: '["copy",["out/1"]]', upToDate: false, reason: 'never run' });
    assert.deepEqual(survey.verdicts.get(2), { key: '2', upToDate: false, reason: 'no outputs' });
    assert.deepEqual(survey.verdicts.get(3), { key: '["other",["out/0","out/3"]]', upToDate: false, reason: 'forced' });
    assert.equal(survey.verdicts.get(0), undefined);
    assert.equal(survey.verdicts.get(4), undefined);
    assert.equal(survey.verdicts.get(1.5), undefined);
    assert.equal(survey.verdicts.has(3), true);
    assert.equal(survey.verdicts.has(4), false);
    assert.deepEqual([...survey.verdicts.keys()], [1, 2, 3]);
    assert.deepEqual(new Map(survey.verdicts), new Map([...survey.verdicts.entries()]));
    assert.deepEqual([...survey.verdicts.values()].map((verdict) => (verdict.upToDate ? 'up to date' : verdict.reason)), ['never run', 'no outputs', 'forced']);
    const seen: number[] = [];
    survey.verdicts.forEach((_, id) => seen.push(id));
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('finds tasks by id when the ids have gaps (targets chose some)', () => {
    const tasks = [task(4, cwd, ['out/4']), task(9, cwd, ['out/9'])];
    const survey = surveyWithoutState(tasks, { statOutputs: false });
    assert.equal(survey.verdicts.get(1), undefined);
    assert.deepEqual(survey.verdicts.get(9), { key: '["copy",["out/9"]]', upToDate: false, reason: 'never run' });
    assert.deepEqual([...survey.verdicts.keys()], [4, 9]);
  });

  it('with --explain tells a missing output from one on disk', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-stateless-'));
    try {
      writeFileSync(path.join(dir, 'there'), 'x');
      const survey = surveyWithoutState([task(1, dir, ['there']), task(2, dir, ['there', 'gone'])], { statOutputs: true });
      assert.deepEqual(survey.verdicts.get(1), { key: '["copy",["there"]]', upToDate: false, reason: 'never run' });
      assert.deepEqual(survey.verdicts.get(2), { key: '["copy",["gone","there"]]', upToDate: false, reason: 'output missing', path: 'gone' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
