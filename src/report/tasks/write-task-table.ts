import fs from 'node:fs';
import path from 'node:path';
import { classifyFault } from '../../classify-fault.ts';
import { readAttempts } from '../../state/journal/read-history.ts';
import { openStore } from '../../state/store/open-store.ts';
import { stateDbPathOf } from '../../state/store/state-dir.ts';
import { findReportRun } from '../html/read-report-data.ts';
import { ReportError } from '../html/write-report.ts';
import { formatTaskTable } from './format-task-table.ts';
import { listRunRounds } from './list-run-rounds.ts';

export interface WriteTaskTableOptions {
  /** The folder whose `.sluice/state.db` holds the run. */
  readonly root: string;
  /** Default: the newest run. */
  readonly runId?: string | undefined;
  /** Where the table goes; `-` is standard output. */
  readonly file: string;
}

/** Writes the per-task table of a recorded run (format-task-table.ts); returns the run's id and where it went. */
export async function writeTaskTable(options: WriteTaskTableOptions): Promise<{ runId: string; file: string; tasks: number }> {
  const dbPath = stateDbPathOf(options.root);
  if (!fs.existsSync(dbPath)) throw new ReportError(`No sluice run recorded in ${path.resolve(options.root)}: ${dbPath} does not exist`);
  const store = openStore(options.root);
  let text: string;
  let runId: string;
  try {
    const run = findReportRun(store, options.runId);
    if (run === undefined) {
      throw new ReportError(
        options.runId === undefined ? `No sluice run recorded in ${dbPath}` : `No run \`${options.runId}\` in ${dbPath} (sluice keeps the last 20 runs)`,
      );
    }
    runId = run.id;
    // Every round of a pipeline with folder outputs (list-run-rounds.ts).
    text = formatTaskTable(listRunRounds(store, run).flatMap((round) => readAttempts(store, round.id)));
  } finally {
    store.close();
  }
  const tasks = text.split('\n').length - 2;
  if (options.file === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
    return { runId, file: '-', tasks };
  }
  const file = path.resolve(options.file);
  // Whole or not at all: a script reading the table never sees half of it.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw classifyFault(error, { writing: options.file }) ?? new ReportError(`Cannot write the task table ${options.file}: ${(error as Error).message}`, { cause: error });
  }
  return { runId, file, tasks };
}
