// An output name longer than the file system takes (255 bytes) is refused before anything runs,
// naming the output and its task: before, every such task failed at its start with "could not
// start `cat`: File name too long", which blamed the program. Inputs with the longest names the
// file system allows run as any other. A whole output path longer than the kernel takes (4,096
// bytes) is refused too: before, its first stat ended sluice with a raw ENAMETOOLONG reported as a
// bug in sluice (exit 70).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir, runSluice } from '../helpers/run-sluice.ts';

const LONGEST = `${'n'.repeat(251)}.txt`;

describe('long file names', () => {
  it('runs inputs with 255-byte names, and refuses a --out that makes a 259-byte name', async () => {
    const dir = makeTempDir('sluice-long-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', LONGEST), 'x\n');
    const fits = await runSluice(['map', '--in', 'data/*', '--out', 'out/{name}', '--', 'cat'], { cwd: dir });
    assert.equal(fits.code, 0, fits.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'out', LONGEST), 'utf8'), 'x\n');

    const result = await runSluice(['map', '--in', 'data/*', '--out', 'long/{name}.csv', '--', 'sh', '-c', 'echo ran >> ran.log; cat "$1"', 'sh'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Expected output `long\/n+\.txt\.csv` of the task for input `data\/n+\.txt` to have names of at most 255 bytes \(the file system's limit\), got one of 259 bytes/);
    assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
  });

  it('refuses a pipeline output name over 255 bytes, naming the task and the file', async () => {
    const dir = makeTempDir('sluice-long-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', LONGEST), 'x\n');
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, sh } from 'sluice';\nexport default pipeline({ copy: step({ in: 'data/{x}.txt', out: 'o/{x}.txt.bak', run: sh('echo ran >> ran.log; cp {in} {out}') }) });\n`,
    );
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Expected output `o\/n+\.txt\.bak` of task `copy\[x=n+\]` to have names of at most 255 bytes .*got one of 259 bytes \(.*pipeline\.ts\)/);
    assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
  });

  it('refuses a --out whose whole path is over the system limit, though each name fits', async () => {
    const dir = makeTempDir('sluice-long-');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'x\n');
    const deep = 'abcdefghij/'.repeat(400);
    const result = await runSluice(['map', '--in', 'a.txt', '--out', `${deep}{name}`, '--', 'sh', '-c', 'echo ran >> ran.log; cat "$1"', 'sh'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Expected output `(abcdefghij\/)+a\.txt` of the task for input `a\.txt` to have a path of at most 4032 bytes \(the system's limit, less room for sluice's staging folder\), got \d+ bytes from `\/`/);
    assert.doesNotMatch(result.stderr, /bug in sluice|ENAMETOOLONG/);
    assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
    assert.equal(fs.existsSync(path.join(dir, 'abcdefghij')), false, 'no folder made');
  });

  it('refuses a pipeline output whose whole path is over the system limit, naming the task and the file', async () => {
    const dir = makeTempDir('sluice-long-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'a.txt'), 'x\n');
    const deep = 'abcdefghij/'.repeat(400);
    fs.writeFileSync(
      path.join(dir, 'pipeline.ts'),
      `import { pipeline, step, sh } from 'sluice';\nexport default pipeline({ copy: step({ in: 'data/{x}.txt', out: '${deep}{x}.txt', run: sh('echo ran >> ran.log; cp {in} {out}') }) });\n`,
    );
    const result = await runSluice(['run'], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Expected output `(abcdefghij\/)+a\.txt` of task `copy\[x=a\]` to have a path of at most 4032 bytes .*got \d+ bytes from `\/` \(.*pipeline\.ts\)/);
    assert.equal(fs.existsSync(path.join(dir, 'ran.log')), false, 'nothing ran');
  });
});
