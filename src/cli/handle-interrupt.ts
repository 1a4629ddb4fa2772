/**
 * Turns SIGINT/SIGTERM/SIGHUP into an abort, so running tasks are cancelled and cleaned up
 * before sluice exits with 130. A second signal while cleaning up exits at once. A reader that
 * closed sluice's standard output or error (watchClosedOutputs) aborts the run the same way.
 */
export function handleInterrupts(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nsluice: interrupted, stopping running tasks\n');
    controller.abort();
  };
  for (const name of signals) process.on(name, onSignal);
  closedOutputHandler = (stream) => {
    if (controller.signal.aborted) return;
    if (stream === process.stdout) process.stderr.write('\nsluice: standard output was closed by its reader, stopping running tasks\n');
    controller.abort();
  };
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of signals) process.off(name, onSignal);
      closedOutputHandler = undefined;
    },
  };
}

// What a closed standard output or error does now: abort the run in progress, if any.
let closedOutputHandler: ((stream: NodeJS.WriteStream) => void) | undefined;

/**
 * Standard output or error closed by its reader (`sluice map ... | head -1`): Node ignores
 * SIGPIPE, so a write fails with EPIPE. During a run it stops the run as Ctrl-C does (no new task,
 * the running ones ended, staged outputs removed, exit 130); at any other time sluice exits 130
 * at once. Other write errors (a full disk under `> file`) go on to the uncaught-error report.
 */
export function watchClosedOutputs(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
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
