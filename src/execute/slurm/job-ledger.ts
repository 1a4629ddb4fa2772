import fs from 'node:fs';
import path from 'node:path';

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

type Line = { readonly op: 'submit'; readonly entry: LedgerEntry } | { readonly op: 'end'; readonly job: string };

export interface JobLedger {
  /** Jobs not yet seen to end, by task key. */
  readonly live: ReadonlyMap<string, LedgerEntry>;
  submitted(entries: readonly LedgerEntry[]): void;
  ended(jobs: readonly string[]): void;
  /** Rewrites the file with the live entries only. */
  compact(): void;
}

export function openJobLedger(file: string): JobLedger {
  const live = new Map<string, LedgerEntry>();
  const keyOfJob = new Map<string, string>();
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
    if (line.op === 'submit') {
      live.set(line.entry.key, line.entry);
      keyOfJob.set(line.entry.job, line.entry.key);
    } else if (line.op === 'end') {
      const key = keyOfJob.get(line.job);
      if (key !== undefined && live.get(key)?.job === line.job) live.delete(key);
    }
  }
  const append = (lines: readonly Line[]): void => {
    if (lines.length === 0) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  };
  return {
    live,
    submitted(entries) {
      for (const entry of entries) {
        live.set(entry.key, entry);
        keyOfJob.set(entry.job, entry.key);
      }
      append(entries.map((entry) => ({ op: 'submit', entry })));
    },
    ended(jobs) {
      for (const job of jobs) {
        const key = keyOfJob.get(job);
        if (key !== undefined && live.get(key)?.job === job) live.delete(key);
        keyOfJob.delete(job);
      }
      append(jobs.map((job) => ({ op: 'end', job })));
    },
    compact() {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, [...live.values()].map((entry) => `${JSON.stringify({ op: 'submit', entry })}\n`).join(''));
      fs.renameSync(temporary, file);
    },
  };
}
