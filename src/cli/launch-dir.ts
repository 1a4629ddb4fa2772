// The folder sluice was started in, before any `-C DIR`: a printed command that is pasted back
// runs from there.
const LAUNCH_DIR = process.cwd();

/** `['-C', DIR]` when `-C` moved sluice away from where it started (relative to there), else []. */
export function changedDirectoryArgs(): string[] {
  const here = process.cwd();
  if (here === LAUNCH_DIR) return [];
  const relative = here.startsWith(`${LAUNCH_DIR}/`) ? here.slice(LAUNCH_DIR.length + 1) : here;
  return ['-C', relative];
}
