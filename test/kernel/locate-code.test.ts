import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { CODE_DIR, findCodeDir, FROM_SOURCES, locateModule, PACKAGE_DIR } from '../../src/kernel/locate-code.ts';
import { REPO } from '../helpers/run-sluice.ts';

// The built dist/ is code-split (scripts/build.mjs): the code that locates sluice's files may be
// in an entry (dist/index.js, dist/cli/main.js, dist/execute/worker/step-worker.js) or in a chunk
// (dist/chunks/), so it finds the code's folder by name; test/cli/built-dist.test.ts runs it built.
describe('locate-code', () => {
  it('finds src/ and the package when sluice runs from its sources', () => {
    assert.equal(FROM_SOURCES, true);
    assert.equal(CODE_DIR, path.join(REPO, 'src'));
    assert.equal(PACKAGE_DIR, path.resolve(REPO));
    assert.ok(fs.existsSync(path.join(PACKAGE_DIR, 'libexec', 'sluice-launcher.py')));
  });

  it('names every module started or imported by path, and each exists', () => {
    for (const name of ['index', 'plan/pipeline-api', 'execute/worker/step-worker', 'pool/map-worker', 'state/hashes/hash-worker', 'execute/slurm/exec-task-main']) {
      const file = fileURLToPath(locateModule(name));
      assert.equal(file, path.join(REPO, 'src', `${name}.ts`));
      assert.ok(fs.existsSync(file), file);
    }
  });

  it('finds dist/ from an entry at any depth or a chunk, and the nearest one', () => {
    for (const file of ['dist/index.js', 'dist/cli/main.js', 'dist/execute/worker/step-worker.js', 'dist/chunks/chunk-ABC.js']) {
      assert.equal(findCodeDir(`/opt/dist/node_modules/sluice/${file}`, false), '/opt/dist/node_modules/sluice/dist');
    }
    assert.equal(findCodeDir('/home/me/src/sluice/src/plan/bundle-pipeline.ts', true), '/home/me/src/sluice/src');
  });

  it('has no folder named src or dist inside src/, which would be taken for the code folder', () => {
    const folders = (fs.readdirSync(path.join(REPO, 'src'), { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((entry) => entry.isDirectory());
    assert.deepEqual(folders.filter((entry) => entry.name === 'src' || entry.name === 'dist').map((entry) => entry.name), []);
  });

  it('says a misplaced module is a bug in sluice', () => {
    assert.throws(() => findCodeDir('/opt/sluice/build/index.js', false), /Expected sluice's module \/opt\/sluice\/build\/index\.js to be in a folder named `dist`, got none above it: this is a bug in sluice/);
  });
});
