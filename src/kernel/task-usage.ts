// What one attempt of a task used, as the operating system (command tasks) or the worker thread
// (function tasks) accounted it. Every layer passes it along: launcher, executor, state, reports.

export interface TaskUsage {
  /**
   * CPU time in user and in system mode, in microseconds. A command task: its process and
   * every descendant that was waited for (wait4's rusage); a function task: its worker thread
   * while the function ran.
   */
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  /** Command tasks: peak resident memory of the largest single process of the tree, in KiB. */
  readonly maxRssKb?: number | undefined;
  /**
   * Function tasks: the V8 heap of the worker thread when the function ended (committed heap
   * plus Buffers' external memory), in KiB. V8 keeps its heap grown after a peak until a full
   * collection gives memory back, so this follows the peak; it includes what the thread held
   * before (sluice's and the pipeline's code, what earlier tasks on it left).
   */
  readonly heapKb?: number | undefined;
}
