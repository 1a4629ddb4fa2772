// Entry of the worker threads that hash files for a run (hash-in-threads.ts).
import { serveJobs } from '../../pool/serve-jobs.ts';
import { hashFileSync } from './hash-file.ts';
import type { HashAnswer } from './hash-in-threads.ts';

serveJobs<string, HashAnswer>(
  (file) => ({ hash: hashFileSync(file) }),
  (error) => ({ message: error instanceof Error ? error.message : String(error), code: (error as NodeJS.ErrnoException)?.code }),
);
