import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';

// `.sluice/slurm/jobs.jsonl`: every job sluice submitted and has not yet seen the end of, so a
// sluice started again after a crash picks up jobs still queued or running instead of
// submitting their tasks twice. Appended to as jobs go out and end (one sluice per folder holds
// the run lock, so there is one writer); rewritten with the live entries when a run starts.

export interface LedgerEntry {
  /** The task's identity across runs (state/task-key). */
  readonly key: string;
  /** `1234` or `1234_7`. */
  readonly job: string;
  /** Absolute path of the task file the job runs. */
  readonly taskFile: string;
  readonly runId: string;
  readonly submittedAt: number;
}

/** A job seen to end, for one task (an array job may run several tasks one after the other). */
export type LedgerEnd = Pick<LedgerEntry, 'key' | 'job'>;

type Line = { readonly op: 'submit'; readonly entry: LedgerEntry } | ({ readonly op: 'end' } & LedgerEnd);

export interface JobLedger {
  /** Jobs not yet seen to end, by task key. */
  readonly live: ReadonlyMap<string, LedgerEntry>;
  submitted(entries: readonly LedgerEntry[]): void;
  ended(ends: readonly LedgerEnd[]): void;
  /** Rewrites the file with the live entries only. */
  compact(): void;
}

export function openJobLedger(file: string): JobLedger {
  const live = new Map<string, LedgerEntry>();
  const end = ({ key, job }: LedgerEnd): void => {
    if (live.get(key)?.job === job) live.delete(key);
  };
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    // No ledger yet.
  }
  for (const raw of text.split('\n')) {
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue; // the torn last line of a crash, or an empty one
    }
    if (line.op === 'submit') live.set(line.entry.key, line.entry);
    else if (line.op === 'end') end(line);
  }
  const append = (lines: readonly Line[]): void => {
    if (lines.length === 0) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  };
  return {
    live,
    submitted(entries) {
      for (const entry of entries) live.set(entry.key, entry);
      append(entries.map((entry) => ({ op: 'submit', entry })));
    },
    ended(ends) {
      for (const each of ends) end(each);
      append(ends.map(({ key, job }) => ({ op: 'end', key, job })));
    },
    compact() {
      const lines = [...live.values()].map((entry) => `${JSON.stringify({ op: 'submit', entry })}\n`);
      writeFileAtomically(file, lines.join(''), { makeFolder: true });
    },
  };
}
