// The one path of `sluice map` and `sluice run` from a request to an exit status: the no-op
// short cut, planning, the dry run, then the run. Each command only says how its tasks are
// planned (a pipeline file, or one command over inputs: a one-step pipeline).

import { quoteArgv } from '../kernel/quote-argv.ts';
import fs from 'node:fs';
import { PlanError } from '../errors.ts';
import { findSettledPlanError } from '../plan/unplanned-readers.ts';
import type { EarlyLauncher } from '../execute/early-launcher.ts';
import type { FunctionRunner } from '../execute/worker/function-runner.ts';
import type { SlurmStepOptions } from '../plan/define-pipeline.ts';
import type { ListingLog } from '../plan/list-pattern-files.ts';
import type { Task } from '../kernel/task.ts';
import { chooseColours } from '../report/choose-colours.ts';
import type { RerunContext } from '../report/format-rerun.ts';
import { formatSummary } from '../report/format-summary.ts';
import { confirmUpToDate, type Confirmation } from '../session/confirm-up-to-date.ts';
import type { PlannedRun, RunResult } from '../session/run-request.ts';
import { ledgerDirIn, stateDbPathOf, stateDirOf } from '../state/store/state-dir.ts';
import { planIdentity, readKeptPlan, type KeptPlan, type PlanIdentity } from '../state/freshness/kept-plan.ts';
import { narrowKeptPlan, type NarrowedPlan } from '../state/freshness/narrow-kept-plan.ts';
import { fromProcessStart } from './from-process-start.ts';
import type { RunRequest } from './request-options.ts';
import { didYouMean } from '../plan/suggest-name.ts';

/** Tasks planned for a request: a pipeline's, or the one step of `sluice map`. */
export interface PlanToRun {
  readonly tasks: readonly Task[];
  /** Task id → ids of the tasks that make its inputs. */
  readonly dependencies: ReadonlyMap<number, readonly number[]>;
  /** Tasks the targets name; empty without targets. */
  readonly targets: ReadonlySet<number>;
  /** What the plan listed: the snapshot vouches for those folders (`exact` only). */
  readonly listings: Pick<ListingLog, 'folders' | 'exact' | 'startedAtNs'>;
  /** Per-step Slurm options from the pipeline file. */
  readonly slurmSteps?: ReadonlyMap<string, SlurmStepOptions | undefined>;
  /** Task id → the folder-output tasks whose folders it reads (directory()). */
  readonly folderLinks?: ReadonlyMap<number, readonly number[]>;
  /** Steps whose tasks are known only once folder outputs are made: step → the steps making them. */
  readonly waiting?: ReadonlyMap<string, readonly string[]>;
  /** Waiting steps that the folders on disk could not plan: step → why (plan/unplanned-readers.ts). */
  readonly unplanned?: ReadonlyMap<string, PlanError>;
  /**
   * Why the run would be refused, found while planning a dry run (a program not on PATH): the
   * dry run prints its plan, then this, and exits 2, as the run would.
   */
  readonly refusal?: string | undefined;
}

/** What a command knows once it read its input, before anything is planned. */
export interface PreparedRun {
  /** Names of the steps, for `--force` and `--force-all`. */
  readonly stepNames: readonly string[];
  /** Where the steps are defined, for errors: the pipeline file, or `sluice map`. */
  readonly source: string;
  /**
   * Where the last run's snapshot lies and the digest of everything the plan depends on besides
   * the files; undefined: no short cut.
   */
  snapshot(): { readonly file: string; readonly key: string } | undefined;
  /** Modules that function steps' worker threads load; on a first run they start while planning. */
  readonly functionModules: readonly string[];
  /** How a failed task is re-run alone; undefined: no such command is printed. */
  readonly rerun?: RerunContext | undefined;
  /** Every task runs, whatever the state says (`map` without `--out`: none is ever up to date). */
  readonly alwaysRuns?: boolean;
  /** Plans the tasks: called only once the short cut did not apply. */
  plan(request: RunRequest): Promise<PlanToRun>;
  /** Looks for the programs the tasks of a kept plan run, as planning would (kept-plan.ts). */
  recheck?(tasks: readonly Task[]): Promise<void>;
}

/**
 * Runs what `request` asks of the tasks `prepare` gives, with state in `root`'s `.sluice/`.
 * Returns the exit status.
 */
