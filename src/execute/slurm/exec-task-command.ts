// `sluice exec-task [--batch] FILE`: what a Slurm job runs. Not for users; hidden from --help.
import fs from 'node:fs';
import path from 'node:path';
import { createLauncher } from '../../process/create-launcher.ts';
import type { Launcher } from '../../process/launch-types.ts';
import { execTask, writeSkippedMarker } from './exec-task.ts';
import { cancelPathOf, readJsonFile, TASK_FILE_VERSION, type TaskFile } from './task-files.ts';

/**
 * Runs one task file, or with `--batch LIST` the task files of the batch list entry that this
 * array task's index (SLURM_ARRAY_TASK_ID) names, one after the other. Exit status: 0 when every
 * attempt succeeded, the exit code of a failed one (or 1), 2 when the files make no sense. The
 * outcome of each attempt is in its marker.
 */
export async function runExecTaskCommand(args: readonly string[]): Promise<number> {
  const batch = args[0] === '--batch';
  const file = batch ? args[1] : args[0];
  if (file === undefined || args.length !== (batch ? 2 : 1)) {
    process.stderr.write('usage: sluice exec-task TASKFILE | sluice exec-task --batch LISTFILE\n');
    return 2;
  }
  let taskFiles = [path.resolve(file)];
  if (batch) {
    const listFile = path.resolve(file);
    const list = readJsonFile<Array<string | string[]>>(listFile);
    const index = Number(process.env['SLURM_ARRAY_TASK_ID'] ?? '0');
    const entry = list?.[index];
    if (entry === undefined) {
      process.stderr.write(`sluice exec-task: no entry ${index} in batch list ${listFile}\n`);
      return 2;
    }
    taskFiles = (typeof entry === 'string' ? [entry] : entry).map((name) => path.resolve(path.dirname(listFile), name));
  }
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    process.stderr.write(`sluice exec-task: ${name} from Slurm, stopping\n`);
    controller.abort();
  };
  for (const name of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1'] as const) process.on(name, onSignal);
  // One launcher for the command tasks of the batch, started with the first of them.
  let launcher: Promise<Launcher> | undefined;
  const shareLauncher = (): Promise<Launcher> => (launcher ??= createLauncher());
  try {
    return await runTaskFiles(taskFiles, controller.signal, shareLauncher);
  } finally {
    await launcher?.then((started) => started.close(), () => undefined);
  }
}

// A signal ends the running task; the ones after it are left without a marker, and the
// submitting sluice judges them by the job's state.
async function runTaskFiles(taskFiles: readonly string[], signal: AbortSignal, launcher: () => Promise<Launcher>): Promise<number> {
  let status = 0;
  for (const taskFile of taskFiles) {
    if (signal.aborted) break;
    const spec = readJsonFile<TaskFile>(taskFile);
    if (spec?.version !== TASK_FILE_VERSION) {
      process.stderr.write(`sluice exec-task: ${taskFile} is not a task file of this sluice (version ${TASK_FILE_VERSION})\n`);
      status = 2;
      continue;
    }
    // Cancelled alone by sluice before its turn: its pack-mates go on.
    if (fs.existsSync(cancelPathOf(taskFile))) {
      writeSkippedMarker(taskFile);
      continue;
    }
    const marker = await execTask(taskFile, spec, { signal, launcher });
    if (marker.status === 'succeeded' || (marker.status === 'cancelled' && !signal.aborted)) continue;
    process.stderr.write(`sluice exec-task: task ${spec.task.id} of step ${spec.task.step} ${marker.status}${marker.error === undefined ? '' : `: ${marker.error}`}\n`);
    if (status === 0) status = marker.exitCode !== null && marker.exitCode > 0 && marker.exitCode < 256 ? marker.exitCode : 1;
  }
  return status;
}
