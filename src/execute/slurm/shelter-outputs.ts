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

export async function shelterOutputs(task: Task, runId: string): Promise<ShelteredTask> {
  const staged = stagedOutputIndexes(task);
  const moves: Array<{ from: string; to: string; name: string; folder: boolean }> = [];
  const folders = new Set<string>();
  const outputs = task.outputs.map((output, index) => {
    if (!staged.has(index)) return output;
    const final = path.resolve(task.cwd, output);
    const folder = path.join(path.dirname(final), `${SHELTER_PREFIX}${runId}-${task.id}`);
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