export async function executeRequest(request: RunRequest, root: string, prepare: () => Promise<PreparedRun>): Promise<number> {
  // A first run in this folder (no state yet) runs every task: the modules that run them load
  // while the command reads its input (esbuild bundles the pipeline: ~25 ms of loading).
  const firstRun = !request.dryRun && !fs.existsSync(stateDbPathOf(root));
  const executing = firstRun ? import('./execute-plan.ts') : undefined;
  executing?.catch(() => {});
  const prepared = await prepare();
  checkForcedSteps(prepared, request.force);
  // A plain run may end here, every task confirmed up to date by the last run's snapshot.
  const snapshot = isPlain(request) ? prepared.snapshot() : undefined;
  const confirmed = snapshot === undefined ? undefined : confirmNoOp(root, snapshot, request);
  if (confirmed === true) return 0;
  (await import('./tune-v8.ts')).raiseInterruptBudget();
  // On a first run the function steps' worker threads start now, and load their modules while
  // the tasks are planned and surveyed (~0.1 s on two cores).
  const early = firstRun && request.slurm === undefined && prepared.functionModules.length > 0;
  const functionRunner = early
    ? import('../execute/warm-up.ts').then(({ startFunctionThreads }) => startFunctionThreads(request.jobs, prepared.functionModules))
    : undefined;
  // Only files changed since the last run's snapshot: its plan, kept, is this run's.
  const identity = snapshot === undefined ? undefined : planIdentity(snapshot.file, snapshot.key, request.jobs);
  const unchanged = confirmed?.unchanged;
  const keptFile = identity !== undefined && unchanged !== undefined ? readKeptPlan(identity, unchanged) : undefined;
  // Of which the run is given the tasks the changed files touch (the others are settled), or all.
  const narrowed = keptFile !== undefined && unchanged !== undefined ? narrowKeptPlan(keptFile, unchanged) : undefined;
  const kept = narrowed ?? keptFile?.whole();
  let plan: PlanToRun;
  try {
    // Spawned before planning starts: it runs without a turn of the event loop (~0.1 s for 1,400
    // tasks), and the threads started only once it had ended, booting when the first tasks were due.
    await functionRunner;
    if (kept !== undefined) await recheckKept(prepared, narrowed, kept);
    plan = kept ?? (await prepared.plan(request));
  } catch (error) {
    await (await functionRunner)?.close();
    throw error;
  }
  const planned: PlannedRun = {
    root,
    tasks: plan.tasks,
    dependencies: plan.dependencies,
    folderLinks: plan.folderLinks,
    forcedSteps: new Set(request.forceAll ? prepared.stepNames : request.force),
    targets: plan.targets,
    snapshot:
      snapshot !== undefined && plan.listings.exact
        ? { ...snapshot, folders: plan.listings.folders, listedAtNs: plan.listings.startedAtNs, keep: kept === undefined ? keepable(identity, plan) : undefined }
        : undefined,
    unchanged: plan.listings.exact ? confirmed?.unchanged : undefined,
    narrowed,
  };
  if (request.dryRun) {
    const status = await (await import('./print-dry-run.ts')).printDryRun(planned, { explain: request.explain, waiting: plan.waiting, unplanned: plan.unplanned });
    if (plan.refusal === undefined) return status;
    process.stderr.write(`sluice: ${plan.refusal}\nsluice: the run would be refused (exit 2): nothing would run\n`);
    return 2;
  }
  // Every task will run (or, of a plan narrowed to what changed, some task): the launcher starts
  // now, while the state is opened and the tasks surveyed.
  const launcher = (firstRun || prepared.alwaysRuns === true || request.forceAll || narrowed !== undefined) && request.slurm === undefined && plan.tasks.some((task) => task.action.kind !== 'function')
    ? (await import('../execute/early-launcher.ts')).startEarlyLauncher(ledgerDirIn(stateDirOf(root)))
    : undefined;
  try {
    return await executePlanned(request, prepared, planned, plan, executing, { functionRunner, launcher });
  } finally {
    // Adopted by the run, the run closed it; else (refused by the lock, say) it is closed here.
    await launcher?.close();
  }
}

