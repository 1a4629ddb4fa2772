import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import { PLAIN, chooseColours } from '../../src/report/choose-colours.ts';
import { createProgressLine, formatProgress, formatPlainProgress } from '../../src/report/progress-line.ts';

// The width a text takes on a terminal: without colour codes.
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

const COLOURED = chooseColours({ isTTY: true }, { TERM: 'xterm' });
const progress = { total: 123_456, done: 61_000, running: 16, failed: 1234, elapsedMs: 3_723_000 };

it('fits every width, coloured or not, and says as much as fits', () => {
  for (const colours of [PLAIN, COLOURED]) {
    for (let width = 1; width <= 200; width++) {
      const line = formatProgress(progress, width, colours);
      assert.ok(visibleLength(line) <= width, `${width}: ${line}`);
    }
  }
  assert.equal(formatProgress(progress, 200, PLAIN), 'sluice: 50% 62234/123456 done, 16 running, 1234 failed, 1h02m elapsed, ETA 1h01m');
  assert.equal(formatProgress(progress, 39, PLAIN), '50% 62234/123456 ✗1234 1h02m ETA 1h01m');
  assert.equal(formatProgress(progress, 20, PLAIN), '50% 62234/123456 ✗12');
});

it('honours NO_COLOR and FORCE_COLOR, FORCE_COLOR first', () => {
  assert.equal(chooseColours({ isTTY: true }, { NO_COLOR: '1' }).enabled, false);
  assert.equal(chooseColours({ isTTY: true }, { NO_COLOR: '' }).enabled, true);
  assert.equal(chooseColours({ isTTY: false }, { FORCE_COLOR: '1' }).enabled, true);
  assert.equal(chooseColours({ isTTY: true }, { FORCE_COLOR: '0' }).enabled, false);
  assert.equal(chooseColours({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' }).enabled, true);
  assert.equal(chooseColours({ isTTY: true }, { TERM: 'dumb' }).enabled, false);
  assert.equal(chooseColours({ isTTY: false }, {}).enabled, false);
});

it('off a terminal, the plain line is as before', () => {
  assert.equal(formatPlainProgress({ total: 10, done: 3, running: 2, failed: 0, elapsedMs: 3000 }), 'sluice: 3 done, 2 running, 0 failed, 10 total, ETA 7s');
});

it('counts the settled tasks of a narrowed plan as done, in the total', () => {
  const written: string[] = [];
  const err = Object.assign(new Writable({ write: (chunk, _encoding, done) => (written.push(String(chunk)), done()) }), { isTTY: true, columns: 100 });
  const line = createProgressLine({ err, colours: PLAIN });
  const task = { id: 10, step: 'copy', action: { kind: 'argv', argv: ['true'] }, inputs: [], outputs: [], cwd: '/', resources: { cpus: 1, retries: 0 } } as const;
  line.onRunStarted?.([task], { count: 9, steps: [['copy', 9]] });
  line.onRunEnded?.({ total: 10, counts: { pending: 0, 'up to date': 9, running: 0, retrying: 0, succeeded: 1, failed: 0, cancelled: 0, 'not run': 0 }, startedAt: 0, endedAt: 0, interrupted: false, failures: [] });
  assert.match(written.join(''), /sluice: 90% 9\/10 done, 0 running, 0 failed/);
});
