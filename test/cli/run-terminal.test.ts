// sluice on a real terminal (util-linux `script` gives it a pseudo-terminal of a chosen width):
// a progress line that fits the width, and colours for what succeeded, failed or was up to date.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { quoteArgv } from '../../src/kernel/quote-argv.ts';
import { makeTempDir, REPO, runSluice } from '../helpers/run-sluice.ts';

const hasScript = spawnSync('script', ['--version']).status === 0;
const skip = hasScript ? false : 'util-linux `script` is not installed';
const SLUICE = [process.execPath, '--import', path.join(REPO, 'node_modules/tsx/dist/loader.mjs'), path.join(REPO, 'src/cli/main.ts')];
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

function project(): string {
  const dir = makeTempDir('sluice-terminal-');
  fs.mkdirSync(path.join(dir, 'data'));
  for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) fs.writeFileSync(path.join(dir, 'data', `${n}.txt`), `${n}\n`);
  fs.writeFileSync(
    path.join(dir, 'pipeline.ts'),
    `import { pipeline, step, sh } from 'sluice';
export default pipeline({
  copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: sh('sleep 0.4; [ {n} != c ] || exit 5; cp {in} {out}') }),
});`,
  );
  return dir;
}

/** Runs sluice under a pseudo-terminal `columns` wide; returns everything the terminal received. */
function onTerminal(args: readonly string[], cwd: string, columns: number, env: Record<string, string | undefined> = {}): { status: number | null; screen: string } {
  const command = `stty cols ${columns} rows 30; exec ${quoteArgv([...SLUICE, ...args])}`;
  const result = spawnSync('script', ['-qfec', command, '/dev/null'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
  });
  return { status: result.status, screen: result.stdout };
}

/** The progress line as each redraw left it: the text after each `\r\x1b[K`, up to the next \r or \n. */
function progressDraws(screen: string): string[] {
  return screen
    .split('\r\x1b[K')
    .slice(1)
    .map((part) => part.split(/[\r\n]/)[0] as string)
    .filter((draw) => draw !== '');
}

describe('sluice run on a terminal', { skip }, () => {
  for (const columns of [40, 120]) {
    it(`draws a progress line that fits ${columns} columns, with percentage, elapsed time and ETA`, () => {
      const dir = project();
      const { status, screen } = onTerminal(['run', '-j', '1', '--keep-going'], dir, columns);
      assert.equal(status, 1, screen);
      const draws = progressDraws(screen);
      assert.ok(draws.length > 0, screen);
      for (const draw of draws) {
        const visible = draw.replace(ANSI, '');
        assert.ok(visible.length < columns, `a progress line of ${visible.length} columns on a terminal of ${columns}: ${JSON.stringify(visible)}`);
      }
      const plain = draws.map((draw) => draw.replace(ANSI, ''));
      assert.ok(plain.some((draw) => /\b\d{1,3}% \d+\/6\b/.test(draw)), plain.join('\n'));
      assert.ok(plain.some((draw) => /ETA \d+s/.test(draw)), plain.join('\n'));
      if (columns >= 120) assert.ok(plain.some((draw) => /^sluice: \d+% \d\/6 done, \d running, \d failed, \d+s elapsed/.test(draw)), plain.join('\n'));
      // Nothing but the live line is ever redrawn: the screen holds the failure report and the summary once.
      assert.equal(screen.match(/tasks: /g)?.length, 1, screen);
    });
  }

  it('colours succeeded, failed and up to date; NO_COLOR turns colour off', () => {
    const dir = project();
    const first = onTerminal(['run', '-j', '2', '--keep-going'], dir, 120);
    assert.equal(first.status, 1, first.screen);
    assert.match(first.screen, /\x1b\[32m5 succeeded\x1b\[39m/);
    assert.match(first.screen, /\x1b\[31m1 failed\x1b\[39m/);
    assert.match(first.screen, /\x1b\[31m✗\x1b\[39m \x1b\[31mcopy\[n=c\]\x1b\[39m exit code 5/);
    fs.writeFileSync(path.join(dir, 'data', 'c.txt'), 'fixed\n');
    fs.writeFileSync(path.join(dir, 'pipeline.ts'), fs.readFileSync(path.join(dir, 'pipeline.ts'), 'utf8').replace('[ {n} != c ] || exit 5; ', ''));
    onTerminal(['run'], dir, 120);
    const again = onTerminal(['run'], dir, 120);
    assert.equal(again.status, 0, again.screen);
    assert.match(again.screen, /\x1b\[36m6 up to date\x1b\[39m/);

    const bare = project();
    const plain = onTerminal(['run', '-j', '2', '--keep-going'], bare, 120, { NO_COLOR: '1' });
    assert.equal(plain.status, 1, plain.screen);
    assert.doesNotMatch(plain.screen, /\x1b\[\d*m/, 'no colour with NO_COLOR');
    assert.match(plain.screen, /\r\x1b\[K/, 'the live line is still drawn');
  });

  it('off a terminal: no control codes, unless FORCE_COLOR asks for colour (and then only colour)', async () => {
    const dir = project();
    const piped = await runSluice(['run', '-j', '2', '--keep-going'], { cwd: dir, env: { NO_COLOR: undefined, FORCE_COLOR: undefined } });
    assert.equal(piped.code, 1, piped.stderr);
    assert.doesNotMatch(piped.stderr, /[\x1b\r]/);
    assert.match(piped.stderr, /^✗ copy\[n=c\] exit code 5$/m);

    const forced = await runSluice(['run', '--keep-going'], { cwd: project(), env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    assert.equal(forced.code, 1, forced.stderr);
    assert.match(forced.stderr, /\x1b\[31m1 failed\x1b\[39m/);
    assert.doesNotMatch(forced.stderr, /\r/, 'no live line off a terminal');
  });
});
