/**
 * A function step's recorded "command" is `(function step NAME in MODULE)`, quoted: nothing to
 * paste into a shell, and its exit code is not a process's.
 */
export function readFunctionCommand(command: string | null): { step: string; module: string } | undefined {
  const match = command === null ? null : /^'?\(function step (.*) in (.*)\)'?$/s.exec(command);
  if (match === null) return undefined;
  const unquote = (text: string): string => text.replaceAll(`'\\''`, "'");
  return { step: unquote(match[1] as string), module: unquote(match[2] as string) };
}
