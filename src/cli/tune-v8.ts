// Called once a run is sure to do more than the no-op short cut (loading node:v8 costs a no-op
// ~10 ms of built-in modules), before planning. A run of a few
// seconds spent ~0.6 s of CPU in V8's optimizing compiler (a third of the main thread's own work on
// the diabetes bench: 185 functions compiled, most of them run a few hundred times, once in each
// thread that runs them). V8 optimizes a function after it has run `--interrupt-budget` bytes of
// bytecode; eight times the default (66 KB) leaves the lukewarm ones to the baseline compiler and
// still optimizes a hot loop within a few milliseconds (74 compiled, ~9 % less CPU in all). Flags
// are process-wide: worker threads started later run under it too. A budget the user gave node
// (NODE_OPTIONS, node's own arguments) is kept.
import v8 from 'node:v8';

const INTERRUPT_BUDGET = 8 * 66 * 1024;

// Only on V8 11 (Node 20), where it was measured: V8 13 (Node 24) no longer has the flag and
// prints 'Error: unrecognized flag' on stderr for it; V8 12 (Node 22) was not measured.
/** Raises V8's interrupt budget for the rest of the process and the worker threads it starts. */
export function raiseInterruptBudget(): void {
  const measured = Number(process.versions.v8.split('.')[0]) <= 11;
  const given = [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].some((arg) => /interrupt[-_]budget/.test(arg));
  if (measured && !given) v8.setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}
