import { chooseExecutor, type ChosenExecutor } from '../execute/create-executor.ts';
import type { Executor } from '../execute/executor.ts';
import { IDLE_EXECUTOR } from '../execute/idle-executor.ts';
import { createSuccessCommitter } from '../schedule/commit-successes.ts';
import { createTemporaryJanitor } from '../schedule/delete-temporaries.ts';
import { createAttemptRecorder } from '../schedule/record-attempts.ts';
import { runTasks } from '../schedule/run-tasks.ts';
import { createJournal } from '../state/journal/journal.ts';
import { readProcessStart } from '../state/lock/process-start.ts';
import { freeRunId } from '../state/journal/record-run.ts';
import { readStepDurationMedian } from '../state/journal/read-step-durations.ts';
import { runLogDir } from '../state/logs/logs-dir.ts';
import { closeSession } from './close-session.ts';
import { endRun } from './end-run.ts';
import { leaveSnapshot } from './leave-snapshot.ts';
import { classifyStoreFault, guardEnvironment, stateDirGone } from './guard-environment.ts';
import { listOutputsRead } from './list-outputs-read.ts';
import { openSession, type Session } from './open-session.ts';
import type { RunRequest, RunResult } from './run-request.ts';
import { surveyRun } from './survey-run.ts';
import { countMadeFolders, deferBehindFolders } from './defer-behind-folders.ts';
import { makeTaskKey } from '../state/freshness/task-key.ts';

/**
 * Runs planned tasks with state: one sluice per folder, up-to-date tasks skipped, successes
 * recorded, attempts and logs kept. The composition root of `sluice map` and `sluice run`: it
 * opens the session, chooses the backend, hands the tasks to the scheduler and closes it all.
 */
export async function runSession(given: RunRequest): Promise<RunResult> {
  const { session, request } = await openSessionFor(given);
  const chosen = chooseBackend(request, session);
  const held: { executor?: Executor | undefined } = {};
  const { store, root } = session;
  try {
    const surveyed = await surveyRun(session, request, chosen);
    request.onSurvey?.(surveyed.survey);
    // Tasks that read a folder output made in this run wait for the next plan (defer-behind-folders.ts).
    const { tasks, dependencies, deferred } = deferBehindFolders(
      request.tasks,
      request.dependencies ?? new Map<number, readonly number[]>(),
      request.folderLinks,
      surveyed.survey.upToDate,
    );
    const folders = countMadeFolders();
    const janitor = createTemporaryJanitor(store, surveyed.cache, tasks, dependencies, request.targets);
    const runId = freeRunId(store);
    // A success waits for others while the run's slots are all taken; when one is free and no
    // task can take it, what waits may be what a task needs: it is written at once.
    let slotsIdle = true;
    const journal = createJournal(store, { batch: { urgent: () => slotsIdle } });
    journal.startRun({ id: runId, command: request.command });
    const logDir = runLogDir(root, runId);
    const committer = createSuccessCommitter(store, journal, surveyed.gate, surveyed.cache);
    // With every task up to date, a no-op run loads neither the local executor nor
    // child_process and worker_threads (~70 M instructions of a cold start).
    const idle = chosen.traits.idleWhenAllUpToDate === true && surveyed.allUpToDate;
    // What function steps (and the spawn launcher's tasks) start carries this pid: if this run
    // is killed, the next ends it.
    if (!surveyed.allUpToDate) session.processes.spawnerStarted(process.pid, readProcessStart(process.pid));
    const context = {
      runId, logDir, commit: committer.commit, outputsRead: listOutputsRead(tasks), inputsToHash: committer.inputsToHash,
      recordedDurationMs: (step: string) => readStepDurationMedian(store, step),
    };
    held.executor = idle ? IDLE_EXECUTOR : await chosen.create(context);
    const recorder = createAttemptRecorder(journal, store.dbPath);
    const summary = await runTasks(
      tasks,
      guardEnvironment(held.executor, { stateDir: store.stateDir, dbPath: store.dbPath, logDir }),
      {
        jobs: request.jobs,
        keepGoing: request.keepGoing,
        signal: request.signal,
        dependencies,
        upToDate: surveyed.survey.upToDate,
        settled: request.narrowed?.settled,
        decide: (task) => {
          const decision = surveyed.gate.decide(task);
          if (typeof decision === 'boolean') return decision;
          return decision.catch((error: unknown) => Promise.reject(classifyStoreFault(error, store.dbPath)));
        },
        onPumped: (idle) => {
          slotsIdle = idle;
          if (idle) journal.hurry();
        },
      },
      [recorder, janitor, folders, ...(request.listeners ?? [])],
    );
    if (summary.fault !== undefined) {
      // What can still be written is (the attempts, for `status`); the fault ends the run.
      try {
        committer.flush();
        journal.finishRun('failed');
      } catch {}
      throw summary.fault;
    }
    committer.flush();
    // Its staging folders go first: the janitor removes the folders that deleting temporaries
    // emptied, and a pooled staging folder would keep one.
    await shutDown(held);
    const swept = summary.interrupted ? 0 : await janitor.sweep();
    endRun(session, { runId, journal, summary });
    await leaveSnapshot(session, request, surveyed, { summary, tasks, swept });
    const ranKeys = tasks.filter((task) => !surveyed.survey.upToDate.has(task.id)).map((task) => makeTaskKey(task));
    return { ...summary, runId, survey: surveyed.survey, deferred, madeFolders: folders.made, ranKeys };
  } catch (error) {
    // With `.sluice/` removed, SQLite refuses writes to the database it no longer finds.
    throw stateDirGone({ stateDir: store.stateDir, dbPath: store.dbPath }) ?? error;
  } finally {
    await closeSession(session, { executor: held.executor, chosen });
  }
}

