import path from 'node:path';
import type { Command } from 'commander';
import { findPipelineFile } from '../plan/load-pipeline.ts';
import { typeCheckPipeline, type TypeDiagnostic } from '../plan/type-check-pipeline.ts';

interface CheckFlags {
  /** `-C DIR`: handled before the action runs (main.ts), as make -C. */
  directory?: string;
  file?: string;
}

export function defineCheckCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('check')
    .summary("type-check the pipeline with the project's TypeScript")
    .description(
      "Type-check the pipeline in pipeline.ts (or -f FILE), and the modules it imports, with the project's " +
        'own TypeScript (npm install --save-dev typescript) and its tsconfig.json, if any. Runs nothing. ' +
        'Exits 0 when there is no type error, 1 when there is, 3 when TypeScript is not installed.',
    )
    .usage('[OPTIONS]')
    .option('-C, --directory <dir>', 'change to DIR first, as make -C')
    .option('-f, --file <file>', 'the pipeline file (default: pipeline.ts, .mts, .js or .mjs here)')
    .action((flags: CheckFlags) => {
      setExitCode(checkPipelineTypes(findPipelineFile(process.cwd(), flags.file)));
    });
}

export interface CheckOutput {
  /** No line when there is no error. */
  readonly quiet?: boolean;
  /** Where the errors go: stdout (as tsc), stderr under `run --json`, whose stdout is events. */
  readonly errors?: NodeJS.WritableStream;
}

/**
 * Type-checks `file`, prints its type errors (as tsc does, `file:line:col`) and one line on
 * stderr; returns 1 when there are errors, else 0. `sluice run --check` calls it too.
 */
export function checkPipelineTypes(file: string, options: CheckOutput = {}): number {
  const result = typeCheckPipeline(file);
  const shown = path.relative(process.cwd(), file) || file;
  const by = `TypeScript ${result.version}, ${result.config === undefined ? "sluice's default options" : path.relative(process.cwd(), result.config) || result.config}`;
  if (result.errors.length === 0) {
    const unchecked = result.uncheckedJs ? '; a JavaScript file is checked only with `// @ts-check` or `checkJs`' : '';
    if (options.quiet !== true) process.stderr.write(`sluice: ${shown}: no type errors (${by}${unchecked})\n`);
    return 0;
  }
  (options.errors ?? process.stdout).write(result.errors.map(formatTypeError).join(''));
  const count = result.errors.length === 1 ? '1 type error' : `${result.errors.length} type errors`;
  process.stderr.write(`sluice: ${shown}: ${count} (${by})${hintFor(result.errors)}\n`);
  return 1;
}

function formatTypeError(error: TypeDiagnostic): string {
  const where = error.file === undefined ? '' : `${path.relative(process.cwd(), error.file) || error.file}:${error.line}:${error.column} - `;
  return `${where}error TS${error.code}: ${error.message.replaceAll('\n', '\n  ')}\n`;
}

// TS2307 for `node:fs`: the project lacks Node's types, which TypeScript does not say.
function hintFor(errors: readonly TypeDiagnostic[]): string {
  const nodeTypes = errors.some((error) => error.code === 2307 && /'node:/.test(error.message));
  return nodeTypes ? "\nsluice: the types of Node's own modules come from @types/node: `npm install --save-dev @types/node`" : '';
}
