// Debug output for the process layer, only when SLUICE_DEBUG is set (any non-empty value).

const enabled = Boolean(process.env['SLUICE_DEBUG']);

export function debugLog(scope: string, message: string): void {
  if (enabled) process.stderr.write(`[sluice ${scope}] ${message}\n`);
}
