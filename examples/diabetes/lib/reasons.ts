// Why a line is rejected: `<what>: <detail>`, the part before the colon being the category that
// rejects.csv is counted by. py/diabetes.py words them identically (the test compares outputs).
// Field text is quoted as read (latin1: one character per byte).

import { LINE_LIMIT } from './line-stream.ts';

/**
 * Digits a value may have before its point, leading zeros aside: every sum of such values stays
 * an exact integer part in a double, so the mean reads the same in TypeScript and Python (400
 * digits gave `Infinity` here and a crash there).
 */
export const VALUE_DIGITS = 9;

export const REASONS = {
  emptyLine: (): string => 'line: empty',
  lineLong: (): string => `line: longer than ${LINE_LIMIT} bytes`,
  fieldCount: (count: number): string => `fields: expected 4 tab-separated fields, got ${count}`,
  splitHead: (next: number): string => `split record: code 0 without a value (continued on line ${next})`,
  splitTail: (previous: number): string => `split record: continues line ${previous}`,
  dateEmpty: (): string => 'date: empty',
  dateFormat: (text: string): string => `date: ${text} is not MM-DD-YYYY`,
  dateMissing: (text: string): string => `date: ${text} does not exist`,
  timeEmpty: (): string => 'time: empty',
  timeFormat: (text: string): string => `time: ${text} is not HH:MM`,
  timeRange: (text: string): string => `time: ${text} is not a time of day`,
  codeEmpty: (): string => 'code: empty',
  codeUnknown: (text: string): string => `code: ${text} is not in the code list`,
  valueEmpty: (): string => 'value: empty',
  valueFormat: (text: string): string => `value: ${text} is not a number`,
  valueRange: (text: string): string => `value: ${text} is out of range (more than ${VALUE_DIGITS} digits before the point)`,
};
