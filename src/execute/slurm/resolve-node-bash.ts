import fs from 'node:fs';
import { findProgram } from '../../plan/find-program.ts';
import type { Task } from '../../kernel/task.ts';

/**
 * The task as this compute node runs it: a shell script (an sh() step, `sluice map --shell`)
 * names the bash found where sluice planned it; a node that keeps bash elsewhere (`/bin/bash`
 * against `/usr/bin/bash`) runs its own from PATH, still in strict mode. Without any bash the
 * task stays as it is and fails naming it.
 */
export function resolveNodeBash(task: Task, searchPath = process.env.PATH ?? ''): Task {
  const { action } = task;
  if (action.kind !== 'shell' || isExecutable(action.bash)) return task;
  try {
    return { ...task, action: { ...action, bash: findProgram('bash', task.cwd, searchPath) } };
  } catch {
    return task;
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
