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
   * Function tasks: peak of the worker thread's V8 heap in use (JavaScript objects plus the
   * external memory of its ArrayBuffers and Buffers) while the function ran, in KiB.
   */
  readonly maxHeapKb?: number | undefined;
}
