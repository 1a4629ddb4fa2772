// A symbolic link whose target is gone (or that leads back to itself) is no input: a glob that
// matched it, or a pipeline that names it, is refused with the link and its target named, never
// left out unseen (a sample missing from the result) nor run into "No such file".

import fs from 'node:fs';

/**
 * `a broken symbolic link to \`../x\`` when `file` (absolute, or relative to the working folder)
 * is a symbolic link that leads nowhere; undefined when it is no link or leads somewhere.
 */
export function describeBrokenLink(file: string): string | undefined {
  let target: string;
  try {
    target = fs.readlinkSync(file);
  } catch {
    return undefined;
  }
  try {
    fs.statSync(file);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return `a symbolic link that leads back to itself (to \`${target}\`)`;
    return `a broken symbolic link to \`${target}\`, which does not exist`;
  }
}

/** The error for a broken link among inputs; `where` as in check-input-files.ts, `fix` what else the user can do. */
export function brokenLinkMessage(input: string, where: string, kind: string, fix = ''): string {
  return `Expected input \`${input}\` ${where} to be a file, got ${kind}: restore its target or remove the link${fix}`;
}
