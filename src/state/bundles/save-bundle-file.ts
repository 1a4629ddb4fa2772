// The pipeline bundle cache (`.sluice/pipelines/`) is written here, not by the planner that builds
// the bundles: planning writes no file, its caller passes this function in.

import fs from 'node:fs';
import path from 'node:path';
import { classifyFault } from '../../classify-fault.ts';
import { writeFileAtomically } from '../../kernel/write-atomically.ts';

/** Writes one file of the bundle cache whole (its folder made first); a full disk is said as such. */
export function saveBundleFile(file: string, contents: string): void {
  const folder = path.dirname(file);
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw classifyFault(error, { writing: folder }) ?? error;
  }
  try {
    writeFileAtomically(file, contents);
  } catch (error) {
    throw classifyFault(error, { writing: file }) ?? error;
  }
}
