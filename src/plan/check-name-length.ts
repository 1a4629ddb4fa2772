import path from 'node:path';
import { PlanError } from '../errors.ts';

// NAME_MAX of Linux's and macOS's common file systems (ext4, xfs, btrfs, tmpfs, APFS): bytes in
// one name of a path. A longer output name fails at its first write (ENAMETOOLONG), which read as
// "could not start `cat`: File name too long".
const NAME_MAX = 255;

// PATH_MAX of Linux (the NUL included): bytes in a whole path given to the kernel. A longer output
// path failed its first stat with a raw ENAMETOOLONG, reported as a bug in sluice (exit 70).
const PATH_MAX = 4096;

// What a task's path adds to its output's while it runs: the staging folder beside it
// (`.sluice-tmp-<run>-<n>/`, staging-folders.ts) and the NUL.
const STAGING_ROOM = 64;

type Place = { readonly file?: string; readonly step?: string };

/** Who writes the output and where it is declared, for the error: made only when there is one. */
export type OutputOwner = () => { readonly owner: string; readonly place?: Place };

/**
 * Refuses an output path with a name longer than the file system takes, or a whole path (against
 * `cwd`) longer than the kernel takes, before anything runs. Cheap for the usual path: one whose
 * UTF-16 length is at most 85 cannot hold a 256-byte name, and the owner's name is not made (a
 * task's name for each of 10,000 outputs was ~5 MB of a full check's allocations).
 */
export function checkNameLength(output: string, cwd: string, ownerOf: OutputOwner): void {
  if (output.length > NAME_MAX / 3) checkNames(output, ownerOf);
  // UTF-8 takes at most 3 bytes for a UTF-16 unit: a short path needs no counting.
  if ((cwd.length + 1 + output.length) * 3 + STAGING_ROOM <= PATH_MAX) return;
  const bytes = Buffer.byteLength(path.resolve(cwd, output));
  if (bytes + STAGING_ROOM <= PATH_MAX) return;
  const { owner, place = {} } = ownerOf();
  throw new PlanError(
    `Expected output \`${output}\` of ${owner} to have a path of at most ${PATH_MAX - STAGING_ROOM} bytes ` +
      `(the system's limit, less room for sluice's staging folder), got ${bytes} bytes from \`/\`` +
      (place.file === undefined ? '' : ` (${place.file})`) +
      '. Choose a shorter output path',
    { ...place, field: 'out' },
  );
}

function checkNames(output: string, ownerOf: OutputOwner): void {
  for (const name of output.split('/')) {
    const bytes = Buffer.byteLength(name);
    if (bytes <= NAME_MAX) continue;
    const { owner, place = {} } = ownerOf();
    throw new PlanError(
      `Expected output \`${output}\` of ${owner} to have names of at most ${NAME_MAX} bytes (the file system's limit), got one of ${bytes} bytes` +
        (place.file === undefined ? '' : ` (${place.file})`),
      { ...place, field: 'out' },
    );
  }
}
