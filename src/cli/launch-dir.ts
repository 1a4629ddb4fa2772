// The folder sluice was started in, before any `-C DIR`: a printed command that is pasted back
// runs from there. Undefined when that folder was removed: `-C DIR` may still name one that
// exists, else the first use of the current directory says what is wrong (classify-fault.ts).
const LAUNCH_DIR = readCwd();

function readCwd(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined;
  }
}

/** `['-C', DIR]` when `-C` moved sluice away from where it started (relative to there), else []. */
export function changedDirectoryArgs(): string[] {
  const here = process.cwd();
  if (here === LAUNCH_DIR) return [];
  if (LAUNCH_DIR === undefined) return ['-C', here];
  const relative = here.startsWith(`${LAUNCH_DIR}/`) ? here.slice(LAUNCH_DIR.length + 1) : here;
  return ['-C', relative];
}
