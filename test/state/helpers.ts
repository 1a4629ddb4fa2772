// Shared by the state tests: temp folders, tasks, attempt outcomes, and files with controlled times.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { AttemptOutcome } from '../../src/execute/executor.ts';
import type { Task } from '../../src/kernel/task.ts';
import { createHashCache, type HashCache } from '../../src/state/hashes/hash-cache.ts';
import { hashFile } from '../../src/state/hashes/hash-file.ts';
import type { StateStore } from '../../src/state/store/open-store.ts';

/** A fresh temp folder, removed when the test file ends. */
export function makeTempDir(prefix = 'sluice-state-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a file and sets its mtime an hour back, past the hash cache's racy window. */
export function writeOldFile(file: string, content: string, ageSeconds = 3600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  const when = new Date(Date.now() - ageSeconds * 1000);
  fs.utimesSync(file, when, when);
}

/** A hash cache on `store` that lists the base name of every file it actually reads, in `hashed`. */
export function countingHashCache(store: StateStore): { cache: HashCache; hashed: string[] } {
  const hashed: string[] = [];
  const cache = createHashCache(store, {
    hasher: async (file) => {
      hashed.push(path.basename(file));
      return hashFile(file);
    },
  });
  return { cache, hashed };
}

export function makeTask(overrides: Partial<Task> & Pick<Task, 'cwd'>): Task {
  return {
    id: 1,
    step: 'convert',
    action: { kind: 'argv', argv: ['python3', 'convert.py', 'in.txt', { parts: [{ output: 0 }] }] },
    inputs: ['in.txt'],
    outputs: ['out.txt'],
    resources: { cpus: 1, retries: 0 },
    ...overrides,
  };
}

/** How an attempt ended, as a backend reports it: a success unless `fields` say otherwise. */
export function makeOutcome(fields: Partial<AttemptOutcome> = {}): AttemptOutcome {
  return { status: 'succeeded', exitCode: 0, signal: null, argv: [], startedAt: 0, endedAt: 0, stderrLog: '', stderrTail: [], ...fields };
}
