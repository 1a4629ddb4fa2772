// A file name holding control characters (an escape sequence that clears the screen, a newline)
// must not reach the terminal raw through a failure report, its re-run command or a dry run:
// sluice shows such words in ANSI-C quotes ($'...\x1b...'), which bash reads back as the name.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const NAME = '\u001b[2J\u001b[31mred\nline.txt';
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('control characters in names, as sluice shows them', () => {
  it('keeps them out of failure reports and dry runs, in a form bash reads back', async () => {
    const dir = makeTempDir('sluice-control-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', NAME), 'x\n');
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, cmd, sh } from 'sluice';
export default pipeline({
  a: step({ in: 'data/{x}', out: 'o/{x}', run: cmd('sh', '-c', 'exit 3', 'sh', '{in}', '{out}') }),
  b: step({ in: 'data/{x}', out: 'p/{x}', run: sh('cat {in} > {out}; exit 4') }),
});
`,
    );
    const result = await runSluice(['run', '-k'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stderr, CONTROL, JSON.stringify(result.stderr));
    const command = /command: +(sh -c .*)\n/.exec(result.stderr)?.[1];
    assert.ok(command !== undefined, result.stderr);
    // The shown command, pasted into bash, gives the task's very argv.
    const argv = execFileSync('bash', ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
    assert.deepEqual(argv, ['sh', '-c', 'exit 3', 'sh', `data/${NAME}`, `o/${NAME}`]);
    const dry = await runSluice(['run', '-n'], { cwd: dir });
    assert.doesNotMatch(dry.stdout, CONTROL, JSON.stringify(dry.stdout));
  });
});
