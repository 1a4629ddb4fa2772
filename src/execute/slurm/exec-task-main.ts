#!/usr/bin/env node
// The entry a Slurm job runs: `node exec-task-main.js [--batch] FILE`, the same as
// `sluice exec-task`, without loading the rest of the command line (measured: about 0.1 s of
// CPU less per task, which is most of sluice's cost per array task).
import { runExecTaskCommand } from './exec-task-command.ts';

process.exitCode = await runExecTaskCommand(process.argv.slice(2));
