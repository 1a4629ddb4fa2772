import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findImportCycles, findIndirectViolations, findLayerViolations, formatViolation, isModuleLoad, layerOf, listImportEdges, type ImportEdge } from '../helpers/check-layering.ts';

// The layers of STYLE.md ("Directions that must never appear as (non-type) imports between folders
// of src/") are checked here, so the shape holds without anyone watching.

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function betweenFolders(edges: readonly ImportEdge[]): ImportEdge[] {
  return edges.map((edge) => ({ ...edge, from: layerOf(edge.from), to: layerOf(edge.to) })).filter((edge) => edge.from !== edge.to);
}

function describeCycle(cycle: readonly string[], edges: readonly ImportEdge[]): string {
  const inside = edges.filter((edge) => cycle.includes(edge.from) && cycle.includes(edge.to));
  return `${cycle.join(' ↔ ')}\n${inside.map((edge) => `    src/${edge.from}:${edge.line} imports '${edge.specifier}'`).join('\n')}`;
}

describe('the layering of src/', () => {
  const edges = listImportEdges(SRC);
  const loads = edges.filter(isModuleLoad);

  it('reads the imports of src/ (the checker sees the whole tree)', () => {
    assert.ok(edges.some((edge) => edge.from === 'cli/main.ts' && edge.kind === 'dynamic-import'), 'cli/main.ts loads its commands with import()');
    assert.ok(edges.some((edge) => edge.from === 'index.ts' && edge.kind === 'export-from'), 'index.ts re-exports');
    assert.ok(edges.some((edge) => edge.from === 'state/hashes/hash-in-threads.ts' && edge.to === 'state/hashes/hash-worker.ts' && edge.kind === 'url'), 'hash threads start hash-worker.ts');
    assert.ok(edges.length > 100, `only ${edges.length} edges found`);
  });

  it('has no import in a direction STYLE.md forbids (type-only imports aside)', () => {
    const violations = findLayerViolations(SRC);
    assert.equal(
      violations.length,
      0,
      `Forbidden imports between layers (move the shared helper to src/kernel/, which every layer may use):\n${violations.map((violation) => `  ${formatViolation(violation)}`).join('\n')}`,
    );
  });

  it('loads no process, backend or scheduler while planning, nor state or plan in the process layer, even through other folders', () => {
    const chains = findIndirectViolations(SRC, ['plan', 'process']);
    assert.deepEqual(chains, [], `Forbidden layers reached through other folders:\n${chains.map((chain) => `  ${chain}`).join('\n')}`);
  });

  it('opens runs in one composition root: the CLI enters src/session/, which enters the engine, and nothing below imports it', () => {
    const crossing = betweenFolders(loads);
    assert.ok(crossing.some((edge) => edge.from === 'cli' && edge.to === 'session'), 'cli imports session');
    for (const layer of ['schedule', 'execute', 'state']) {
      assert.ok(crossing.some((edge) => edge.from === 'session' && edge.to === layer), `session imports ${layer}`);
    }
    const below = crossing.filter((edge) => edge.to === 'session' && edge.from !== 'cli');
    assert.deepEqual(below, [], 'only the CLI imports the session');
    // A run's lock is taken by the session (`sluice clean` takes it too), never by the engine it hands a locked store.
    const locks = new Set(loads.filter((edge) => edge.to === 'state/lock/run-lock.ts').map((edge) => layerOf(edge.from)));
    assert.ok(locks.has('session'), 'the session takes the run lock');
    for (const layer of ['schedule', 'execute', 'plan', 'report']) assert.ok(!locks.has(layer), `${layer} takes no lock`);
  });

  it('has no import cycle between folders', () => {
    const cycles = findImportCycles(betweenFolders(loads));
    const explain = (folders: readonly string[]): string => {
      const crossing = loads.filter((edge) => layerOf(edge.from) !== layerOf(edge.to) && folders.includes(layerOf(edge.from)) && folders.includes(layerOf(edge.to)));
      return `${folders.join(' ↔ ')}\n${crossing.map((edge) => `    src/${edge.from}:${edge.line} imports src/${edge.to}`).join('\n')}`;
    };
    assert.deepEqual(cycles, [], `Folders of src/ import each other in a cycle:\n${cycles.map((cycle) => `  ${explain(cycle)}`).join('\n')}`);
  });

  it('has no import cycle between files (move what both need into a file of its own)', () => {
    const cycles = findImportCycles(loads);
    assert.deepEqual(cycles, [], `Files of src/ import each other in a cycle:\n${cycles.map((cycle) => `  ${describeCycle(cycle, loads)}`).join('\n')}`);
  });
});

