import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PLAIN, chooseColours } from '../../src/report/choose-colours.ts';
import { formatProgress, formatPlainProgress } from '../../src/report/progress-line.ts';

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
