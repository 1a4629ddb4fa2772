import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';

// A second sluice refused by the lock names the running one's command quoted for pasting. Before,
// its words were joined with spaces: `sluice map --in *.txt ... -- sh -c sleep 600; cat "$0"`,
// which a shell reads differently.

describe('the lock held by another run', () => {
  it("names that run's command, quoted as a shell reads it", async () => {
    const dir = makeTempDir('sluice-lock-message-');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    const first = startSluice(['map', '--in', '*.txt', '--out', 'o/{name}', '--', 'sh', '-c', 'touch started; sleep 600; cat "$0"'], { cwd: dir });
    try {
      await waitFor(() => fs.existsSync(path.join(dir, 'started')), 60_000);
      const second = await runSluice(['map', '--in', '*.txt', '--out', 'o/{name}', '--', 'cat'], { cwd: dir });
      assert.equal(second.code, 2, second.stderr);
      assert.ok(
        second.stderr.includes(`command \`sluice map --in '*.txt' --out 'o/{name}' -- sh -c 'touch started; sleep 600; cat "$0"'\``),
        second.stderr,
      );
    } finally {
      first.child.kill('SIGINT');
    }
    assert.equal((await first.done).code, 130);
  });
});
