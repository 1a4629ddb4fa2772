import type { Readable } from 'node:stream';
import { pickComplaint } from './find-python.ts';

/**
 * Keeps what a helper prints on standard error while it starts (an unfit python's complaint is
 * no news for the user when the next python fits), then passes it on; returns the line of what
 * it kept that says why the helper did not start.
 */
export function holdStartupStderr(stream: Readable, starting: () => boolean): () => string | undefined {
  let kept = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    if (starting()) kept = `${kept}${chunk}`.slice(-4096);
    else process.stderr.write(chunk);
  });
  return () => pickComplaint(kept);
}
