import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadPipeline } from '../../src/plan/load-pipeline.ts';
import { saveBundleFile } from '../../src/state/bundles/save-bundle-file.ts';
import { makeTempDir } from '../helpers/run-sluice.ts';

const PIPELINE = `import { pipeline, step, cmd } from 'sluice';
export default pipeline({ copy: step({ in: 'in/{x}.txt', out: 'out/{x}.txt', run: cmd('cp', '{in}', '{out}') }) });
`;

describe('bundling a pipeline while planning', () => {
  it('writes no file itself: the bundle cache is saved through the function its caller passes in', async () => {
    const dir = makeTempDir('sluice-bundle-save-');
    const file = path.join(dir, 'pipeline.ts');
    fs.writeFileSync(file, PIPELINE);
    const saved: string[] = [];
    const definition = await loadPipeline(file, (target, contents) => {
      saved.push(path.relative(dir, target));
      saveBundleFile(target, contents);
    });
    assert.equal(definition.kind, 'sluice-pipeline');
    assert.equal(saved.length, 2, `the bundle and its record: ${saved.join(', ')}`);
    assert.ok(saved.every((name) => name.startsWith(path.join('.sluice', 'pipelines'))), saved.join(', '));
    assert.deepEqual(fs.readdirSync(path.join(dir, '.sluice', 'pipelines')).sort(), saved.map((name) => path.basename(name)).sort());
    // Fresh now: loaded again, nothing is saved.
    saved.length = 0;
    await loadPipeline(file, (target) => saved.push(target));
    assert.deepEqual(saved, []);
  });

  it('leaves the project untouched when the caller saves nothing (a bundle that cannot be kept is not imported)', async () => {
    const dir = makeTempDir('sluice-bundle-nosave-');
    const file = path.join(dir, 'pipeline.ts');
    fs.writeFileSync(file, PIPELINE);
    await assert.rejects(loadPipeline(file, () => {}), /Could not load pipeline/);
    assert.deepEqual(fs.readdirSync(dir), ['pipeline.ts']);
  });

  it('builds again a bundle that another esbuild or another sluice made, though its sources are unchanged', async () => {
    const dir = makeTempDir('sluice-bundle-builder-');
    const file = path.join(dir, 'pipeline.ts');
    fs.writeFileSync(file, PIPELINE);
    assert.deepEqual(Object.keys((await loadPipeline(file, saveBundleFile)).steps({})), ['copy']);
    // What an older sluice (or esbuild) left: its own code for the same sources, under a name
    // that matches its content, and a record that says so.
    const folder = path.join(dir, '.sluice', 'pipelines');
    const metaFile = fs.readdirSync(folder).find((name) => name.endsWith('.json'))!;
    const meta = JSON.parse(fs.readFileSync(path.join(folder, metaFile), 'utf8')) as { bundle: string; builder?: string };
    const older = fs.readFileSync(path.join(folder, meta.bundle), 'utf8').replace('copy:', 'older:');
    const olderName = meta.bundle.replace(/[0-9a-f]{12}\.mjs$/, `${createHash('sha1').update(older).digest('hex').slice(0, 12)}.mjs`);
    fs.writeFileSync(path.join(folder, olderName), older);
    fs.writeFileSync(path.join(folder, metaFile), JSON.stringify({ ...meta, bundle: olderName, builder: 'another esbuild' }));
    assert.deepEqual(Object.keys((await loadPipeline(file, saveBundleFile)).steps({})), ['copy']);
  });
});
