// Module resolution hook: lets a pipeline file anywhere `import ... from 'sluice'` and get the
// sluice that is loading it, when no node_modules beside the file provides one.
let fallback;

export function initialize(data) {
  fallback = data.url;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier !== 'sluice') return nextResolve(specifier, context);
  try {
    return await nextResolve(specifier, context);
  } catch {
    return { url: fallback, shortCircuit: true };
  }
}
