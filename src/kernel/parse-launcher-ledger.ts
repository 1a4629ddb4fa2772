// The python launcher's ledger (`.sluice/launchers/<its pid>`, libexec/sluice-launcher.py): a line
// `<pgid> <start> <task id>` per process group it started (`-`: start unknown; a ledger of an
// older sluice has no task id), and `- - <task id>` before it starts a task it held.

export interface LauncherLedger {
  /** The process groups it names, in order, each once. */
  readonly groups: ReadonlyArray<{ readonly pgid: number; readonly start: string | undefined }>;
  /** The tasks it names: started, or about to be. */
  readonly named: ReadonlySet<number>;
}

export function parseLauncherLedger(text: string): LauncherLedger {
  const groups = new Map<number, string | undefined>();
  const named = new Set<number>();
  for (const line of text.split('\n')) {
    const match = /^(\d+|-) (\d+|-)(?: (\d+))?$/.exec(line);
    if (match === null) continue;
    if (match[3] !== undefined) named.add(Number(match[3]));
    if (match[1] !== '-') groups.set(Number(match[1]), match[2] === '-' ? undefined : match[2]);
  }
  return { groups: [...groups].map(([pgid, start]) => ({ pgid, start })), named };
}
