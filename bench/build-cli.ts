// Shared by benchmarks that run the sluice CLI or outside programs.
import { accessSync, constants, existsSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

// The CLI as users run it: built by `npm run build`'s script (scripts/build.mjs, esbuild; no .d.ts)
// from the current source into the benchmark's temp dir (libexec/ and node_modules/ linked beside
// it), so a stale dist/ is never measured.
export async function buildCli(dir: string): Promise<{ command: string[]; label: string } | undefined> {
  const source = path.join(root, 'src', 'cli', 'main.ts');
  if (!existsSync(source)) return undefined;
  const outDir = path.join(dir, 'build', 'dist');
  try {
    await runCommand({ argv: [process.execPath, path.join(root, 'scripts', 'build.mjs'), '--outdir', outDir, '--no-types'], timeoutMs: 300_000 });
  } catch (error) {
    // Someone's work in progress may not compile: measure it through tsx instead.
    const tsx = import.meta.resolve('tsx');
    const why = `the build failed: ${(error as Error).message.split('\n')[0]}`;
    return { command: [process.execPath, '--import', tsx, source], label: `src/cli/main.ts through tsx (${why})` };
  }
  for (const name of ['libexec', 'node_modules', 'package.json']) {
    await symlink(path.join(root, name), path.join(dir, 'build', name));
  }
  return { command: [process.execPath, path.join(outDir, 'cli', 'main.js')], label: 'the CLI built from the current src/ (scripts/build.mjs, temp dir)' };
}

/** Where `program` is on PATH (the first executable of that name), or undefined. */
export function whichOnPath(program: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir || '.', program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function findOnPath(program: string): boolean {
  return whichOnPath(program) !== undefined;
}
