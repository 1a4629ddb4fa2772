import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTempDir, startSluice, type RunOptions, type SluiceResult } from '../helpers/run-sluice.ts';

// A FIFO given as an input used to hang a run for ever (a thread blocked opening it to hash it).
// Each run here is killed after a generous wait, so a hang fails the test instead of the suite.
const HANG_MS = 20_000;

function runBounded(args: readonly string[], options: RunOptions): Promise<SluiceResult> {
  const { child, done } = startSluice(args, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
  return done.finally(() => clearTimeout(timer));
}

const servers: net.Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

// A folder with a regular file, a FIFO and a unix socket (listening while the tests run).
async function specialFolder(): Promise<string> {
  const cwd = makeTempDir();
  fs.mkdirSync(path.join(cwd, 'data'));
  fs.writeFileSync(path.join(cwd, 'data', 'a.txt'), 'a\n');
  execFileSync('mkfifo', [path.join(cwd, 'data', 'f.txt')]);
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path.join(cwd, 'data', 's.txt'), resolve));
  return cwd;
}

describe('special files as inputs', () => {
  it('refuses a FIFO given to `sluice map :::` at plan time, naming it', async () => {
    const cwd = await specialFolder();
    const result = await runBounded(['map', '--out', 'out/{stem}.txt', '--', 'cat', ':::', 'data/a.txt', 'data/f.txt'], { cwd });
    assert.equal(result.signal, null, 'sluice hung on the FIFO and was killed');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Expected input `data\/f\.txt` of `sluice map` \(from `:::`\) to be a regular file, got a FIFO/);
    assert.ok(!fs.existsSync(path.join(cwd, 'out')), 'nothing ran');
    // Without --out nothing is hashed, but a FIFO is refused all the same.
    const bare = await runBounded(['map', '--', 'cat', ':::', 'data/f.txt'], { cwd });
    assert.equal(bare.code, 2, bare.stderr);
    assert.match(bare.stderr, /got a FIFO/);
  });

  it('refuses a socket and a device read from `--in -`, in dry runs that consult the state too', async () => {
    const cwd = await specialFolder();
    const socket = await runBounded(['map', '--in', '-', '--out', 'out/{stem}.txt', '--', 'cat'], { cwd, stdin: 'data/a.txt\ndata/s.txt\n' });
    assert.equal(socket.code, 2, socket.stderr);
    assert.match(socket.stderr, /Expected input `data\/s\.txt` of `sluice map` \(from `--in -`\) to be a regular file, got a socket/);
    const device = await runBounded(['map', '--in', '-', '--out', 'out/{stem}.txt', '--', 'cat'], { cwd, stdin: '/dev/zero\n' });
    assert.equal(device.code, 2, device.stderr);
    assert.match(device.stderr, /Expected input `\/dev\/zero` .* got a character device/);
    // A run leaves a state database; a dry run then hashes inputs to say which tasks would run.
    const first = await runBounded(['map', '--out', 'out/{stem}.txt', '--', 'cat', ':::', 'data/a.txt'], { cwd });
    assert.equal(first.code, 0, first.stderr);
    const dry = await runBounded(['map', '--dry-run', '--out', 'out/{stem}.txt', '--', 'cat', ':::', 'data/a.txt', 'data/f.txt'], { cwd });
    assert.equal(dry.signal, null, 'the dry run hung on the FIFO and was killed');
    assert.equal(dry.code, 2, dry.stderr);
    assert.match(dry.stderr, /got a FIFO/);
  });

  it('takes /dev/null as an empty file', async () => {
    const cwd = makeTempDir();
    const result = await runBounded(['map', '--out', 'out/{stem}.txt', '--', 'cat', ':::', '/dev/null'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(cwd, 'out', 'null.txt'), 'utf8'), '');
    const again = await runBounded(['map', '--out', 'out/{stem}.txt', '--', 'cat', ':::', '/dev/null'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /up to date|0 done|1 task/);
  });

  it('refuses a FIFO a step pattern matches and a socket a step names, naming the step', async () => {
    const cwd = await specialFolder();
    const write = (source: string): void => fs.writeFileSync(path.join(cwd, 'pipeline.ts'), source);
    write(`import { pipeline, step, cmd } from 'sluice';
export default pipeline({ copy: step({ in: 'data/{n}.txt', out: 'out/{n}.txt', run: cmd('cp', '{in}', '{out}') }) });
`);
    const matched = await runBounded(['run'], { cwd });
    assert.equal(matched.signal, null, 'sluice hung on the FIFO and was killed');
    assert.equal(matched.code, 2, matched.stderr);
    assert.match(matched.stderr, /Expected input `data\/f\.txt` of task `copy[^`]*` to be a regular file, got a FIFO/);
    assert.ok(!fs.existsSync(path.join(cwd, 'out')), 'nothing ran');
    fs.rmSync(path.join(cwd, 'data', 'f.txt'));
    write(`import { pipeline, step, cmd } from 'sluice';
export default pipeline({ copy: step({ in: 'data/s.txt', out: 'out/s.txt', run: cmd('cp', '{in}', '{out}') }) });
`);
    const named = await runBounded(['run'], { cwd });
    assert.equal(named.code, 2, named.stderr);
    assert.match(named.stderr, /Expected input `data\/s\.txt` of task `copy[^`]*` to be a regular file, got a socket/);
  });
  it('refuses a FIFO and a socket in sub-folders that a pattern with a wildcard before its last slash matches', async () => {
    const cwd = await specialFolder();
    fs.mkdirSync(path.join(cwd, 'data', 'deep'));
    execFileSync('mkfifo', [path.join(cwd, 'data', 'deep', 'g.txt')]);
    fs.writeFileSync(path.join(cwd, 'data', 'deep', 'b.txt'), 'b\n');
    const write = (source: string): void => fs.writeFileSync(path.join(cwd, 'pipeline.ts'), source);
    // Only the FIFO matches: not "no file matches", the FIFO by name.
    write(`import { pipeline, step, cmd } from 'sluice';
export default pipeline({ copy: step({ in: '{d}/deep/{n}.txt', out: 'out/{d}/{n}.txt', run: cmd('cp', '{in}', '{out}') }) });
`);
    fs.rmSync(path.join(cwd, 'data', 'deep', 'b.txt'));
    const alone = await runBounded(['run'], { cwd });
    assert.equal(alone.signal, null, 'sluice hung on the FIFO and was killed');
    assert.equal(alone.code, 2, alone.stderr);
    assert.match(alone.stderr, /Expected input `data\/deep\/g\.txt` of task `copy[^`]*` to be a regular file, got a FIFO/);
    // Beside a regular file, neither skipped silently; a gather too.
    fs.writeFileSync(path.join(cwd, 'data', 'deep', 'b.txt'), 'b\n');
    write(`import { pipeline, step, sh, all } from 'sluice';
export default pipeline({ cat: step({ in: { parts: all('{d}/{n}.txt') }, out: 'out/all.txt', run: sh('cat {in.parts} > {out}') }) });
`);
    const gathered = await runBounded(['run'], { cwd });
    assert.equal(gathered.signal, null, 'sluice hung on the FIFO and was killed');
    assert.equal(gathered.code, 2, gathered.stderr);
    assert.match(gathered.stderr, /Expected input `data\/(f|s)\.txt` of task `cat[^`]*` to be a regular file, got a (FIFO|socket)/);
    fs.rmSync(path.join(cwd, 'data', 'f.txt'));
    fs.rmSync(path.join(cwd, 'data', 's.txt'));
    write(`import { pipeline, step, sh, all } from 'sluice';
export default pipeline({ cat: step({ in: { parts: all('data/{d}/{n}.txt') }, out: 'out/all.txt', run: sh('cat {in.parts} > {out}') }) });
`);
    const deep = await runBounded(['run'], { cwd });
    assert.equal(deep.code, 2, deep.stderr);
    assert.match(deep.stderr, /Expected input `data\/deep\/g\.txt` of task `cat[^`]*` to be a regular file, got a FIFO/);
    assert.ok(!fs.existsSync(path.join(cwd, 'out')), 'nothing ran');
  });
  it('refuses a folder as an input of `sluice map --out` (whose inputs are hashed), and takes one without --out', async () => {
    const cwd = makeTempDir();
    fs.mkdirSync(path.join(cwd, 'data'));
    fs.writeFileSync(path.join(cwd, 'data', 'a.txt'), 'a\n');
    const hashed = await runBounded(['map', '--out', 'out/listing.txt', '--', 'ls', ':::', 'data'], { cwd });
    assert.equal(hashed.code, 2, hashed.stderr);
    assert.match(hashed.stderr, /Expected input `data` of `sluice map` \(from `:::`\) to be a file, got a folder/);
    assert.doesNotMatch(hashed.stderr, /^\s+at /m);
    assert.ok(!fs.existsSync(path.join(cwd, 'out')), 'no output folder made');
    const listed = await runBounded(['map', '--', 'ls', ':::', 'data'], { cwd });
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, 'a.txt\n');
  });
});
