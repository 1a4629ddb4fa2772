// Function tasks share sluice's process, so the operating system's per-process accounting says
// nothing about one of them: what the worker thread used while the function ran is measured
// on the thread itself.
import fs from 'node:fs';
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import type { TaskUsage } from '../../kernel/task-usage.ts';

export interface UsageMeter {
  /** What the thread used since the meter started. Call once. */
  stop(): TaskUsage | undefined;
}

interface CpuSample {
  /** Microseconds, or (from /proc) the thread's run time in ns and its user/system ticks. */
  readonly user: number;
  readonly system: number;
  readonly runtimeNs?: number;
}

// Node 23.9 and later answer getrusage(RUSAGE_THREAD) themselves (Node 20 does not).
const threadCpuUsage = (process as { threadCpuUsage?: () => { user: number; system: number } }).threadCpuUsage?.bind(process);

/**
 * Starts measuring the calling thread: its CPU time (user and system) while the function runs,
 * and the V8 heap it holds when the function ends. CPU time that Node spends elsewhere for the
 * thread (its libuv thread pool for asynchronous fs, zlib and crypto calls) or in child
 * processes is not counted.
 */
export function startUsageMeter(): UsageMeter {
  const before = readThreadCpu(lastTicks === undefined);
  return {
    stop(): TaskUsage | undefined {
      const after = readThreadCpu(true);
      if (before === undefined || after === undefined) return undefined;
      const cpu = subtractCpu(before, after);
      return { cpuUserUs: cpu.user, cpuSystemUs: cpu.system, heapKb: Math.round(heapHeld(v8.getHeapStatistics()) / 1024) };
    },
  };
}

// The heap the isolate has committed, and the memory of its ArrayBuffers and Buffers. V8 keeps
// its heap grown after a peak until a full collection gives memory back, so this follows the
// function's peak. (Not a true peak: v8.GCProfiler would give the heap before each collection,
// but it keeps a record of every one, hundreds of MB over a long function that allocates much.)
function heapHeld(stats: v8.HeapInfo): number {
  return stats.total_heap_size + ((stats as { external_memory?: number }).external_memory ?? 0);
}

// The thread's user and system ticks when its last meter stopped: where the next meter's window
// for the split starts (see readThreadCpu).
let lastTicks: { readonly user: number; readonly system: number } | undefined;

/**
 * `withTicks`: read the thread's ticks too (/proc/thread-self/stat, some 30 µs a read against 5
 * for schedstat); else the sample carries those of the last meter's stop. Only the split of the
 * precise run time between user and system comes from ticks, and a tick is 1 to 10 ms: a short
 * task sees none in its own window either way, a long one as good as the same ones. So a meter
 * reads the stat file once, as it stops, and the split's window runs from the thread's last task's
 * end (its answer sent, the next job's inputs hashed) to this one's end.
 */
function readThreadCpu(withTicks: boolean): CpuSample | undefined {
  // Linux brings a running thread's CPU time up to date only at a scheduler tick or switch (1 to
  // 10 ms), which a short function ends before: a whole-process getrusage brings the calling
  // thread's up to date too (thread_group_cputime), and costs one system call.
  process.cpuUsage();
  if (threadCpuUsage !== undefined) return threadCpuUsage();
  if (!procReadable) return undefined;
  try {
    // Run time in ns (schedstat) is precise; utime and stime (stat) are whole clock ticks.
    const runtimeNs = fieldAt(readProcFile('/proc/thread-self/schedstat'), 0, 0);
    let ticks = lastTicks;
    if (withTicks || ticks === undefined) {
      // utime and stime: the 12th and 13th fields after the state, which follows the `(name)`.
      const stat = readProcFile('/proc/thread-self/stat');
      const state = stat.lastIndexOf(')') + 2;
      ticks = { user: fieldAt(stat, state, 11), system: fieldAt(stat, state, 12) };
    }
    const sample = { user: ticks.user, system: ticks.system, runtimeNs };
    if (![sample.user, sample.system, runtimeNs].every(Number.isFinite)) throw new Error('unreadable');
    if (withTicks) lastTicks = ticks;
    return sample;
  } catch {
    procReadable = false;
    return undefined;
  }
}

let procReadable = process.platform === 'linux';
const buffer = Buffer.alloc(1024);
// This thread's own files, opened once: an open of /proc/thread-self/... costs several times the
// read (its path is walked, its entry made), and every task reads schedstat twice and stat once. A worker
// thread's descriptors are closed by Node when it exits, even terminated (the Worker's
// trackUnmanagedFds, on by default), so only the main thread opens and closes them each time.
const kept = new Map<string, number>();

function readProcFile(file: string): string {
  let fd = kept.get(file);
  if (fd === undefined && !isMainThread) {
    fd = fs.openSync(file, 'r');
    kept.set(file, fd);
  }
  if (fd !== undefined) return buffer.toString('latin1', 0, fs.readSync(fd, buffer, 0, buffer.length, 0));
  const once = fs.openSync(file, 'r');
  try {
    return buffer.toString('latin1', 0, fs.readSync(once, buffer, 0, buffer.length, 0));
  } finally {
    fs.closeSync(once);
  }
}

// The number in field `index` (0: the one at `from`) of the space-separated `text`, read in place:
// a split would make some fifty strings of the stat line, per read.
function fieldAt(text: string, from: number, index: number): number {
  let start = from;
  for (let skipped = 0; skipped < index; skipped++) {
    const space = text.indexOf(' ', start);
    if (space < 0) return Number.NaN;
    start = space + 1;
  }
  const end = text.indexOf(' ', start);
  return Number(text.slice(start, end < 0 ? text.length : end));
}

function subtractCpu(before: CpuSample, after: CpuSample): { user: number; system: number } {
  const user = Math.max(0, after.user - before.user);
  const system = Math.max(0, after.system - before.system);
  if (before.runtimeNs === undefined || after.runtimeNs === undefined) return { user, system };
  // From /proc: the precise run time split as the ticks split it, as the kernel's getrusage
  // does (cputime_adjust); no tick at all counts as user time.
  const totalUs = Math.max(0, Math.round((after.runtimeNs - before.runtimeNs) / 1000));
  const systemUs = user + system === 0 ? 0 : Math.round((totalUs * system) / (user + system));
  return { user: totalUs - systemUs, system: systemUs };
}
