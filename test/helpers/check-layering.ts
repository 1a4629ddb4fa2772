import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One import of a project file that is executed at run time (type-only imports are left out). */
export interface ImportEdge {
  /** Importing file, relative to the source root, with `/` separators. */
  from: string;
  /** Imported file, relative to the source root. */
  to: string;
  /** 1-based line of the import in `from`. */
  line: number;
  specifier: string;
  kind: 'import' | 'export-from' | 'import-equals' | 'dynamic-import' | 'require' | 'url';
}

export interface LayerRule {
  from: string;
  forbidden: readonly string[];
  why: string;
}

export interface LayerViolation extends ImportEdge {
  fromLayer: string;
  toLayer: string;
  why: string;
}

// The layers below the composition root (src/session/): none of them imports it.
const BELOW_SESSION = ['plan', 'schedule', 'execute', 'process', 'pool', 'state', 'report', 'kernel'] as const;

// The table "Directions that must never appear" of STYLE.md, plus the shared kernel, which every layer
// may use and which therefore uses none of them, plus the session: the composition root, between the
// CLI and the engine (cli → session → schedule, execute, plan, state, ...). It opens a run (lock,
// store, cleanup, backend) and closes it; the CLI only turns argv into its request and its result
// into an exit code, and nothing below it opens or closes a run.
export const LAYER_RULES: readonly LayerRule[] = [
  { from: 'plan', forbidden: ['execute', 'process', 'schedule'], why: 'planning starts no process and writes no file' },
  { from: 'execute', forbidden: ['schedule', 'cli'], why: 'backends report; only the scheduler advances the DAG' },
  { from: 'process', forbidden: ['schedule', 'state', 'plan'], why: 'the process layer knows no tasks and no state' },
  { from: 'schedule', forbidden: ['cli'], why: 'the engine knows no command line' },
  { from: 'report', forbidden: ['execute'], why: 'reports listen to events and read the store' },
  {
    from: 'kernel',
    forbidden: ['plan', 'schedule', 'execute', 'process', 'pool', 'state', 'report', 'cli', 'index.ts'],
    why: 'the shared kernel is used by every layer, so it uses none of them',
  },
  { from: 'session', forbidden: ['cli'], why: 'the composition root takes a request, not a command line' },
  ...BELOW_SESSION.map((from) => ({ from, forbidden: ['session'], why: 'only the CLI opens a run: the layers below the session know nothing of it' })),
];

/** The layer of a file: its first folder under the source root, or the file name for a root file. */
export function layerOf(file: string): string {
  const [first] = file.split('/');
  return first ?? file;
}

export function listSourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(full);
    }
  };
  walk(root);
  return files;
}

// `import { type A, type B } from` is as type-only as `import type { A, B } from`.
function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (clause === undefined) return false; // `import './x.ts'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name !== undefined) return false;
  const bindings = clause.namedBindings;
  if (bindings === undefined || !ts.isNamedImports(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  if (clause === undefined || !ts.isNamedExports(clause)) return false; // `export * from` re-exports values
  return clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly);
}

function isImportMetaUrl(node: ts.Expression | undefined): boolean {
  return node !== undefined && ts.isPropertyAccessExpression(node) && ts.isMetaProperty(node.expression) && node.expression.keywordToken === ts.SyntaxKind.ImportKeyword && node.name.text === 'url';
}

// `new URL('./worker.ts', import.meta.url)`, or a choice of two literals (`.ts` from sources, `.js` built).
function listUrlLiterals(node: ts.Expression | undefined): ts.Expression[] {
  if (node === undefined) return [];
  if (ts.isParenthesizedExpression(node)) return listUrlLiterals(node.expression);
  if (ts.isConditionalExpression(node)) return [...listUrlLiterals(node.whenTrue), ...listUrlLiterals(node.whenFalse)];
  return ts.isStringLiteralLike(node) ? [node] : [];
}

function isCreateRequireCall(node: ts.Node): boolean {
  return ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'createRequire';
}

// The prefix of a specifier relative to src/ rather than to the importing file.
const SRC_SPECIFIER = 'src:';

/**
 * Every specifier a file loads at run time: static value imports, `export ... from`, `import()`,
 * `require`, and `new URL(..., import.meta.url)` or `locateModule(name)` (the entry of a worker thread or a child process).
 */
