#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { SluiceError } from '../errors.ts';
import { defineMapCommand } from './map-command.ts';
import { defineRunCommand } from './run-command.ts';
import { defineStatusCommand } from './status-command.ts';
import { defineCleanCommand } from './clean-command.ts';
import { defineReportCommand } from './report-command.ts';
import { runExecTaskCommand } from '../execute/slurm/exec-task-command.ts';

/** Runs the command line and returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('sluice')
    .description('Run scripts and programs over many files, as reproducible pipelines, on every core.')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError('(add --help for usage)');
  defineMapCommand(program, (code) => (exitCode = code));
  defineRunCommand(program, (code) => (exitCode = code));
  defineStatusCommand(program, (code) => (exitCode = code));
  defineCleanCommand(program, (code) => (exitCode = code));
  defineReportCommand(program, (code) => (exitCode = code));
  // What a Slurm job runs on a compute node (the job script calls exec-task-main.js directly).
  program
    .command('exec-task', { hidden: true })
    .argument('<args...>')
    .allowUnknownOption()
    .action(async (args: string[]) => {
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
    if (error instanceof SluiceError) {
      process.stderr.write(`sluice: ${error.message}\n`);
      return error.exitStatus;
    }
    throw error;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