// A plan narrowed to what an edit touched (narrow-kept-plan.ts) settles the rest only while the
// last run's snapshot holds: when the session could not take it, the run is given every task.
function wholePlanOf(request: RunRequest): RunRequest {
  if (request.narrowed === undefined) return request;
  const { tasks, dependencies, targets, folderLinks } = request.narrowed.whole();
  return { ...request, tasks, dependencies, targets, folderLinks, narrowed: undefined };
}

// The session, and the request it runs: the whole plan when the snapshot a narrowed one was
// narrowed by no longer holds. Function threads the caller started early are closed, too, when
// the session cannot be opened (another run holds the lock, a killed run's processes survive),
// and the session is closed when the whole plan cannot be read (a damaged kept plan).
async function openSessionFor(given: RunRequest): Promise<{ session: Session; request: RunRequest }> {
  let session: Session | undefined;
  try {
    session = await openSession(given);
    return { session, request: session.unchanged === undefined ? wholePlanOf(given) : given };
  } catch (error) {
    if (session !== undefined) await closeSession(session);
    await (await given.functionRunner?.catch(() => undefined))?.close();
    throw error;
  }
}

function chooseBackend(request: RunRequest, session: Session): ChosenExecutor {
  return chooseExecutor(request.backend ?? { kind: 'local' }, {
    root: session.root,
    tasks: request.tasks,
    jobs: request.jobs,
    killGraceMs: request.killGraceMs,
    stderrTailLines: request.stderrTailLines,
    stdoutPrinted: request.stdoutPrinted,
    // The launcher's tasks' process groups, recorded for the next run to end after a SIGKILL.
    watcher: session.processes,
    functionRunner: request.functionRunner,
    launcher: request.launcher,
  });
}

// The executor is shut down once, before the run's end is recorded; closeSession then has none.
async function shutDown(held: { executor?: Executor | undefined }): Promise<void> {
  const ended = held.executor;
  held.executor = undefined;
  await ended?.shutdown();
}
