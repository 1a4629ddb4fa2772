// The last recorded success of tasks, read in one query: lean for the up-to-date check of every
// task, whole for the few that changed and for status.

import type { StateStore } from '../store/open-store.ts';
import { selectByKeys } from '../store/select-by-keys.ts';

export interface RecordedOutput {
  /** As the task names it. */
  readonly path: string;
  /** `size:mtimeNs:inode` after the success (stat-file.ts `stampOf`). */
  readonly stamp: string;
}

export interface SuccessRecord {
  readonly key: string;
  readonly step: string;
  readonly signature: string;
  readonly inputsHash: string;
  readonly actionHash: string;
  readonly paramsHash: string;
  readonly envHash: string;
  readonly inputs: ReadonlyArray<readonly [path: string, hash: string | null]>;
  readonly outputs: readonly RecordedOutput[];
  readonly runId: string;
  /** Epoch ms. */
  readonly finishedAt: number;
  readonly durationMs: number;
}

/** Just enough to confirm a task is up to date: its signature and its outputs' stamps. */
export interface SuccessStamp {
  readonly signature: string;
  /** `stampOf` of each output, in task order, '|'-joined. */
  readonly outputsStamp: string;
  /** What a full check learned (freshness/task-stamps.ts); null when not known. */
  readonly definition: string | null;
  readonly stamps: Uint8Array | null;
}

interface SuccessRow {
  task_key: string;
  step: string;
  signature: string;
  inputs_hash: string;
  action_hash: string;
  params_hash: string;
  env_hash: string;
  input_hashes: string;
  outputs: string;
  outputs_stamp: string;
  run_id: string;
  finished_at: number;
  duration_ms: number;
}

/** The stamps of the given task keys (and, for a large batch, maybe of other tasks too). */
export function readSuccessStamps(store: StateStore, keys: readonly string[]): Map<string, SuccessStamp> {
  const query = { columns: 'task_key, signature, outputs_stamp, definition, stamps', table: 'task_successes', key: 'task_key' };
  const rows = selectByKeys(store, query, keys) as Array<[string, string, string, string | null, Uint8Array | null]>;
  const stamps = new Map<string, SuccessStamp>();
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i] as [string, string, string, string | null, Uint8Array | null];
    stamps.set(row[0], { signature: row[1], outputsStamp: row[2], definition: row[3], stamps: row[4] });
  }
  return stamps;
}

/** What a full check learned of a task's success (freshness/task-stamps.ts), when it did. */
export interface LearnedSuccess {
  readonly definition: string;
  readonly stamps: Uint8Array;
}

/** Learned successes by task key (readLearnedStamps). */
export interface LearnedLookup {
  get(key: string): LearnedSuccess | undefined;
}

/**
 * The learned stamps of the given task keys that have them (and, for a large batch, maybe of
 * other tasks too): the stamp check reads only these two columns of every task, and the whole
 * stamp (readSuccessStamps) only of the tasks it could not confirm.
 */
export function readLearnedStamps(store: StateStore, keys: readonly string[]): LearnedLookup {
  const query = { columns: 'task_key, definition, stamps', table: 'task_successes', key: 'task_key' };
  return createLearnedLookup(selectByKeys(store, query, keys) as LearnedRow[]);
}

type LearnedRow = [key: string, definition: string | null, stamps: Uint8Array | null];

/**
 * Rows come in key order (the scan of the table's covering index), and a step's tasks mostly
 * ask in that order too (planned from sorted inputs): each key is then the next row's, found
 * without a Map of 10,000 keys and an object per row that a full check keeps alive while it
 * stats. Asked out of order, the key is found through a Map of every row, made once, and the
 * walk goes on from there.
 */
export function createLearnedLookup(rows: readonly LearnedRow[]): LearnedLookup {
  let next = 0;
  let byKey: Map<string, number> | undefined;
  const learnedAt = (index: number): LearnedSuccess | undefined => {
    const row = rows[index] as LearnedRow;
    return row[1] === null || row[2] === null ? undefined : { definition: row[1], stamps: row[2] };
  };
  return {
    get(key) {
      if (next < rows.length && (rows[next] as LearnedRow)[0] === key) return learnedAt(next++);
      if (byKey === undefined) {
        byKey = new Map();
        for (let i = 0; i < rows.length; i += 1) byKey.set((rows[i] as LearnedRow)[0], i);
      }
      const index = byKey.get(key);
      if (index === undefined) return undefined;
      next = index + 1;
      return learnedAt(index);
    },
  };
}

export function readSuccesses(store: StateStore, keys: readonly string[]): Map<string, SuccessRecord> {
  const rows = store
    .statement(`SELECT * FROM task_successes WHERE task_key IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(keys)) as SuccessRow[];
  const records = new Map<string, SuccessRecord>();
  for (const row of rows) records.set(row.task_key, toRecord(row));
  return records;
}

function toRecord(row: SuccessRow): SuccessRecord {
  const paths = JSON.parse(row.outputs) as string[];
  const stamps = row.outputs_stamp.split('|');
  return {
    key: row.task_key,
    step: row.step,
    signature: row.signature,
    inputsHash: row.inputs_hash,
    actionHash: row.action_hash,
    paramsHash: row.params_hash,
    envHash: row.env_hash,
    inputs: JSON.parse(row.input_hashes) as Array<[string, string | null]>,
    outputs: paths.map((path, i) => ({ path, stamp: stamps[i] ?? '' })),
    runId: row.run_id,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
  };
}
