import { PlanError } from '../errors.ts';

// NAME_MAX of Linux's and macOS's common file systems (ext4, xfs, btrfs, tmpfs, APFS): bytes in
// one name of a path. A longer output name fails at its first write (ENAMETOOLONG), which read as
// "could not start `cat`: File name too long".
const NAME_MAX = 255;

/**
 * Refuses an output path with a name longer than the file system takes, before anything runs.
 * Cheap for the usual path: one whose UTF-16 length is at most 85 cannot hold a 256-byte name.
 */
export function checkNameLength(output: string, owner: string, place: { readonly file?: string; readonly step?: string } = {}): void {
  if (output.length <= NAME_MAX / 3) return;
  for (const name of output.split('/')) {
    const bytes = Buffer.byteLength(name);
    if (bytes <= NAME_MAX) continue;
    throw new PlanError(
      `Expected output \`${output}\` of ${owner} to have names of at most ${NAME_MAX} bytes (the file system's limit), got one of ${bytes} bytes` +
        (place.file === undefined ? '' : ` (${place.file})`),
      { ...place, field: 'out' },
    );
  }
}
