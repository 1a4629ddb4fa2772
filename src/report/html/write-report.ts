import fs from 'node:fs';
import path from 'node:path';
import { SluiceError } from '../../errors.ts';
import { openStore } from '../../state/store/open-store.ts';
import { stateDbPathOf } from '../../state/store/state-dir.ts';
import { classifyFault } from '../../classify-fault.ts';
import { findReportRun, readReportData } from './read-report-data.ts';
import { renderReport } from './render-report.ts';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';

export interface WriteReportOptions {
  /** The folder whose `.sluice/state.db` holds the run. */
  readonly root: string;
  /** Default: the newest run. */
  readonly runId?: string | undefined;
  /** Where the HTML goes; `-` is standard output. */
  readonly file: string;
  readonly stderrTailLines?: number;
}

/** The report could not be made: no such run, or the file could not be written. Exit 2. */
export class ReportError extends SluiceError {
  override name = 'ReportError';
  override readonly exitStatus = 2;
}

/** Writes the HTML report of a recorded run; returns the run's id and where the file went. */
export async function writeRunReport(options: WriteReportOptions): Promise<{ runId: string; file: string }> {
  const dbPath = stateDbPathOf(options.root);
  // Opening would create an empty database: a report of nothing should say so instead.
  if (!fs.existsSync(dbPath)) throw new ReportError(`No sluice run recorded in ${path.resolve(options.root)}: ${dbPath} does not exist`);
  const store = openStore(options.root);
  let html: string;
  let runId: string;
  try {
    const run = findReportRun(store, options.runId);
    if (run === undefined) {
      throw new ReportError(
        options.runId === undefined
          ? `No sluice run recorded in ${dbPath}`
          : `No run \`${options.runId}\` in ${dbPath} (sluice keeps the last 20 runs)`,
      );
    }
    runId = run.id;
    html = renderReport(await readReportData(store, run, { stderrTailLines: options.stderrTailLines }));
  } finally {
    store.close();
  }
  if (options.file === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(html, (error) => (error ? reject(error) : resolve())));
    return { runId, file: '-' };
  }
  const file = path.resolve(options.file);
  // Whole or not at all: a browser reloading the page never sees half a report.
  try {
    writeFileAtomically(file, html);
  } catch (error) {
    throw classifyFault(error, { writing: options.file }) ?? new ReportError(`Cannot write the report ${options.file}: ${(error as Error).message}`, { cause: error });
  }
  return { runId, file };
}
