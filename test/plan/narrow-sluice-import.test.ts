import assert from 'node:assert/strict';
import { test } from 'node:test';
import { narrowSluiceImport, PIPELINE_API_NAMES } from '../../src/plan/narrow-sluice-import.ts';

const INDEX = 'file:///opt/sluice/dist/index.js';
const API = 'file:///opt/sluice/dist/plan/pipeline-api.js';

test('points a bundle that takes only the definition helpers at pipeline-api', () => {
  const code = `import { all, pipeline, step as s } from "${INDEX}";\nimport fs from "node:fs";\nvar p = pipeline({});\n`;
  assert.equal(narrowSluiceImport(code, INDEX), code.replace(INDEX, API));
});

test('keeps all of sluice for any other name, a namespace import or a re-export', () => {
  for (const code of [
    `import { pipeline, map } from "${INDEX}";\n`,
    `import { pipeline } from "${INDEX}";\nimport * as sluice from "${INDEX}";\n`,
    `import { pipeline } from "${INDEX}";\nexport { streamLines } from "${INDEX}";\n`,
    `const later = () => import("${INDEX}");\n`,
  ]) {
    assert.equal(narrowSluiceImport(code, INDEX), code);
  }
});

test('pipeline-api exports exactly the names it stands for', async () => {
  const api = await import('../../src/plan/pipeline-api.ts');
  assert.deepEqual(Object.keys(api).sort(), [...PIPELINE_API_NAMES].sort());
  const index = await import('../../src/index.ts');
  for (const name of PIPELINE_API_NAMES) assert.equal(api[name as keyof typeof api], index[name as keyof typeof index], name);
});
