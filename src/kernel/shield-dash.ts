/**
 * A relative path that starts with `-` (`-n.txt`) as `./-n.txt`: the same file, which a program
 * cannot take for an option (`cat -n.txt` would). Other paths are returned as they are.
 */
export function shieldDash(file: string): string {
  return file.charCodeAt(0) === 45 ? `./${file}` : file;
}