// The run, and the rounds that follow while tasks make folders that other steps read.
async function executePlanned(
  request: RunRequest,
  prepared: PreparedRun,
  planned: PlannedRun,
  firstPlan: PlanToRun,
  executing: Promise<typeof import('./execute-plan.ts')> | undefined,
  early: { readonly functionRunner: Promise<FunctionRunner> | undefined; readonly launcher: EarlyLauncher | undefined },
): Promise<number> {
  let plan = firstPlan;
  const { executePlan } = await (executing ?? import('./execute-plan.ts'));
  const execute = (run: PlannedRun, from: PlanToRun, started: typeof early | undefined, onResult: (result: RunResult) => void): Promise<number> =>
    executePlan(run, {
      jobs: request.jobs,
      keepGoing: request.keepGoing,
      keepOrder: request.keepOrder,
      quiet: request.quiet,
      json: request.json,
      slurm: request.slurm === undefined ? undefined : { options: request.slurm, steps: from.slurmSteps },
      report: request.report,
      rerun: prepared.rerun,
      functionRunner: started?.functionRunner,
      launcher: started?.launcher,
      onResult,
    });
  // A task that made a folder output (directory()) changes what the steps reading inside it
  // find: the pipeline is planned again and the new tasks run, until no folder is made. Each
  // round is a run of its own (its own summary); what ran before is up to date in the next.
  let result: RunResult | undefined;
  // Whether a round ran any task (not all up to date): an error found after it is no refusal.
  let ran = false;
  // What a round ran is not forced again by a later one (`--force`, `--force-all`).
  const unforced = new Set<string>();
  const record = (done: RunResult): void => {
    result = done;
    ran ||= done.counts['up to date'] < done.total;
    for (const key of done.ranKeys) unforced.add(key);
  };
  let code = await execute(planned, plan, early, record);
  for (let round = 1; round <= prepared.stepNames.length && result !== undefined && !result.interrupted && result.madeFolders > 0 && (plan.waiting?.size ?? 0) > 0; round++) {
    if (code !== 0 && !request.keepGoing) break;
    plan = await prepared.plan(request);
    result = undefined;
    const next = { ...planned, tasks: plan.tasks, dependencies: plan.dependencies, folderLinks: plan.folderLinks, targets: plan.targets, unforced, snapshot: undefined, unchanged: undefined, narrowed: undefined };
    code = Math.max(code, await execute(next, plan, undefined, record));
  }
  if (code !== 0 && result !== undefined && !result.interrupted && result.failures.length > 0 && plan.waiting !== undefined) {
    process.stderr.write((await import('../report/format-waiting.ts')).formatNotPlanned(plan.waiting, new Set(result.failures.map((failure) => failure.task.step))));
  }
  // Every task of the last round done, no folder left to make: a step still unplanned never will be.
  if (code === 0 && result !== undefined && !result.interrupted && result.madeFolders === 0) {
    const unplanned = findSettledPlanError(plan, () => true);
    if (unplanned !== undefined) {
      process.stderr.write(`sluice: ${unplanned.message}\n`);
      return ran ? 1 : 2;
    }
  }
  return code;
}

// The plan to keep with the snapshot (one read back is kept already); not one whose steps wait
// for folders that tasks make.
function keepable(identity: PlanIdentity | undefined, plan: PlanToRun): { identity: PlanIdentity; plan: KeptPlan } | undefined {
  if (identity === undefined || (plan.waiting?.size ?? 0) > 0) return undefined;
  const { tasks, dependencies, targets, folderLinks, listings } = plan;
  return { identity, plan: { tasks, dependencies, targets, folderLinks, listings } };
}

// The programs a kept plan's tasks run, looked for again as planning would: of a narrowed plan,
// one task per program, and every task only when one is missing (a task of the plan may make it).
async function recheckKept(prepared: PreparedRun, narrowed: NarrowedPlan | undefined, kept: KeptPlan): Promise<void> {
  if (prepared.recheck === undefined) return;
  if (narrowed === undefined) return prepared.recheck(kept.tasks);
  try {
    await prepared.recheck(narrowed.programs);
  } catch {
    await prepared.recheck(narrowed.whole().tasks);
  }
}

function checkForcedSteps(prepared: PreparedRun, force: readonly string[]): void {
  const known = new Set(prepared.stepNames);
  for (const name of force) {
    if (!known.has(name)) throw new PlanError(`Unknown step \`${name}\` in \`--force\`: ${prepared.source} has ${prepared.stepNames.join(', ')}${didYouMean(name, prepared.stepNames)}`);
  }
}

// Only a run that would print nothing but the summary may end on the snapshot: anything that
// forces tasks, lists them, reports on them or sends them elsewhere plans them.
function isPlain(request: RunRequest): boolean {
  return !request.dryRun && request.force.length === 0 && !request.forceAll && !request.json && request.report === undefined && request.slurm === undefined;
}

// True when the last run's snapshot confirms every task up to date, said as a run would say it;
// otherwise what the full check may take of it.
function confirmNoOp(root: string, snapshot: { readonly file: string; readonly key: string }, request: RunRequest): true | Confirmation {
  const confirmed = confirmUpToDate({ root, ...snapshot, command: quoteArgv(['sluice', ...process.argv.slice(2)]) });
  if (confirmed.summary === undefined) return confirmed;
  if (!request.quiet) process.stderr.write(`${formatSummary(fromProcessStart(confirmed.summary), chooseColours(process.stderr))}\n`);
  return true;
}
