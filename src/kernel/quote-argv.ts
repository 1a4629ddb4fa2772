// Renders an argv so it can be pasted into a POSIX shell and run as the very same argv: for
// error messages and `--dry-run`. Never used to run anything (sluice runs argv arrays).

// Characters that never need quoting in sh, in any position of a word.
const plainWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArgv(argv: readonly string[]): string {
  // A leading NAME=value word would be taken as an assignment, not as the program.
  // One string built in a loop: a million-task dry run quotes every task's argv.
  let text = '';
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (index > 0) text += ' ';
    text += index === 0 && arg.includes('=') ? quoteAlways(arg) : quoteArg(arg);
  }
  return text;
}

export function quoteArg(arg: string): string {
  if (arg === '') return "''";
  return plainWord.test(arg) ? arg : quoteAlways(arg);
}

function quoteAlways(arg: string): string {
  // Inside single quotes nothing is special except the quote itself: close, escape, reopen.
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
