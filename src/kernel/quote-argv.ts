// Renders an argv so it can be pasted into a POSIX shell and run as the very same argv: for
// error messages and `--dry-run`. Never used to run anything (sluice runs argv arrays); quoteArg
// alone also quotes values in scripts sluice runs, so it never writes `$'...'`.

// Characters that never need quoting in sh, in any position of a word.
const plainWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArgv(argv: readonly string[]): string {
  // A leading NAME=value word would be taken as an assignment, not as the program.
  // One string built in a loop: a million-task dry run quotes every task's argv.
  let text = '';
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (index > 0) text += ' ';
    text += index === 0 && arg.includes('=') && !CONTROL.test(arg) ? quoteAlways(arg) : showArg(arg);
  }
  return text;
}

export function quoteArg(arg: string): string {
  if (arg === '') return "''";
  return plainWord.test(arg) ? arg : quoteAlways(arg);
}

// C0 controls, DEL and C1 controls: printed raw, a name holding them could move the cursor,
// clear the screen or recolour the terminal of whoever reads a failure or a plan.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * An argument for a person to read and paste (failures, re-run commands, plans): as quoteArg,
 * but a word with control characters is written in ANSI-C quotes, `$'data/a\nb.txt'`, which
 * bash, zsh, ksh and POSIX.1-2024 sh read back as the same bytes. Not for scripts that sluice
 * runs: dash, /bin/sh on Debian, reads `$'...'` literally (those use quoteArg).
 */
export function showArg(arg: string): string {
  if (!CONTROL.test(arg)) return quoteArg(arg);
  let text = "$'";
  for (const char of arg) {
    const code = char.codePointAt(0) as number;
    if (char === '\\' || char === "'") text += `\\${char}`;
    else if (char === '\n') text += '\\n';
    else if (char === '\t') text += '\\t';
    else if (code < 0x20 || code === 0x7f) text += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x80 && code <= 0x9f) text += `\\u${code.toString(16).padStart(4, '0')}`;
    else text += char;
  }
  return `${text}'`;
}

function quoteAlways(arg: string): string {
  // Inside single quotes nothing is special except the quote itself: close, escape, reopen.
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
