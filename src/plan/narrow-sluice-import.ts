// A bundled pipeline imports 'sluice' as `import { a, b } from "<index URL>"` (esbuild merges a
// module's named imports of one external into such statements). When every name it takes is in
// pipeline-api.ts, the statements are pointed there instead, so that loading the pipeline (on the
// main thread and on each worker thread) does not load the executors, the pool and the launcher.

/** The names pipeline-api.ts exports, and its URL beside `indexUrl` (index.ts/.js). */
export const PIPELINE_API_NAMES: ReadonlySet<string> = new Set(['SluiceError', 'PlanError', 'BackendError', 'pipeline', 'step', 'cmd', 'sh', 'all', 'expand']);

export function narrowSluiceImport(code: string, indexUrl: string): string {
  const lightUrl = new URL(indexUrl.endsWith('.ts') ? './plan/pipeline-api.ts' : './plan/pipeline-api.js', indexUrl).href;
  const quoted = JSON.stringify(indexUrl);
  const statement = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*${escapeRegExp(quoted)};`, 'g');
  let named = 0;
  for (const match of code.matchAll(statement)) {
    const names = (match[1] ?? '').split(',').map((part) => part.trim().split(/\s+as\s+/)[0] ?? '').filter((name) => name !== '');
    if (!names.every((name) => PIPELINE_API_NAMES.has(name))) return code;
    named += 1;
  }
  // Any other use of the URL (import *, export from, import()) keeps all of sluice.
  if (named === 0 || code.split(quoted).length - 1 !== named) return code;
  return code.replace(statement, (match) => match.replace(quoted, JSON.stringify(lightUrl)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
