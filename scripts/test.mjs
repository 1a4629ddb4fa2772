#!/usr/bin/env node
// Runs the tests (`npm test`, after the type check): every test file under test/*/, two at a
// time, with a temp folder of their own (TMPDIR) that is removed when they end. The tests make
// a folder for each project they run sluice in, and a failed or killed test leaves its own:
// without this, each `npm test` left ~550 folders (~140 MB) in /tmp. Arguments naming test files
// run those alone (`npm test -- test/cli/run.test.ts`); the others go to `node --test` (`npm test
// -- --test-name-pattern=kept`).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TESTS = path.join(ROOT, 'test');

const args = process.argv.slice(2);
const named = args.filter((arg) => arg.endsWith('.test.ts'));
const options = args.filter((arg) => !arg.endsWith('.test.ts'));
// test/*/*.test.ts, as the shell would expand it (Node 20's --test takes no glob).
const all = fs
  .readdirSync(TESTS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) => fs.readdirSync(path.join(TESTS, folder.name)).filter((name) => name.endsWith('.test.ts')).map((name) => path.join('test', folder.name, name)))
  .sort();
const files = named.length > 0 ? named : all;

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-tests-'));
// As /tmp is: some tests run sluice as another user (`nobody`, to be refused a read as root is not).
fs.chmodSync(temp, 0o1777);
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...options, ...files], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: temp },
});
// A signal to this process goes on to the tests (Ctrl-C reaches both); their folder is removed
// once they ended.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
let code;
let signal;
try {
  [code, signal] = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (...end) => resolve(end));
  });
} finally {
  try {
    fs.rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
  } catch (error) {
    process.stderr.write(`could not remove the tests' temp folder ${temp}: ${error.message}\n`);
  }
}
process.exitCode = code ?? (signal === null ? 1 : 128 + os.constants.signals[signal]);
