// The last recorded success of tasks, read in one query.

import type { StateStore } from './open-store.ts';

export interface RecordedOutput {
  /** As the task names it. */
  readonly path: string;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly inode: bigint;
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
  run_id: string;
  finished_at: number;
  duration_ms: number;
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
  const outputs = (JSON.parse(row.outputs) as Array<[string, string, string, string]>).map(
    ([path, size, mtimeNs, inode]) => ({ path, size: BigInt(size), mtimeNs: BigInt(mtimeNs), inode: BigInt(inode) }),
  );
  return {
    key: row.task_key,
    step: row.step,
    signature: row.signature,
    inputsHash: row.inputs_hash,
    actionHash: row.action_hash,
    paramsHash: row.params_hash,
    envHash: row.env_hash,
    inputs: JSON.parse(row.input_hashes) as Array<[string, string | null]>,
    outputs,
    runId: row.run_id,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
  };
}
