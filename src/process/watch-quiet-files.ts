// The no-output limit of the spawn launcher's tasks. The python helper looks at a task's files on
// its own timer (libexec/sluice-launcher.py, `quiet`); without it, a timer of sluice's does the
// same: a change of size or modification time is output, dated when seen, so a task is never
// found silent for less than its limit, and at most a tenth of it (at most 1 s) longer.
import fs from 'node:fs';

/** Calls `onSilent` once, when none of `files` changed for `limitMs`; returns what stops watching. */
export function watchQuietFiles(files: readonly string[], limitMs: number, onSilent: () => void): () => void {
  const every = Math.max(20, Math.min(1000, limitMs / 10));
  let marks = files.map(markFile);
  let since = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const seen = files.map(markFile);
    if (seen.some((mark, index) => mark !== marks[index])) {
      marks = seen;
      since = now;
    } else if (now - since >= limitMs) {
      clearInterval(timer);
      onSilent();
    }
  }, every);
  return () => clearInterval(timer);
}

function markFile(file: string): string {
  try {
    const info = fs.statSync(file, { bigint: true });
    return `${info.size}:${info.mtimeNs}`;
  } catch {
    return '';
  }
}
