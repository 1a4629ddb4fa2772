import path from 'node:path';
import type TypeScript from 'typescript';
import { EnvironmentError, PlanError } from '../errors.ts';
import { CODE_DIR, FROM_SOURCES, PACKAGE_DIR } from '../kernel/locate-code.ts';
import { findTypeScript } from './find-typescript.ts';

/** One error TypeScript found, where it is. */
export interface TypeDiagnostic {
  /** Absolute path; undefined for an error of the configuration or the compiler as a whole. */
  readonly file: string | undefined;
  /** From 1, as an editor counts; 0 without a file. */
  readonly line: number;
  readonly column: number;
  /** TypeScript's error number: 2322 for TS2322. */
  readonly code: number;
  readonly message: string;
}

export interface TypeCheckResult {
  /** The version of the project's TypeScript that checked. */
  readonly version: string;
  /** The tsconfig.json whose options were used; undefined: sluice's defaults. */
  readonly config: string | undefined;
  readonly errors: readonly TypeDiagnostic[];
  /** A JavaScript pipeline that the options leave unchecked (checkJs off, no `// @ts-check`). */
  readonly uncheckedJs: boolean;
}

// sluice's own sources (src/, or dist/ once built): `import 'sluice'` resolves here when the
// project has no sluice of its own (a global install), and their errors are not the user's.
const SLUICE_CODE = CODE_DIR;
// The packages sluice's own sources import, from a checkout (an installed sluice's are the project's).
const SLUICE_DEPS = path.join(PACKAGE_DIR, 'node_modules');
const SLUICE_TYPES = path.join(SLUICE_CODE, FROM_SOURCES ? 'index.ts' : 'index.d.ts');
// "No inputs were found in config file": the config's `include` is not what is checked here.
const NO_INPUTS = 18003;

/**
 * Type-checks a pipeline file, and the modules it imports, with the project's own TypeScript and
 * tsconfig.json (the nearest one from the pipeline's folder up), or without one with the options
 * that fit how sluice runs it: bundled by esbuild, so module `preserve` and bundler resolution
 * (`.ts` imports allowed, every file an ES module), strict. Nothing is emitted.
 */
export function typeCheckPipeline(file: string): TypeCheckResult {
  const folder = path.dirname(file);
  const { ts, folder: tsFolder } = findTypeScript(folder);
  // sluice's published types use `const` type parameters (TypeScript 5.0).
  if (Number(ts.version.split('.')[0]) < 5) {
    throw new EnvironmentError(
      `Expected the project's TypeScript to be 5.0 or newer for sluice's types, got ${ts.version} (${tsFolder}): ` +
        '`npm install --save-dev typescript@latest`',
      tsFolder,
    );
  }
  const configFile = ts.findConfigFile(folder, ts.sys.fileExists, 'tsconfig.json');
  const { options, errors: configErrors } = configFile === undefined ? { options: defaultOptions(ts), errors: [] } : readConfig(ts, configFile);
  const javascript = /\.[cm]?jsx?$/.test(file);
  // A JavaScript pipeline is checked through its JSDoc and sluice's types (a misspelt wildcard is
  // caught as in TypeScript), without asking for types on every parameter, unless a tsconfig.json
  // says otherwise.
  const jsDefaults = javascript && configFile === undefined ? { checkJs: true, noImplicitAny: false } : {};
  const checked: TypeScript.CompilerOptions = { ...options, ...jsDefaults, noEmit: true, ...(javascript ? { allowJs: true } : {}) };
  delete checked.emitDeclarationOnly;
  delete checked.declaration;
  delete checked.composite;
  delete checked.incremental;
  delete checked.tsBuildInfoFile;
  if (ts.resolveModuleName('sluice', file, checked, ts.sys).resolvedModule === undefined) {
    checked.paths = { ...checked.paths, sluice: [SLUICE_TYPES] };
  }
  const program = ts.createProgram({ rootNames: [file], options: checked });
  // As tsc's pre-emit diagnostics, but sluice's own sources are not checked (from a checkout,
  // `import 'sluice'` is src/index.ts: checking all of it took ~10 s; only its types are needed).
  const diagnostics = [
    ...configErrors.filter((error) => error.code !== NO_INPUTS),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program
      .getSourceFiles()
      .filter((source) => !isInside(path.resolve(source.fileName), SLUICE_CODE) && !isInside(path.resolve(source.fileName), SLUICE_DEPS))
      .flatMap((source) => [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]),
  ];
  const errors = diagnostics
    .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
    .map((diagnostic) => describe(ts, diagnostic))
    .filter((error) => error.file === undefined || (!isInside(error.file, SLUICE_CODE) && !isInside(error.file, SLUICE_DEPS)));
  const uncheckedJs = javascript && checked.checkJs !== true && !/^\s*\/\/\s*@ts-check\b/m.test(program.getSourceFile(file)?.text ?? '');
  return { version: ts.version, config: configFile, errors: dedupe(errors), uncheckedJs };
}

// What `tsc --init` and a bundler's template would set, for a project without tsconfig.json.
function defaultOptions(ts: typeof TypeScript): TypeScript.CompilerOptions {
  const bundler = ts.ModuleResolutionKind.Bundler as TypeScript.ModuleResolutionKind | undefined;
  return {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    // TypeScript before 5.0 has no bundler resolution: Node's, as for an ES module package.
    ...(bundler === undefined
      ? { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }
      : { module: ts.ModuleKind.Preserve ?? ts.ModuleKind.ESNext, moduleResolution: bundler, allowImportingTsExtensions: true }),
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
  };
}

function readConfig(ts: typeof TypeScript, configFile: string): { options: TypeScript.CompilerOptions; errors: readonly TypeScript.Diagnostic[] } {
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error !== undefined) {
    throw new PlanError(`Could not read ${configFile}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  }
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configFile), undefined, configFile);
  return { options: parsed.options, errors: parsed.errors };
}

function describe(ts: typeof TypeScript, diagnostic: TypeScript.Diagnostic): TypeDiagnostic {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (diagnostic.file === undefined || diagnostic.start === undefined) {
    return { file: diagnostic.file?.fileName, line: 0, column: 0, code: diagnostic.code, message };
  }
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { file: path.resolve(diagnostic.file.fileName), line: line + 1, column: character + 1, code: diagnostic.code, message };
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

// A config error may come twice (from the config file and from the program's options).
function dedupe(errors: readonly TypeDiagnostic[]): TypeDiagnostic[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = JSON.stringify(error);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
