#!/usr/bin/env node
import './launch-dir.ts';
import fs from 'node:fs';
import nodeModule, { createRequire } from 'node:module';
import path from 'node:path';
import type { Command } from 'commander';
import { classifyFault } from '../classify-fault.ts';
import { BUG_EXIT_STATUS, PlanError, SluiceError } from '../errors.ts';
import { watchClosedOutputs, watchSignals } from './handle-interrupt.ts';
import { PACKAGE_DIR } from '../kernel/locate-code.ts';
import { lastStateDbOpened } from '../state/store/state-errors.ts';

// Node 22.1+ keeps V8's compiled code of the modules a command loads (~60 for a no-op run, loaded
// after this line) in its cache folder between runs; Node 20 has no such cache. Quiet by design:
// it never throws, and NODE_DISABLE_COMPILE_CACHE=1 turns it off.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Required rather than imported: importing a CommonJS package from ESM makes Node wrap it and scan
// its source for export names first (~5 ms of every start, Node 20).
const { Command: CommandClass, CommanderError } = createRequire(import.meta.url)('commander') as typeof import('commander');

type DefineCommand = (program: Command, setExitCode: (code: number) => void) => void;

// Each command's module, in the order help lists them. Only the command being run is loaded
// (all of them for help or a mistyped name): a no-op `sluice run` then does not load map,
// status, clean and the HTML report (~80 M instructions of a cold start).
const COMMANDS: Readonly<Record<string, () => Promise<DefineCommand>>> = {
  map: async () => (await import('./map-command.ts')).defineMapCommand,
  run: async () => (await import('./run-command.ts')).defineRunCommand,
  check: async () => (await import('./check-command.ts')).defineCheckCommand,
  status: async () => (await import('./status-command.ts')).defineStatusCommand,
  clean: async () => (await import('./clean-command.ts')).defineCleanCommand,
  report: async () => (await import('./report-command.ts')).defineReportCommand,
};

const EXIT_STATUS_HELP = `
Exit status:
  0    every task succeeded or was up to date
  1    some task failed; for \`sluice status\`, some task is out of date (as
       make -q); for \`sluice check\` and \`run --check\`, a type error
  2    refused before anything ran: usage, pipeline or plan error, another run
       holds the lock
  3    the environment failed: disk full, damaged state database, .sluice/
       removed during the run, a native module not built, TypeScript not
       installed (check) (the message says what to do; nothing unfinished is
       kept)
  70   a bug in sluice (SLUICE_DEBUG=1 shows where)
  130  interrupted (Ctrl-C, SIGTERM)`;

/** Runs the command line and returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new CommandClass('sluice')
    .description('Run scripts and programs over many files, as reproducible pipelines, on every core.')
    .enablePositionalOptions()
    .exitOverride()
    // Usage errors in sluice's voice: `sluice: unknown option '--nosuch'`, as every other error.
    .configureOutput({ writeErr: (text) => process.stderr.write(text.replace(/^error: /, 'sluice: ')) })
    .showHelpAfterError('(add --help for usage)')
    .version(readVersion(), '-v, --version', 'print the version of sluice')
    .option('-C, --directory <dir>', 'change to DIR before the command, as make -C and git -C')
    .addHelpText('after', EXIT_STATUS_HELP);
  // `sluice -C DIR run` and `sluice run -C DIR`: both before the command's action, so the
  // pipeline file, targets, outputs and .sluice/ resolve against DIR (the second relative to the
  // first, as git does with two -C).
  program.hook('preAction', (_program, command) => {
    for (const options of [program.opts(), command === program ? {} : command.opts()]) {
      if (typeof options['directory'] === 'string') changeDirectory(options['directory']);
    }
  });
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
  for (const name of named) {
    const define = await (COMMANDS[name] as () => Promise<DefineCommand>)();
    define(program, (code) => (exitCode = code));
  }
  // What a Slurm job runs on a compute node (the job script calls exec-task-main.js directly).
  program
    .command('exec-task', { hidden: true })
    .argument('<args...>')
    .allowUnknownOption()
    .action(async (args: string[]) => {
      // Loaded here: only compute nodes need it, every other command would pay for loading it.
      const { runExecTaskCommand } = await import('../execute/slurm/exec-task-command.ts');
      exitCode = await runExecTaskCommand(args);
    });
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' ? 0 : 2;
    }
    return reportError(error);
  }
}

function readVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version?: unknown };
  return String(pkg.version);
}

function changeDirectory(dir: string): void {
  if (fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new PlanError(`Expected \`-C\` to be a folder, got \`${dir}\``);
  }
  process.chdir(dir);
}

/**
 * Prints the one paragraph an error that ended sluice is worth, and returns the exit status.
 * A stack trace only with SLUICE_DEBUG: a user needs what, where and what to do.
 */
function reportError(error: unknown): number {
  const debug = Boolean(process.env['SLUICE_DEBUG']);
  let known: SluiceError | undefined;
  try {
    known = error instanceof SluiceError ? error : classifyFault(error, { dbPath: lastStateDbOpened() });
  } catch {
    // Looking closer failed too: report the error as it is.
  }
  if (known !== undefined) {
    process.stderr.write(`sluice: ${known.message}\n`);
    if (debug) process.stderr.write(`${describeStack(known.cause ?? known)}\n`);
    return known.exitStatus;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(
    `sluice: ${message}\nThis is a bug in sluice. ` +
      (debug ? `Where it happened:\n${describeStack(error)}\n` : 'Run again with SLUICE_DEBUG=1 to see where it happened, and report it.\n'),
  );
  return BUG_EXIT_STATUS;
}

function describeStack(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

// Last resort, for an error thrown where no caller waits (a timer, a stream callback).
const exitWith = (error: unknown): void => {
  process.exitCode = reportError(error);
  process.exit();
};
process.on('uncaughtException', exitWith);
process.on('unhandledRejection', exitWith);
watchClosedOutputs();
watchSignals();

const code = await main(process.argv.slice(2));
process.exitCode = code;
