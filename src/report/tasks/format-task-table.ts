// `sluice report --tasks FILE.tsv`: one line per task of a run, with what its last attempt used,
// for a spreadsheet, R or pandas (`read_tsv`/`read_csv(sep='\t')`) to compare runs.
import { readFunctionCommand } from '../../kernel/function-command.ts';
import type { AttemptRecord } from '../../state/journal/read-history.ts';

/** The columns, in order; units in the names: seconds and KiB. */
export const TASK_TABLE_COLUMNS = [
  'step',
  'wildcards',
  'status',
  'attempt',
  'start',
  'wall_s',
  'cpu_user_s',
  'cpu_sys_s',
  'max_rss_kib',
  'exit',
  'heap_kib',
  'signal',
  'target',
] as const;

const UNKNOWN = '-';
// As tasks are named elsewhere (plan/name-task.ts): a value that would not read as one plain
// word on one line is quoted as JSON.
const PLAIN_VALUE = /^[^\s,=[\]"\\\p{Cc}]+$/u;

/**
 * The table as text: a header line, then one line per task that has an attempt in the run (its
 * last attempt), in the order they started; `attempts` are of one run, or of its rounds in order.
 * Fields are tab-separated; a tab, newline, carriage return or backslash inside one is written
 * `\t`, `\n`, `\r`, `\\`; `-` is unknown.
 */
export function formatTaskTable(attempts: readonly AttemptRecord[]): string {
  // By task key: the rounds of one run (list-run-rounds.ts) number their tasks anew; a later
  // round's attempt of a task comes later in `attempts`.
  const last = new Map<string, AttemptRecord>();
  for (const attempt of attempts) {
    const seen = last.get(attempt.taskKey);
    if (seen === undefined || seen.runId !== attempt.runId || attempt.attempt > seen.attempt) last.set(attempt.taskKey, attempt);
  }
  const rows = [...last.values()].sort((a, b) => a.startedAt - b.startedAt || a.taskId - b.taskId);
  const lines = [TASK_TABLE_COLUMNS.join('\t'), ...rows.map((row) => formatRow(row).map(escapeField).join('\t'))];
  return `${lines.join('\n')}\n`;
}

function formatRow(record: AttemptRecord): string[] {
  const fields: Record<(typeof TASK_TABLE_COLUMNS)[number], string> = {
    step: record.step,
    wildcards: formatWildcards(record.wildcards),
    status: record.state,
    attempt: String(record.attempt),
    start: new Date(record.startedAt).toISOString(),
    wall_s: record.finishedAt === null ? UNKNOWN : (Math.max(0, record.finishedAt - record.startedAt) / 1000).toFixed(3),
    cpu_user_s: record.cpuUserUs === null ? UNKNOWN : (record.cpuUserUs / 1e6).toFixed(6),
    cpu_sys_s: record.cpuSystemUs === null ? UNKNOWN : (record.cpuSystemUs / 1e6).toFixed(6),
    max_rss_kib: record.maxRssKb === null ? UNKNOWN : String(record.maxRssKb),
    // A function step has no process: the 1 recorded for a throw is no exit code.
    exit: record.exitCode === null || readFunctionCommand(record.command) !== undefined ? UNKNOWN : String(record.exitCode),
    heap_kib: record.heapKb === null ? UNKNOWN : String(record.heapKb),
    signal: record.signal ?? UNKNOWN,
    target: readTarget(record.taskKey) ?? UNKNOWN,
  };
  return TASK_TABLE_COLUMNS.map((column) => fields[column]);
}

function formatWildcards(wildcards: Readonly<Record<string, string>> | null): string {
  const entries = Object.entries(wildcards ?? {});
  if (entries.length === 0) return UNKNOWN;
  return entries.map(([key, value]) => `${key}=${PLAIN_VALUE.test(value) ? value : JSON.stringify(value)}`).join(', ');
}

function escapeField(field: string): string {
  return field.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

// The task key (state/freshness/task-key.ts) is JSON [step, outputs] or [step, [], inputs]:
// the first output names the task, or its first input when it has none.
function readTarget(key: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(key);
    if (!Array.isArray(parsed)) return undefined;
    const [, outputs, inputs] = parsed as [unknown, unknown, unknown];
    const first = Array.isArray(outputs) && outputs.length > 0 ? outputs[0] : Array.isArray(inputs) ? inputs[0] : undefined;
    return typeof first === 'string' ? first : undefined;
  } catch {
    return undefined;
  }
}
