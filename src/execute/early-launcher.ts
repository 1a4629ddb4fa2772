import { createLauncher } from '../process/create-launcher.ts';
import { deferWatcher } from '../process/defer-watcher.ts';
import type { GroupWatcher, Launcher } from '../process/launch-types.ts';

/** A launcher started before the run's session is open (startEarlyLauncher). */
export interface EarlyLauncher {
  /** Hands it to the run, whose watcher hears of the helper and its groups from now on. Once. */
  adopt(watcher: GroupWatcher | undefined): Promise<Launcher>;
  /** Closes it unless a run adopted it (the run closes it then). Idempotent. */
  close(): Promise<void>;
}

/**
 * The launcher, started as soon as the plan is known and before the state is opened, when every
 * task will run (a first run, `map` without `--out`): the python helper (~40-100 ms to be ready)
 * boots while the lock is taken, a killed run's leftovers are ended and the tasks surveyed,
 * instead of after. `ledgerDir`: where the run's recorder expects the helper's ledger.
 */
export function startEarlyLauncher(ledgerDir: string): EarlyLauncher {
  const watcher = deferWatcher(ledgerDir);
  // Spawned now, synchronously: the caller goes on with opening the state meanwhile.
  const started = createLauncher({ watcher });
  started.catch(() => {});
  let adopted = false;
  let closed: Promise<void> | undefined;
  return {
    adopt(real): Promise<Launcher> {
      adopted = true;
      watcher.attach(real);
      return started;
    },
    close(): Promise<void> {
      if (adopted) return Promise.resolve();
      closed ??= started.then((launcher) => launcher.close(), () => undefined);
      return closed;
    },
  };
}
