import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

// Every --help fits 80 columns and its paragraphs are filled evenly. Before, descriptions carried
// their own line breaks at ~95 columns, which the help formatter wrapped again at 80: "out of" /
// "date, on every core", "from ::: arguments," / "or from standard input", and the exit statuses
// ran to 94 columns.

const COMMANDS = [[], ['map'], ['run'], ['check'], ['status'], ['clean'], ['report']];

describe('--help layout', { concurrency: 2 }, () => {
  for (const command of COMMANDS) {
    it(`sluice ${command.join(' ')} --help: no line past 80 columns, no ragged paragraph`, async () => {
      const result = await runSluice([...command, '--help'], { cwd: makeTempDir() });
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.split('\n');
      for (const line of lines) assert.ok(line.length <= 80, `${line.length} columns: ${line}`);
      // The description: the paragraph after "Usage:"; each line but its last is filled (the
      // next line's first word would not have fitted on it).
      const start = lines.findIndex((line) => line.startsWith('Usage:')) + 2;
      const end = lines.findIndex((line, index) => index >= start && line === '');
      // (none when the command has only a summary: the next lines are a section, "Arguments:")
      const paragraph = lines[start]?.endsWith(':') === true ? [] : lines.slice(start, end);
      for (let i = 0; i + 1 < paragraph.length; i += 1) {
        const next = (paragraph[i + 1] as string).split(' ')[0] as string;
        assert.ok((paragraph[i] as string).length + 1 + next.length > 80, `ragged: "${paragraph[i]}" / "${paragraph[i + 1]}"`);
      }
    });
  }
});

// Before: commander's own "error: unknown option '--nosuch'", unlike every other message.
describe('usage errors', { concurrency: 2 }, () => {
  for (const args of [['run', '--nosuch'], ['status', '--confg', 'x'], ['nosuchcommand'], ['map', '-j']]) {
    it(`sluice ${args.join(' ')}: one message in sluice's voice, exit 2`, async () => {
      const result = await runSluice(args, { cwd: makeTempDir() });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^sluice: (unknown option|unknown command|option .* argument missing)/);
      assert.doesNotMatch(result.stderr, /^error:/m);
    });
  }
});
