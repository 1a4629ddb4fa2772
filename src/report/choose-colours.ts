/** How a report paints what succeeded, failed or was up to date; plain text when colour is off. */
export interface Colours {
  readonly enabled: boolean;
  readonly ok: (text: string) => string;
  readonly bad: (text: string) => string;
  readonly same: (text: string) => string;
  readonly dim: (text: string) => string;
}

export interface ColourStream {
  readonly isTTY?: boolean;
}

const paint =
  (open: number, close: number) =>
  (text: string): string =>
    text === '' ? '' : `\x1b[${open}m${text}\x1b[${close}m`;

export const PLAIN: Colours = { enabled: false, ok: String, bad: String, same: String, dim: String };
const PAINTED: Colours = { enabled: true, ok: paint(32, 39), bad: paint(31, 39), same: paint(36, 39), dim: paint(2, 22) };

/**
 * Colour on a terminal, as most command-line tools decide it: `FORCE_COLOR` (anything but `0`
 * or `false`) turns it on even off a terminal, `NO_COLOR` (any non-empty value, no-color.org)
 * turns it off, and so does `TERM=dumb`. FORCE_COLOR wins over NO_COLOR, as in Node itself.
 */
export function chooseColours(stream: ColourStream, env: NodeJS.ProcessEnv = process.env): Colours {
  return useColour(stream, env) ? PAINTED : PLAIN;
}

export function useColour(stream: ColourStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}
