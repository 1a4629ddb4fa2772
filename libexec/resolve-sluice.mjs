// Module resolution hooks for pipeline files, registered after tsx's (so they run first):
// - `import ... from 'sluice'` gets the sluice that is loading the pipeline when no
//   node_modules beside the file provides one;
// - a `.ts` file outside node_modules is an ES module even in a folder whose package.json does
//   not say "type": "module": pipeline files are written with import/export, and Node 20 cannot
//   require() the ES module that sluice is.
let fallback;

export function initialize(data) {
  fallback = data.url;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'sluice') {
    try {
      return await nextResolve(specifier, context);
    } catch {
      return { url: fallback, format: 'module', shortCircuit: true };
    }
  }
  const result = await nextResolve(specifier, context);
  if (result.format === 'commonjs' && /\.ts$/.test(new URL(result.url).pathname) && !result.url.includes('/node_modules/')) {
    return { ...result, format: 'module' };
  }
  return result;
}
