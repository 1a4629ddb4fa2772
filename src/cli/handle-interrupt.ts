import fs from 'node:fs';
import { classifyFault } from '../classify-fault.ts';

/**
 * Turns SIGINT/SIGTERM/SIGHUP into an abort, so running tasks are cancelled and cleaned up
 * before sluice exits with 130. A second signal while cleaning up exits at once. A reader that
 * closed sluice's standard output or error (watchClosedOutputs) aborts the run the same way.
 */
export function handleInterrupts(): { signal: AbortSignal; fault(): Error | undefined; dispose(): void } {
  const controller = new AbortController();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nsluice: interrupted, stopping running tasks\n');
    controller.abort();
  };
  for (const name of signals) process.on(name, onSignal);
  let fault: Error | undefined;
  closedOutputHandler = (stream, error) => {
    // A full disk under `> file`: the run stops as for a closed reader, then says so (exit 3).
    if (error !== undefined) fault ??= classifyFault(error, { writing: describeOutput(stream) }) ?? error;
    if (controller.signal.aborted) return;
    if (stream === process.stdout && error === undefined) process.stderr.write('\nsluice: standard output was closed by its reader, stopping running tasks\n');
    controller.abort();
  };
  return {
    signal: controller.signal,
    fault: () => fault,
    dispose: () => {
      for (const name of signals) process.off(name, onSignal);
      closedOutputHandler = undefined;
    },
  };
}

// What a closed standard output or error, or one that failed (`error`), does now: abort the run
// in progress, if any.
let closedOutputHandler: ((stream: NodeJS.WriteStream, error?: Error) => void) | undefined;

// The file behind standard output or error, for a message: Linux names it in /proc.
function describeOutput(stream: NodeJS.WriteStream): string {
  const name = stream === process.stdout ? 'standard output' : 'standard error';
  try {
    return `${fs.readlinkSync(`/proc/self/fd/${stream === process.stdout ? 1 : 2}`)} (its ${name})`;
  } catch {
    return `its ${name}`;
  }
}

/**
 * Standard output or error closed by its reader (`sluice map ... | head -1`): Node ignores
 * SIGPIPE, so a write fails with EPIPE. During a run it stops the run as Ctrl-C does (no new task,
 * the running ones ended, staged outputs removed, exit 130); at any other time sluice exits 130
 * at once. Another write error (a full disk under `> file`) stops a run the same way, which then
 * ends with that fault (exit 3); at any other time it goes on to the uncaught-error report.
 */
export function watchClosedOutputs(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') {
        if (closedOutputHandler === undefined) throw classifyFault(error, { writing: describeOutput(stream) }) ?? error;
        return closedOutputHandler(stream, error);
      }
      if (closedOutputHandler === undefined) process.exit(130);
      closedOutputHandler(stream);
    });
  }
}

/**
 * SIGINT, SIGTERM or SIGHUP before a run's tasks start or after they ended (loading, planning, a
 * dry run, a report): nothing to stop, so sluice exits 130 at once, as SPEC says of an
 * interrupted command, instead of dying by the signal (143 for SIGTERM). While a run is in
 * progress (handleInterrupts) or a Slurm job's task runs (exec-task-command), their own listener
 * is in charge.
 */
export function watchSignals(): void {
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(name, () => {
      if (process.listenerCount(name) > 1) return;
      process.stderr.write('\nsluice: interrupted\n');
      process.exit(130);
    });
  }
}
