// A signal while sluice loads or plans (here: a dry run of a pipeline whose top-level await takes a
// while) ends it with exit 130, "interrupted", as SPEC says, not by the signal itself (exit 143
// for SIGTERM); no lock is left behind and the next command works.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice, startSluice, waitFor } from '../helpers/run-sluice.ts';

describe('a signal before any task runs', () => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`exits 130 on ${signal} during a dry run's loading`, async () => {
      const dir = makeTempDir('sluice-signal-');
      fs.mkdirSync(path.join(dir, 'data'));
      fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'a\n');
      fs.writeFileSync(
        path.join(dir, 'pipeline.ts'),
        `import fs from 'node:fs';
import { pipeline, step, sh } from 'sluice';
fs.writeFileSync('loading', '');
await new Promise((resolve) => setTimeout(resolve, process.env.SLOW === '1' ? 60_000 : 0));
export default pipeline({ copy: step({ in: 'data/{x}.txt', out: 'o/{x}.txt', run: sh('cp {in} {out}') }) });
`,
      );
      const started = startSluice(['run', '--dry-run'], { cwd: dir, env: { SLOW: '1' } });
      await waitFor(() => fs.existsSync(path.join(dir, 'loading')), 60_000);
      started.child.kill(signal);
      const result = await started.done;
      assert.equal(result.signal, null, `ended by ${result.signal}`);
      assert.equal(result.code, 130, result.stderr);
      assert.match(result.stderr, /sluice: interrupted/);
      assert.equal(fs.existsSync(path.join(dir, '.sluice', 'lock')), false);
      const dry = await runSluice(['run', '--dry-run'], { cwd: dir });
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /cp data\/a\.txt o\/a\.txt/);
    });
  }
});
