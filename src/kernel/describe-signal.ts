// What a signal usually means to someone reading a failure, e.g. "SIGSEGV (segmentation fault)".
import { constants } from 'node:os';

const meanings: Readonly<Record<string, string>> = {
  SIGHUP: 'hangup',
  SIGINT: 'interrupted',
  SIGQUIT: 'quit',
  SIGILL: 'illegal instruction',
  SIGTRAP: 'trace trap',
  SIGABRT: 'aborted',
  SIGIOT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'arithmetic error',
  SIGKILL: 'killed',
  SIGUSR1: 'user signal 1',
  SIGSEGV: 'segmentation fault',
  SIGUSR2: 'user signal 2',
  SIGPIPE: 'broken pipe',
  SIGALRM: 'alarm clock',
  SIGTERM: 'terminated',
  SIGSTKFLT: 'stack fault',
  SIGCHLD: 'child status changed',
  SIGCONT: 'continued',
  SIGSTOP: 'stopped',
  SIGTSTP: 'stopped from the terminal',
  SIGTTIN: 'stopped on terminal input',
  SIGTTOU: 'stopped on terminal output',
  SIGURG: 'urgent socket data',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'file size limit exceeded',
  SIGVTALRM: 'virtual alarm clock',
  SIGPROF: 'profiling timer expired',
  SIGWINCH: 'window size changed',
  SIGIO: 'I/O possible',
  SIGPOLL: 'I/O possible',
  SIGPWR: 'power failure',
  SIGSYS: 'bad system call',
};

/**
 * Accepts a name ('SIGKILL', 'KILL', 'kill') or a number (9). Unknown signals are described by
 * what we know: "SIG77 (signal 77)".
 */
export function describeSignal(signal: string | number): string {
  const name = typeof signal === 'number' ? nameOf(signal) : normalize(signal);
  const number = typeof signal === 'number' ? signal : (constants.signals as Record<string, number>)[name];
  const meaning = meanings[name] ?? (number === undefined ? 'unknown signal' : `signal ${number}`);
  return `${name} (${meaning})`;
}

function normalize(name: string): string {
  const upper = name.trim().toUpperCase();
  return upper.startsWith('SIG') ? upper : `SIG${upper}`;
}

function nameOf(number: number): string {
  for (const [name, value] of Object.entries(constants.signals)) {
    if (value === number) return name;
  }
  return `SIG${number}`;
}
