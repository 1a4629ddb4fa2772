// One CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line end,
// with quotes doubled. Strings here are latin1 (one character per byte of the input).

const NEEDS_QUOTES = /[",\r\n]/;

export function formatCsvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
