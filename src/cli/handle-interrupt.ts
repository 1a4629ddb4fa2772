/**
 * Turns SIGINT/SIGTERM/SIGHUP into an abort, so running tasks are cancelled and cleaned up
 * before sluice exits with 130. A second signal while cleaning up exits at once.
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
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of signals) process.off(name, onSignal);
    },
  };
}
