import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';
import { quoteArgv } from '../../src/kernel/quote-argv.ts';
import { makeTempDir, REPO } from '../helpers/run-sluice.ts';

const hasScript = spawnSync('script', ['--version']).status === 0;

// util-linux's `script` gives sluice a real terminal, as a user at a shell has.
it('draws a live progress line on a terminal, and erases it before task output', { skip: hasScript ? false : 'util-linux `script` is not installed' }, () => {
  const cwd = makeTempDir();
  const sluice = [process.execPath, '--import', path.join(REPO, 'node_modules/tsx/dist/loader.mjs'), path.join(REPO, 'src/cli/main.ts')];
  const command = quoteArgv([...sluice, 'map', '-j', '2', '--', 'sh', '-c', 'sleep 0.4; echo "out $1"', 'sh', ':::', '1', '2', '3', '4']);
  const result = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const screen = result.stdout;
  assert.match(screen, /\r\x1b\[K(?:\x1b\[\d+m)?sluice: \d+% (?:\x1b\[\d+m)?\d\/4 done(?:\x1b\[\d+m)?, \d+ running, 0 failed/);
  assert.match(screen, /ETA \d+s/);
  // Every task line starts on a cleared line, never glued to the progress text.
  for (const line of ['out 1', 'out 2', 'out 3', 'out 4']) assert.match(screen, new RegExp(`(\\r\\x1b\\[K|\\n)${line}\\r?\\n`));
  assert.match(screen.replace(/\x1b\[\d+m/g, ''), /sluice: 4 tasks: 4 succeeded in/);
});