export function listRuntimeImports(fileName: string, text: string): Array<Pick<ImportEdge, 'line' | 'specifier' | 'kind'>> {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Array<Pick<ImportEdge, 'line' | 'specifier' | 'kind'>> = [];
  const requireNames = new Set(['require']);
  const add = (node: ts.Node, literal: ts.Expression | undefined, kind: ImportEdge['kind']): void => {
    if (literal === undefined || !ts.isStringLiteralLike(literal)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ line, specifier: literal.text, kind });
  };
  // First pass: names bound to `createRequire(...)`, so `const load = createRequire(url); load('./x.ts')` counts.
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined && isCreateRequireCall(node.initializer)) {
      requireNames.add(node.name.text);
    }
    ts.forEachChild(node, collect);
  };
  collect(source);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      if (!isTypeOnlyImport(node)) add(node, node.moduleSpecifier, 'import');
    } else if (ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier !== undefined && !isTypeOnlyExport(node)) add(node, node.moduleSpecifier, 'export-from');
    } else if (ts.isImportEqualsDeclaration(node)) {
      if (!node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) add(node, node.moduleReference.expression, 'import-equals');
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], 'dynamic-import');
      else if (isCreateRequireCall(callee) || (ts.isIdentifier(callee) && requireNames.has(callee.text))) add(node, node.arguments[0], 'require');
      // `locateModule('execute/worker/step-worker')` (kernel/locate-code.ts) names a module under src/.
      else if (ts.isIdentifier(callee) && callee.text === 'locateModule') {
        const name = node.arguments[0];
        if (name !== undefined && ts.isStringLiteralLike(name)) found.push({ line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, specifier: `${SRC_SPECIFIER}${name.text}.ts`, kind: 'url' });
      }
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL' && isImportMetaUrl(node.arguments?.[1])) {
      for (const literal of listUrlLiterals(node.arguments?.[0])) add(node, literal, 'url');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

// Resolves a relative specifier the way Node and tsc (with allowImportingTsExtensions) do for this project.
function resolveProjectFile(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, base.replace(/\.(m|c)?js$/, '.$1ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((candidate) => candidate.endsWith('.ts') && existsSync(candidate) && statSync(candidate).isFile());
}

/** The run-time import edges between files under `root` (imports of packages and node: modules left out). */
export function listImportEdges(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const toKey = (file: string): string => relative(root, file).split(sep).join('/');
  for (const file of listSourceFiles(root)) {
    for (const { line, specifier, kind } of listRuntimeImports(file, readFileSync(file, 'utf8'))) {
      const target = specifier.startsWith(SRC_SPECIFIER) ? resolveProjectFile(join(root, 'index.ts'), `./${specifier.slice(SRC_SPECIFIER.length)}`) : resolveProjectFile(file, specifier);
      if (target === undefined || !target.startsWith(root + sep)) continue;
      // `new URL(sources ? './x.ts' : './x.js', ...)` names one file twice.
      if (edges.some((edge) => edge.line === line && edge.kind === kind && edge.to === toKey(target) && edge.from === toKey(file))) continue;
      edges.push({ from: toKey(file), to: toKey(target), line, specifier, kind });
    }
  }
  return edges;
}

export function findLayerViolations(root: string, rules: readonly LayerRule[] = LAYER_RULES): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const edge of listImportEdges(resolve(root))) {
    const fromLayer = layerOf(edge.from);
    const toLayer = layerOf(edge.to);
    if (fromLayer === toLayer) continue;
    const rule = rules.find((candidate) => candidate.from === fromLayer && candidate.forbidden.includes(toLayer));
    if (rule !== undefined) violations.push({ ...edge, fromLayer, toLayer, why: rule.why });
  }
  return violations;
}

export function formatViolation(violation: LayerViolation): string {
  return `src/${violation.from}:${violation.line}: ${violation.fromLayer} must not import ${violation.toLayer} ` +
    `(${violation.kind} of '${violation.specifier}' → src/${violation.to}): ${violation.why}`;
}

/**
 * Whether an edge loads the module into the importer's module graph: a `new URL()` names a worker's or
 * a job's entry (run in a graph of its own) or a file handed on (the sluice index a bundled pipeline
 * imports), so it counts for the direct rules but neither for chains nor for cycles.
 */
export function isModuleLoad(edge: ImportEdge): boolean {
  return edge.kind !== 'url';
}

/** Cycles of run-time imports between files: the strongly connected components with more than one file. */
export function findImportCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (!next.has(edge.from)) next.set(edge.from, []);
    next.get(edge.from)!.push(edge.to);
  }
  // Tarjan's algorithm (recursive: the import graph is a few hundred files deep at most).
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) connect(node);
  return cycles;
}

/**
 * Chains of run-time imports by which a layer of `layers` loads a layer it must not import, through
 * folders it may import (plan → state → pool → process still starts a process while planning).
 */
export function findIndirectViolations(root: string, layers: readonly string[], rules: readonly LayerRule[] = LAYER_RULES): string[] {
  const edges = listImportEdges(resolve(root)).filter(isModuleLoad);
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (!next.has(edge.from)) next.set(edge.from, []);
    next.get(edge.from)!.push(edge.to);
  }
  const chains: string[] = [];
  for (const rule of rules.filter((candidate) => layers.includes(candidate.from))) {
    const starts = [...new Set(edges.map((edge) => edge.from).filter((file) => layerOf(file) === rule.from))];
    const cameFrom = new Map<string, string | undefined>(starts.map((file) => [file, undefined]));
    const queue = [...starts];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      if (rule.forbidden.includes(layerOf(file))) continue; // reported once, not followed further
      for (const target of next.get(file) ?? []) {
        if (cameFrom.has(target)) continue;
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
    for (const [file] of cameFrom) {
      if (!rule.forbidden.includes(layerOf(file))) continue;
      const chain = [file];
      for (let step = cameFrom.get(file); step !== undefined; step = cameFrom.get(step)) chain.unshift(step);
      chains.push(`${chain.map((link) => `src/${link}`).join(' → ')}: ${rule.from} must not load ${layerOf(file)}, even through other folders (${rule.why})`);
    }
  }
  return chains.sort();
}
