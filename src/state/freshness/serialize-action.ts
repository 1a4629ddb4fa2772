// The canonical text of an argv action, written directly: signing 10,000 tasks per no-op run
// makes the generic serializer's key sorting a measurable share of the budget.

import type { SignedAction } from './compute-signature.ts';
import { serializeCanonical } from './serialize-canonical.ts';

/** Exactly `serializeCanonical(action, 'action')`, faster for argv actions from the planner. */
export function serializeAction(action: SignedAction): string {
  // Anything but the planner's exact argv shape takes the generic, validating path.
  if (action.kind !== 'argv' || Object.keys(action).length !== 2) return serializeCanonical(action, 'action');
  let text = '{"argv":[';
  for (let i = 0; i < action.argv.length; i += 1) {
    const arg = action.argv[i];
    if (i > 0) text += ',';
    if (typeof arg === 'string') {
      text += JSON.stringify(arg);
      continue;
    }
    if (typeof arg !== 'object' || arg === null || !Array.isArray(arg.parts) || Object.keys(arg).length !== 1) {
      return serializeCanonical(action, 'action');
    }
    text += '{"parts":[';
    for (let j = 0; j < arg.parts.length; j += 1) {
      const part = arg.parts[j];
      if (j > 0) text += ',';
      if (typeof part === 'string') text += JSON.stringify(part);
      else if (Number.isInteger(part?.output) && Object.keys(part as object).length === 1) text += `{"output":${part?.output}}`;
      else return serializeCanonical(action, 'action');
    }
    text += ']}';
  }
  return `${text}],"kind":"argv"}`;
}
