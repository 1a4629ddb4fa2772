import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { makeTempDir, REPO, runSluice } from '../helpers/run-sluice.ts';

const EXAMPLE = path.join(REPO, 'examples/align');
const SAMPLES = ['sample1', 'sample2', 'sample3'];
const bowtie2Missing = spawnSync('bowtie2', ['--version'], { stdio: 'ignore' }).error !== undefined;

/** A copy of the example in a temporary folder, with its generated data. */
async function project(): Promise<string> {
  const dir = makeTempDir('sluice-align-');
  for (const name of ['pipeline.ts', 'filter-sam.ts', 'generate.mjs']) fs.copyFileSync(path.join(EXAMPLE, name), path.join(dir, name));
  await promisify(execFile)(process.execPath, [path.join(dir, 'generate.mjs'), dir], { timeout: 60_000 });
  return dir;
}

/** Read names in a FASTQ file whose simulated origin matches `pattern`. */
function simulated(file: string, pattern: RegExp): Set<string> {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const names = new Set<string>();
  for (let at = 0; at < lines.length; at += 4) {
    const name = lines[at]?.slice(1) ?? '';
    if (pattern.test(name)) names.add(name);
  }
  return names;
}

describe('examples/align', { skip: bowtie2Missing ? 'bowtie2 is not installed (Debian: apt-get install bowtie2)' : false }, () => {
  it('keeps the header and the confident chr7 reads, then has nothing to do', async () => {
    const dir = await project();
    const first = await runSluice(['run'], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /4 tasks: 4 succeeded/);

    for (const sample of SAMPLES) {
      const lines = fs.readFileSync(path.join(dir, 'out', `${sample}.filtered.sam`), 'utf8').trimEnd().split('\n');
      const headers = lines.filter((line) => line.startsWith('@'));
      assert.match(headers[0] ?? '', /^@HD\t/);
      assert.deepEqual(
        headers.filter((line) => line.startsWith('@SQ')).map((line) => line.split('\t')[1]),
        ['SN:chr1', 'SN:chr2', 'SN:chr7', 'SN:chrX'],
      );
      assert.ok(headers.some((line) => line.startsWith('@PG\tID:bowtie2')));
      assert.equal(lines.findIndex((line) => !line.startsWith('@')), headers.length, 'headers come first');

      const kept = lines.filter((line) => !line.startsWith('@')).map((line) => line.split('\t'));
      for (const fields of kept) {
        assert.equal(fields[2], 'chr7', fields.join('\t'));
        assert.ok(Number(fields[4]) > 10, fields.join('\t'));
      }
      const names = new Set(kept.map((fields) => fields[0] ?? ''));
      assert.equal(names.size, kept.length, 'one line per kept read');
      const fastq = path.join(dir, 'data', `${sample}.fq`);
      const fromChr7 = simulated(fastq, /:unique:chr7:/);
      const found = [...fromChr7].filter((name) => names.has(name)).length;
      assert.ok(fromChr7.size > 400, `the generator simulates chr7 reads (${fromChr7.size})`);
      assert.ok(found >= 0.9 * fromChr7.size, `${sample}: ${found} of ${fromChr7.size} chr7 reads kept`);
      const elsewhere = [...names].filter((name) => !fromChr7.has(name));
      const repeats = simulated(fastq, /:repeat:/);
      assert.ok(
        elsewhere.every((name) => repeats.has(name)) && elsewhere.length <= 0.1 * repeats.size,
        `${sample}: kept reads not simulated from chr7's unique part: ${elsewhere.join(', ')}`,
      );
      const log = fs.readFileSync(path.join(dir, 'out', `${sample}.bowtie2.log`), 'utf8');
      assert.match(log, /overall alignment rate/);
      assert.match(log, new RegExp(`kept ${kept.length} of 2000 reads of ${sample}\\.fq`));
    }

    const stamps = () => fs.readdirSync(path.join(dir, 'out')).map((name) => [name, fs.statSync(path.join(dir, 'out', name)).mtimeMs]);
    const before = stamps();
    const again = await runSluice(['run'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /4 tasks: 4 up to date/);
    assert.deepEqual(stamps(), before);
  });
});

describe('examples/align without bowtie2', () => {
  it('says how to install it and exits non-zero', async () => {
    const empty = makeTempDir('sluice-align-path-');
    const result = await promisify(execFile)(process.execPath, [path.join(EXAMPLE, 'run.mjs')], {
      cwd: REPO,
      env: { ...process.env, PATH: empty },
      timeout: 60_000,
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    assert.equal(result?.code, 1);
    assert.match(result?.stderr ?? '', /needs bowtie2, and `bowtie2` is not on PATH/);
    assert.match(result?.stderr ?? '', /apt-get install bowtie2/);
  });
});
