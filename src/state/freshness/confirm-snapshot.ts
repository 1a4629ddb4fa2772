// The no-op short cut's check of the last run's snapshot (up-to-date-snapshot.ts says what it
// vouches for): one stat a file, begun on a thread at start-up when one was (stat-ahead.ts).

import fs from 'node:fs';
import { statFile } from '../hashes/stat-file.ts';
import { createStampCheck, fullStampOf, STAMP_WORDS, wordsOfStat } from './check-stamps.ts';
import { createStatName, decodeSnapshot } from './snapshot-file.ts';
import { findChangedFiles } from './stat-ahead.ts';
import type { UnchangedFiles } from './unchanged-files.ts';

/**
 * The number of tasks, when the snapshot exists, has this key, and every stamp is as recorded;
 * otherwise why not, in words for `SLUICE_DEBUG`, and (when only files changed, no folder it
 * listed) which files did (unchanged-files.ts). `meanwhile`: what may be done while a thread
 * checks files, once one changed (stat-ahead.ts).
 */
export function confirmSnapshot(file: string, key: string, meanwhile?: () => void): { readonly tasks: number } | { readonly why: string; readonly unchanged?: UnchangedFiles } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { why: `no snapshot to confirm (${(error as Error).message})` };
  }
  const stat = statFile(file);
  const read = decodeSnapshot(bytes);
  if ('why' in read) return read;
  const { header, words, paths, wordsAt } = read;
  if (header.key !== key) return { why: 'the pipeline, its parameters, steps, declared environment or targets differ' };
  // Indexed loop, cheapest check first: 20,000 stats are most of a no-op run; a thread may have
  // begun them while sluice loaded (stat-ahead.ts).
  const check = createStampCheck(file);
  const nameOf = createStatName(header.base);
  const same = (i: number): boolean => check(nameOf(paths[i] as string), words, i * STAMP_WORDS);
  const changed = findChangedFiles(file, stat === undefined ? undefined : wordsOfStat(stat), paths.length, { same, stopBefore: header.folders, meanwhile });
  if (changed === undefined) return { tasks: header.tasks };
  const first = changed.indexOf(1);
  const name = paths[first] as string;
  const why = `${name.startsWith('/') || header.base === '' ? name : `${header.base}/${name}`} changed`;
  // A folder changed: the plan may differ, and nothing of the snapshot holds.
  if (first < header.folders || stat === undefined) return { why };
  const snapshot = { file, stamp: fullStampOf(stat), bytes, wordsAt };
  return { why, unchanged: { snapshot, base: header.base, paths, words, changed, folders: header.folders } };
}
