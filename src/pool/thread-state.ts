import { bug } from '../errors.ts';

/**
 * The lifecycle of one worker thread of a pool. `starting`: loading its module. `idle`: ready,
 * with no job. `busy`: running one job. `busy, one behind`: running one job, with one more
 * posted to it that it starts as soon as the first answers (worker-pool.ts, `ahead`).
 * `ending`: terminated by the pool. `dead`: exited.
 */
export type ThreadState = 'starting' | 'idle' | 'busy' | 'busy, one behind' | 'ending' | 'dead';

const NEXT: Record<ThreadState, readonly ThreadState[]> = {
  starting: ['idle', 'ending', 'dead'],
  idle: ['busy', 'ending', 'dead'],
  // Its job answered with none behind (idle), or a job was posted behind it.
  busy: ['idle', 'busy, one behind', 'ending', 'dead'],
  // The first job answered and the one behind runs, or the pool took the one behind back.
  'busy, one behind': ['busy', 'ending', 'dead'],
  ending: ['dead'],
  dead: [],
};

/** The one place a thread changes state; an impossible move is a bug. */
export function moveThread(thread: { state: ThreadState }, to: ThreadState): void {
  if (!NEXT[thread.state].includes(to)) bug(`worker thread moved from ${thread.state} to ${to}`);
  thread.state = to;
}
