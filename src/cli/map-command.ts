import fs from 'node:fs';
import { Command } from 'commander';
import { PlanError } from '../errors.ts';
import { checkInputFiles } from '../plan/check-input-files.ts';
import { expandGlob } from '../plan/expand-glob.ts';
import { planMap } from '../plan/plan-map.ts';
import type { Task } from '../kernel/task.ts';
import { describeCommand } from '../report/format-plan.ts';
import { DEFAULTS } from './defaults.ts';
import { addExecutorOptions, defaultJobs, slurmFromFlags, type ExecutorFlags } from './executor-options.ts';
import { executePlan } from './execute-plan.ts';
import { collectValues, parseCount, parseDuration, parsePositiveInteger } from './parse-options.ts';
import { readStdinInputs } from './read-stdin-inputs.ts';
import { stateDbPathOf } from '../state/store/state-dir.ts';

interface MapFlags extends ExecutorFlags {
  jobs?: string;
  in: string[];
  null?: boolean;
  out?: string;
  shell?: boolean;
  timeout?: string;
  retries?: string;
  keepGoing?: boolean;
  keepOrder?: boolean;
  dryRun?: boolean;
  dot?: boolean;
  quiet?: boolean;
  json?: boolean;
  report?: string;
}

const ARG_SEPARATOR = ':::';

export function defineMapCommand(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('map')
    .summary('run one command over many inputs')
    .description(
      'Run COMMAND once per input, on every core. Inputs come from --in globs, from ::: arguments,\n' +
        'or from standard input (--in -). Placeholders in COMMAND and --out expand to exactly one\n' +
        'argument each: {} {in} {out} {name} {stem} {ext} {dir} {#} {.} {/} {//} {/.}.\n' +
        'Without a placeholder the input is appended as the last argument.',
    )
    .usage('[OPTIONS] -- COMMAND [ARG...] [::: INPUT...]');
  addExecutorOptions(command)
    .option('-C, --directory <dir>', 'change to DIR first, as make -C: globs, inputs, outputs and .sluice/ are relative to it')
    .option('-j, --jobs <n>', `tasks (cpu slots) at once (default: cores, ${DEFAULTS.jobs})`)
    .option('--in <glob>', 'input files matching GLOB (repeatable); `-` reads stdin', collectValues, [])
    .option('-0, --null', 'with `--in -`: inputs are NUL-separated')
    .option('--dot', 'let globs match names that start with a dot')
    .option('--out <template>', "each task's output path; stdout goes there unless COMMAND uses {out}")
    .option('--shell', 'run COMMAND through /bin/sh -c (placeholders are quoted)')
    .option('--timeout <duration>', 'SIGTERM the task after DURATION (e.g. 30s, 10m), SIGKILL soon after')
    .option('--retries <n>', 'extra attempts for a failed task', String(DEFAULTS.retries))
    .option('--keep-going', 'after a failure, go on with the other tasks (no short option here: -k keeps order)')
    .option('-k, --keep-order', "print outputs in input order (GNU Parallel's -k; `sluice run -k` is make's keep going)")
    .option('-n, --dry-run', 'print the commands, run none')
    .option('-q, --quiet', 'no progress line or summary (failures are still reported)')
    .option('--json', "one JSON event per line on stdout (plan, task started/finished/failed, run finished) instead of the tasks' output")
    .option('--report <file>', 'at the end, write an HTML report of the run to FILE (see `sluice report`)')
    .argument('[command...]', 'the command, then optionally ::: and literal inputs')
    .passThroughOptions()
    .action(async (words: string[], flags: MapFlags) => {
      setExitCode(await runMap(words, flags));
    });
}

