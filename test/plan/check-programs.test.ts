import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findMissingPrograms } from '../../src/plan/check-programs.ts';
import type { Task } from '../../src/kernel/task.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

function task(id: number, program: string, outputs: string[], cwd: string): Task {
  return { id, step: `s${id}`, action: { kind: 'argv', argv: [program, 'x'] }, inputs: [], outputs, cwd, resources: { cpus: 1 } } as unknown as Task;
}

describe('findMissingPrograms', () => {
  it('skips programs that tasks of the plan make: a file, one inside an output folder, one on PATH', () => {
    const dir = makeTempDir('sluice-check-programs-');
    const searchPath = `${path.join(dir, 'bin')}:/usr/bin:/bin`;
    const tasks = [
      task(1, './build/tool', ['build/tool'], dir),
      task(2, 'kit/bin/copy', ['kit'], dir),
      task(3, 'mytool', ['bin/mytool'], dir),
      task(4, 'sh', ['out/a'], dir),
      task(5, 'missing-xyz', ['out/b'], dir),
      task(6, 'missing-xyz', ['out/c'], dir),
      task(7, 'scripts/run.sh', ['out/d'], dir),
    ];
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.writeFileSync(path.join(dir, 'scripts', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const missing = findMissingPrograms(tasks, 'pipeline.ts', searchPath);
    assert.equal(missing.length, 1, missing.join('\n'));
    assert.match(missing[0] ?? '', /^Program `missing-xyz` not found on PATH .*: step `s5` of pipeline\.ts runs it with cmd\(\.\.\.\)$/);
  });
});
