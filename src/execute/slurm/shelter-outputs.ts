import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { moveIntoPlace } from '../../kernel/move-into-place.ts';
import { stagedOutputIndexes } from '../../kernel/render-action.ts';
import type { Task } from '../../kernel/task.ts';
import { SHELTER_PREFIX } from './slurm-paths.ts';

// On a compute node, the outputs sluice stages are first made in a folder of the job's own
// (`.sluice-slurm-<run>-<task>/` beside each output), where the local executor then stages and
// commits as usual. A sluice started again after a crash deletes every `.sluice-tmp-*` folder
// beside the outputs before it looks for jobs still running; this keeps a running job's files
// out of that sweep, so the job can be picked up and finish.

export interface ShelteredTask {
  /** The task as the local executor runs it: staged outputs inside the shelter folders. */
  readonly task: Task;
  /** Moves finished outputs to their final paths. */
  release(): Promise<void>;
  /** Removes the shelter folders and what is left in them. */
  discard(): Promise<void>;
  /** Replaces sheltered paths in a message by the output names the user wrote. */
  explain(message: string | undefined): string | undefined;
}

/** The shelter folder of the task's output `output` (as the task names it). */
function shelterFolderOf(task: Task, runId: string, output: string): string {
  return path.join(path.dirname(path.resolve(task.cwd, output)), `${SHELTER_PREFIX}${runId}-${task.id}`);
}

/**
 * Removes the shelter folders of the attempt a task file describes, as the node's sluice does
 * when it ends the task: for an attempt cancelled without its marker (the job reported ended, or
 * gone, before the node had cleaned up; or killed before it could), so that an interrupted run
 * leaves no staging folder beside the outputs. Never throws.
 */
export function removeShelters(taskFile: TaskFileShape | undefined): void {
  if (taskFile === undefined) return;
  try {
    const staged = stagedOutputIndexes(taskFile.task);
    const folders = new Set(taskFile.task.outputs.filter((_, index) => staged.has(index)).map((output) => shelterFolderOf(taskFile.task, taskFile.runId, output)));
    for (const folder of folders) fsSync.rmSync(folder, { recursive: true, force: true });
  } catch {
    // Left for the next run's sweep of stale temporaries.
  }
}

/** What removeShelters reads of a task file (task-files.ts's TaskFile). */
export interface TaskFileShape {
  readonly runId: string;
  readonly task: Task;
}

export async function shelterOutputs(task: Task, runId: string): Promise<ShelteredTask> {
  const staged = stagedOutputIndexes(task);
  const moves: Array<{ from: string; to: string; name: string; folder: boolean }> = [];
  const folders = new Set<string>();
  const outputs = task.outputs.map((output, index) => {
    if (!staged.has(index)) return output;
    const final = path.resolve(task.cwd, output);
    const folder = shelterFolderOf(task, runId, output);
    folders.add(folder);
    const sheltered = path.join(folder, path.basename(final));
    // A folder output keeps its trailing `/`: the node's executor makes it as a folder.
    const folderOutput = output.endsWith('/');
    moves.push({ from: sheltered, to: final, name: output, folder: folderOutput });
    return folderOutput ? `${sheltered}/` : sheltered;
  });
  for (const folder of folders) await fs.mkdir(folder, { recursive: true });
  const discard = async (): Promise<void> => {
    await Promise.all([...folders].map((folder) => fs.rm(folder, { recursive: true, force: true })));
  };
  return {
    task: { ...task, outputs },
    async release() {
      for (const move of moves) moveIntoPlace(move.from, move.to, move.folder);
      await discard();
    },
    discard,
    explain(message) {
      if (message === undefined) return undefined;
      let text = message;
      for (const move of moves) text = text.split(move.from).join(move.name);
      return text;
    },
  };
}
