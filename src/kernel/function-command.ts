// A function step has no command line: where one is shown or recorded, its task has one word,
// `(function step NAME in MODULE)`. Written and read here, so the two stay one format.

/** The one-word "command" of a function step's task. */
export function renderFunctionCommand(step: string, module: string): string {
  return `(function step ${step} in ${module})`;
}

/**
 * The step and module of a function step's command, as rendered or as recorded (quoted for a
 * shell, by quoteArgv); undefined for any other command: its exit code is then a process's.
 */
export function readFunctionCommand(command: string | null): { step: string; module: string } | undefined {
  if (command === null) return undefined;
  // Quoted: the whole word in single quotes, each quote inside written '\''.
  const quoted = command.length > 1 && command.startsWith("'") && command.endsWith("'");
  const text = quoted ? command.slice(1, -1).replaceAll(`'\\''`, "'") : command;
  const match = /^\(function step (.*) in (.*)\)$/s.exec(text);
  return match === null ? undefined : { step: match[1] as string, module: match[2] as string };
}
