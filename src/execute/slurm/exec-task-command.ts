// `sluice exec-task [--batch] FILE`: what a Slurm job runs. Not for users; hidden from --help.
import path from 'node:path';
import { execTask } from './exec-task.ts';
import { readJsonFile, TASK_FILE_VERSION, type TaskFile } from './task-files.ts';

/**
 * Runs one task file, or with `--batch LIST` the entry of a batch list that this array task's
 * index (SLURM_ARRAY_TASK_ID) names. Exit status: 0 when the attempt succeeded, its exit code
 * (or 1) when it failed, 2 when the files make no sense. The outcome itself is in the marker.
 */
export async function runExecTaskCommand(args: readonly string[]): Promise<number> {
  const batch = args[0] === '--batch';
  const file = batch ? args[1] : args[0];
  if (file === undefined || args.length !== (batch ? 2 : 1)) {
    process.stderr.write('usage: sluice exec-task TASKFILE | sluice exec-task --batch LISTFILE\n');
    return 2;
  }
  let taskFile = path.resolve(file);
  if (batch) {
    const list = readJsonFile<string[]>(taskFile);
    const index = Number(process.env['SLURM_ARRAY_TASK_ID'] ?? '0');
    const entry = list?.[index];
    if (entry === undefined) {
      process.stderr.write(`sluice exec-task: no entry ${index} in batch list ${taskFile}\n`);
      return 2;
    }
    taskFile = path.resolve(path.dirname(taskFile), entry);
  }
  const spec = readJsonFile<TaskFile>(taskFile);
  if (spec?.version !== TASK_FILE_VERSION) {
    process.stderr.write(`sluice exec-task: ${taskFile} is not a task file of this sluice (version ${TASK_FILE_VERSION})\n`);
    return 2;
  }
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    process.stderr.write(`sluice exec-task: ${name} from Slurm, stopping task ${spec.task.id}\n`);
    controller.abort();
  };
  for (const name of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1'] as const) process.on(name, onSignal);
  const marker = await execTask(taskFile, spec, { signal: controller.signal });
  if (marker.status === 'succeeded') return 0;
  process.stderr.write(`sluice exec-task: task ${spec.task.id} of step ${spec.task.step} ${marker.status}${marker.error === undefined ? '' : `: ${marker.error}`}\n`);
  return marker.exitCode !== null && marker.exitCode > 0 && marker.exitCode < 256 ? marker.exitCode : 1;
}
