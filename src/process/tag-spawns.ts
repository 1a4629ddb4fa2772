// On a worker thread: every process started from it carries the thread's tag in its environment
// and is counted in the ledger the pool reads (spawn-ledger.ts). All of child_process's spawn,
// exec, execFile and fork, and streamLines, go through ChildProcess.prototype.spawn, which each
// thread has its own copy of; the synchronous ones are wrapped one by one. Each process starts
// detached, in a process group (and session) of its own, as a command task and streamLines do: a
// signal it sends its group (`kill 0`, a script's `trap 'kill 0' EXIT`) never reaches sluice, nor
// the shell or `| tee` that share sluice's group.
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
  const prototype = ChildProcess.prototype as unknown as { spawn(options: { envPairs?: unknown; detached?: boolean }): unknown };
  const spawn = prototype.spawn;
  prototype.spawn = function (this: ChildProcess, options) {
    // The environment as the program gets it, also when the caller gave one of its own.
    if (Array.isArray(options?.envPairs)) tagEnvPairs(options.envPairs as string[], tag);
    if (options !== null && typeof options === 'object') options.detached = true;
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

// The options of a synchronous call (the first plain object after the command, or one added
// after the arguments) made detached, with the tag added to the environment it gives; without
// one, the thread's environment carries the tag.
function tagOptions(args: unknown[], tag: string): unknown[] {
  const found = args.findIndex((arg, index) => index > 0 && arg !== null && typeof arg === 'object' && !Array.isArray(arg));
  const at = found > 0 ? found : Array.isArray(args[1]) ? 2 : 1;
  const options = (args[at] ?? {}) as { env?: Record<string, string | undefined> | null };
  const tagged = [...args];
  const env = options.env === undefined || options.env === null || typeof options.env !== 'object' ? {} : { env: { ...options.env, [SPAWNED_BY]: addTag(options.env[SPAWNED_BY], tag) } };
  tagged[at] = { ...options, ...env, detached: true };
  return tagged;
}