describe('the layering checker', () => {
  const root = mkdtempSync(join(tmpdir(), 'sluice-layering-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string): void => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  write('process/spawn.ts', 'export const spawn = 1;\nexport type Spawned = number;\n');
  write('process/kill.ts', 'export const kill = 0;\n');
  write('execute/run.ts', 'export const run = 2;\nexport type Ran = number;\n');
  write('schedule/queue.ts', 'export const queue = 3;\n');
  write('cli/main.ts', 'export const main = 4;\n');
  write('state/store.ts', 'export const store = 5;\n');
  write('errors.ts', 'export class SluiceError extends Error {}\n');
  write(
    'plan/plan.ts',
    [
      "import type { Spawned } from '../process/spawn.ts';", // type-only: allowed
      "import { type Ran } from '../execute/run.ts';", // only type specifiers: allowed
      "import { SluiceError } from '../errors.ts';", // a root file: allowed
      "import { store } from '../state/store.ts';", // plan → state: allowed
      "import { spawn, type Spawned as S } from '../process/spawn.ts';", // line 5: a value among types
      "export { run } from '../execute/run.js';", // line 6: a re-export, written with .js
      'export async function load(): Promise<unknown> {',
      "  const { queue } = await import('../schedule/queue.ts');", // line 8: dynamic import
      '  return [queue, spawn, store, SluiceError];',
      '}',
      "type Lazy = typeof import('../schedule/queue.ts');", // a type position: allowed
      'export type { Lazy };',
    ].join('\n'),
  );
  write(
    'execute/worker.ts',
    [
      "import { createRequire } from 'node:module';",
      "import * as fs from 'node:fs';",
      'const load = createRequire(import.meta.url);',
      "export const main = load('../cli/main.ts');", // line 4: require through a createRequire binding
      "export const queue = createRequire(import.meta.url)('../schedule/queue');", // line 5: without extension
      'export const size = fs.constants;',
      "export const entry = new URL(import.meta.url.endsWith('.ts') ? '../schedule/queue.ts' : '../schedule/queue.js', import.meta.url);", // line 7: a thread's entry
      "export const script = new URL('../../libexec/launcher.py', import.meta.url);", // not a source file
      "export const other = new URL('../schedule/queue.ts', 'file:///elsewhere/');", // not relative to this file
    ].join('\n'),
  );
  write('kernel/tail.ts', "import { store } from '../state/store.ts';\nexport const tail = store;\n");
  write('report/a.ts', "import { b } from './b.ts';\nexport const a = b;\n");
  write('report/b.ts', "import { a } from './a.ts';\nexport const b = (): unknown => a;\n");
  write('report/c.ts', "import type { c as C } from './d.ts';\nexport const c = 1;\nexport type T = typeof C;\n");
  write('report/d.ts', "import { c } from './c.ts';\nexport { c };\n");

  it('finds every forbidden run-time import, with its file, line and reason, and skips type-only ones', () => {
    const found = findLayerViolations(root).map((violation) => `${violation.from}:${violation.line} ${violation.fromLayer}→${violation.toLayer} ${violation.kind}`);
    assert.deepEqual(found.sort(), [
      'execute/worker.ts:4 execute→cli require',
      'execute/worker.ts:5 execute→schedule require',
      'execute/worker.ts:7 execute→schedule url',
      'kernel/tail.ts:1 kernel→state import',
      'plan/plan.ts:5 plan→process import',
      'plan/plan.ts:6 plan→execute export-from',
      'plan/plan.ts:8 plan→schedule dynamic-import',
    ]);
    const [first] = findLayerViolations(root).filter((violation) => violation.kind === 'dynamic-import');
    assert.equal(
      formatViolation(first!),
      "src/plan/plan.ts:8: plan must not import schedule (dynamic-import of '../schedule/queue.ts' → src/schedule/queue.ts): planning starts no process and writes no file",
    );
  });

  it('follows a chain of allowed imports to a forbidden layer', () => {
    write('plan/uses-state.ts', "import { load } from '../state/loads-process.ts';\nexport const z = load;\n");
    write('state/loads-process.ts', "export async function load(): Promise<unknown> {\n  return import('../process/kill.ts');\n}\n");
    const chains = findIndirectViolations(root, ['plan']);
    assert.ok(
      chains.includes('src/plan/uses-state.ts → src/state/loads-process.ts → src/process/kill.ts: plan must not load process, even through other folders (planning starts no process and writes no file)'),
      chains.join('\n'),
    );
  });

  it('finds a cycle of run-time imports between files, and none through a type-only import', () => {
    assert.deepEqual(findImportCycles(listImportEdges(root)), [['report/a.ts', 'report/b.ts']]);
  });

  it('refuses an import of the session from below it, and of the CLI from the session', () => {
    write('session/open.ts', "import { main } from '../cli/main.ts';\nexport const open = main;\n");
    write('schedule/opens-a-run.ts', "export async function run(): Promise<unknown> {\n  return import('../session/open.ts');\n}\n");
    const found = findLayerViolations(root)
      .filter((violation) => violation.fromLayer === 'session' || violation.toLayer === 'session')
      .map((violation) => `${violation.from}:${violation.line} ${violation.fromLayer}→${violation.toLayer} ${violation.kind}`);
    assert.deepEqual(found.sort(), ['schedule/opens-a-run.ts:2 schedule→session dynamic-import', 'session/open.ts:1 session→cli import']);
  });

  it('finds a cycle between folders', () => {
    write('state/uses-report.ts', "import { a } from '../report/a.ts';\nexport const x = a;\n");
    write('report/uses-state.ts', "import { store } from '../state/store.ts';\nexport const y = store;\n");
    assert.deepEqual(findImportCycles(betweenFolders(listImportEdges(root))), [['report', 'state']]);
  });
});