// In chunks, waiting for a slow reader: a million separate writes would queue in memory.
async function writeLines(lines: readonly string[]): Promise<void> {
  for (let start = 0; start < lines.length; start += 4096) {
    const chunk = `${lines.slice(start, start + 4096).join('\n')}\n`;
    if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}


async function runMap(words: string[], flags: MapFlags): Promise<number> {
  const cwd = process.cwd();
  const separator = words.indexOf(ARG_SEPARATOR);
  const command = separator < 0 ? words : words.slice(0, separator);
  const literalInputs = separator < 0 ? [] : words.slice(separator + 1);
  const slurm = slurmFromFlags(flags);
  const jobs = flags.jobs === undefined ? defaultJobs(slurm) : parsePositiveInteger('--jobs', flags.jobs);
  const retries = parseCount('--retries', flags.retries ?? String(DEFAULTS.retries));
  const timeoutMs = flags.timeout === undefined ? undefined : parseDuration('--timeout', flags.timeout);
  if (flags.in.length === 0 && separator < 0) {
    throw new PlanError('Expected inputs from `--in GLOB`, `--in -` or `::: INPUT...`, got none');
  }
  // Concatenated without spreading: a million inputs would overflow the call stack.
  let inputs: string[] = [];
  const sources: Array<{ readonly inputs: readonly string[]; readonly from: string }> = [];
  for (const glob of flags.in) {
    const found = glob === '-' ? await readStdinInputs(process.stdin, flags.null === true) : expandGlob(glob, { cwd, dot: flags.dot === true, label: '`--in`' });
    sources.push({ inputs: found, from: glob === '-' ? '`--in -`' : `\`--in ${glob}\`` });
    inputs = inputs.length === 0 ? found : inputs.concat(found);
  }
  sources.push({ inputs: literalInputs, from: '`:::`' });
  inputs = inputs.concat(literalInputs);
  const tasks = planMap({
    command,
    shell: flags.shell === true,
    inputs,
    outTemplate: flags.out,
    cwd,
    timeoutMs,
    retries,
  });
  // A dry run without state stats no file (a million-task dry run stays a plan); anything that
  // hashes inputs refuses those it cannot hash first.
  if (flags.dryRun !== true || touchesState(tasks, cwd)) {
    for (const source of sources) checkInputFiles(source.inputs, cwd, `of \`sluice map\` (from ${source.from})`, { hashed: flags.out !== undefined });
  }
  if (flags.dryRun === true) {
    const toRun = await findTasksToRun(tasks, cwd);
    await writeLines(toRun.map(describeCommand));
    const upToDate = tasks.length - toRun.length;
    if (upToDate > 0) process.stderr.write(`sluice: ${upToDate} of ${tasks.length} tasks are up to date and would not run\n`);
    return 0;
  }
  return executeMap(tasks, jobs, flags);
}

// `--dry-run` consults the state as a run would. Without `--out` nothing can be up to date,
// and without a state database nothing ran here: then no file is stat'ed or hashed (a
// million-task dry run stays a plan).
async function findTasksToRun(tasks: readonly Task[], cwd: string): Promise<readonly Task[]> {
  if (!touchesState(tasks, cwd)) return tasks;
  const { surveyPlan } = await import('../session/survey-plan.ts');
  const survey = await surveyPlan({ root: cwd, tasks });
  return tasks.filter((task) => !survey.upToDate.has(task.id));
}

function touchesState(tasks: readonly Task[], cwd: string): boolean {
  return tasks.length > 0 && tasks[0]?.outputs.length !== 0 && fs.existsSync(stateDbPathOf(cwd));
}

async function executeMap(tasks: Task[], jobs: number, flags: MapFlags): Promise<number> {
  const slurm = slurmFromFlags(flags);
  return executePlan(
    { root: process.cwd(), tasks },
    {
      jobs,
      keepGoing: flags.keepGoing === true,
      keepOrder: flags.keepOrder === true,
      quiet: flags.quiet === true,
      json: flags.json === true,
      slurm: slurm === undefined ? undefined : { options: slurm },
      report: flags.report,
    },
  );
}
