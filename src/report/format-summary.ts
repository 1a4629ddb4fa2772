import { PLAIN, type Colours } from './choose-colours.ts';
import type { RunSummary } from '../schedule/run-events.ts';
import { formatSeconds } from '../kernel/format-seconds.ts';

/** One line: how many tasks ended how, and how long the run took. */
export function formatSummary(summary: RunSummary, colours: Colours = PLAIN): string {
  const { counts } = summary;
  const parts = counts.succeeded > 0 || counts['up to date'] === 0 ? [(counts.succeeded > 0 ? colours.ok : String)(`${counts.succeeded} succeeded`)] : [];
  if (counts['up to date'] > 0) parts.push(colours.same(`${counts['up to date']} up to date`));
  if (counts.failed > 0) parts.push(colours.bad(`${counts.failed} failed`));
  if (counts.cancelled > 0) parts.push(`${counts.cancelled} cancelled`);
  if (counts['not run'] > 0) parts.push(`${counts['not run']} not run`);
  const head = summary.interrupted ? 'interrupted' : `${summary.total} task${summary.total === 1 ? '' : 's'}`;
  return `sluice: ${head}: ${parts.join(', ')} in ${formatSeconds(summary.endedAt - summary.startedAt)}`;
}
