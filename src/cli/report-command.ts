import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PlanError } from '../errors.ts';
import { isRunId } from '../state/logs/logs-dir.ts';
import { DEFAULTS } from './defaults.ts';

interface ReportFlags {
  file?: string;
  dir?: string;
  run?: string;
  output?: string;
  tasks?: string;
}

export function defineReportCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('report')
    .summary('write the HTML report of the last run (or of --run ID), or its table of tasks')
    .description(
      'Write one self-contained HTML file about a recorded run: per-step statistics, a timeline ' +
        'of tasks on workers, and the failures. The run is read from .sluice/state.db beside the ' +
        'pipeline file (-f FILE), in DIR (--dir, e.g. where `sluice map` ran), or here. ' +
        'With --tasks FILE.tsv, write instead (or as well, with -o) one tab-separated line per ' +
        'task: step, wildcards, status, attempt, start, wall time, CPU user and system time in ' +
        'seconds, peak memory in KiB, exit code.',
    )
    .usage('[OPTIONS]')
    .option('-f, --file <file>', 'the pipeline file whose runs to report on')
    .option('--dir <dir>', 'the folder whose .sluice/ holds the runs (default: the current folder)')
    .option('--run <id>', 'the run to report on, e.g. 20261125-145012-4242 (default: the last run)')
    .option('-o, --output <file>', `where to write the HTML; - for standard output (default: ${DEFAULTS.reportFile})`)
    .option('--tasks <file>', 'write the table of tasks (TSV) there; - for standard output')
    .action(async (flags: ReportFlags) => {
      setExitCode(await runReportCommand(flags));
    });
}

async function runReportCommand(flags: ReportFlags): Promise<number> {
  if (flags.file !== undefined && flags.dir !== undefined) throw new PlanError('Expected `--file` or `--dir`, not both');
  if (flags.run !== undefined && !isRunId(flags.run)) {
    throw new PlanError(`Expected \`--run\` to be a run id like 20261125-145012-4242, got \`${flags.run}\``);
  }
  // The HTML report unless only the table was asked for.
  const output = flags.output ?? (flags.tasks === undefined ? DEFAULTS.reportFile : undefined);
  if (output !== undefined && output !== '-') checkReportPath('--output', output);
  if (flags.tasks !== undefined && flags.tasks !== '-') checkReportPath('--tasks', flags.tasks);
  if (output === '-' && flags.tasks === '-') throw new PlanError('Expected `--output` or `--tasks` to be a file, got `-` for both');
  const root = reportRoot(flags);
  if (flags.tasks !== undefined) {
    const { writeTaskTable } = await import('../report/tasks/write-task-table.ts');
    const { runId, file, tasks } = await writeTaskTable({ root, runId: flags.run, file: flags.tasks });
    if (file !== '-') process.stderr.write(`sluice: ${tasks} task${tasks === 1 ? '' : 's'} of run ${runId} written to ${path.relative(process.cwd(), file) || file}\n`);
  }
  if (output === undefined) return 0;
  // Loaded here: `run` and `map` import this file for checkReportPath alone.
  const { writeRunReport } = await import('../report/html/write-report.ts');
  const { runId, file } = await writeRunReport({
    root,
    runId: flags.run,
    file: output,
    stderrTailLines: DEFAULTS.reportStderrTailLines,
  });
  if (file !== '-') process.stderr.write(`sluice: report of run ${runId} written to ${path.relative(process.cwd(), file) || file}\n`);
  return 0;
}

function reportRoot(flags: ReportFlags): string {
  if (flags.dir !== undefined) {
    if (!fs.statSync(flags.dir, { throwIfNoEntry: false })?.isDirectory()) throw new PlanError(`Expected \`--dir\` to be a folder, got \`${flags.dir}\``);
    return path.resolve(flags.dir);
  }
  if (flags.file !== undefined) {
    const file = path.resolve(flags.file);
    if (!fs.existsSync(file)) throw new PlanError(`Pipeline file \`${flags.file}\` not found (looked at ${file})`);
    return path.dirname(file);
  }
  return process.cwd();
}

/**
 * Checked before a run starts, so that an hour of work does not end in a report that cannot be
 * written: the folder must exist and the path must not be a folder.
 */
export function checkReportPath(name: string, file: string): void {
  if (file === '-' || file === '') throw new PlanError(`Expected \`${name}\` to be a file path, got \`${file}\``);
  const resolved = path.resolve(file);
  if (fs.statSync(resolved, { throwIfNoEntry: false })?.isDirectory()) {
    throw new PlanError(`Expected \`${name}\` to be a file path, got the folder \`${file}\``);
  }
  if (!fs.statSync(path.dirname(resolved), { throwIfNoEntry: false })?.isDirectory()) {
    throw new PlanError(`Expected \`${name}\` in an existing folder, got \`${file}\` (${path.dirname(resolved)} does not exist)`);
  }
}
