// On a worker thread: every process started from it carries the thread's tag in its environment
// and is counted in the ledger the pool reads (spawn-ledger.ts). All of child_process's spawn,
// exec, execFile and fork, and streamLines, go through ChildProcess.prototype.spawn, which each
// thread has its own copy of; the synchronous ones are wrapped one by one.
import childProcess, { ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { threadId } from 'node:worker_threads';
import { readLastPid } from './list-processes.ts';
import { addTag, noteSpawning, recordSpawn, SPAWNED_BY, spawnTag } from './spawn-ledger.ts';

let installed: string | undefined;

/** Tags this thread's processes from now on; returns the tag. Idempotent. */
export function tagSpawns(ledger: Int32Array): string {
  if (installed !== undefined) return installed;
  const tag = spawnTag(threadId);
  installed = tag;
  // Inherited by whatever is started with the thread's environment, spawnSync and execSync too.
  process.env[SPAWNED_BY] = addTag(process.env[SPAWNED_BY], tag);
  const prototype = ChildProcess.prototype as unknown as { spawn(options: { envPairs?: unknown }): unknown };
  const spawn = prototype.spawn;
  prototype.spawn = function (this: ChildProcess, options) {
    // The environment as the program gets it, also when the caller gave one of its own.
    if (Array.isArray(options?.envPairs)) tagEnvPairs(options.envPairs as string[], tag);
    noteSpawning(ledger, readLastPid);
    const result = spawn.call(this, options);
    if (this.pid !== undefined) recordSpawn(ledger, this.pid);
    return result;
  };
  const module = childProcess as unknown as Record<'spawnSync' | 'execSync' | 'execFileSync', (...args: unknown[]) => unknown>;
  for (const name of ['spawnSync', 'execSync', 'execFileSync'] as const) {
    const original = module[name];
    module[name] = function (this: unknown, ...args: unknown[]) {
      noteSpawning(ledger, readLastPid);
      return original.apply(this, tagOptions(args, tag));
    };
  }
  // `import { execSync } from 'node:child_process'` sees the wrapped ones.
  syncBuiltinESMExports();
  return tag;
}

function tagEnvPairs(pairs: string[], tag: string): void {
  const key = `${SPAWNED_BY}=`;
  const at = pairs.findIndex((pair) => typeof pair === 'string' && pair.startsWith(key));
  if (at < 0) pairs.push(`${key}${tag}`);
  else pairs[at] = `${key}${addTag((pairs[at] as string).slice(key.length), tag)}`;
}

// The options of a synchronous call (the first plain object after the command) with the tag
// added to the environment it gives; without one, the thread's environment carries the tag.
function tagOptions(args: unknown[], tag: string): unknown[] {
  const at = args.findIndex((arg, index) => index > 0 && arg !== null && typeof arg === 'object' && !Array.isArray(arg));
  const options = args[at] as { env?: Record<string, string | undefined> | null } | undefined;
  if (options?.env === undefined || options.env === null || typeof options.env !== 'object') return args;
  const tagged = [...args];
  tagged[at] = { ...options, env: { ...options.env, [SPAWNED_BY]: addTag(options.env[SPAWNED_BY], tag) } };
  return tagged;
}
