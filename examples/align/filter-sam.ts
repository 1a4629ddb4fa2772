// The lesson's filter, as a function over lines: SAM text in, the lines worth keeping out.
import fs from 'node:fs';
import { once } from 'node:events';

export interface SamFilter {
  /** Reference sequence name (SAM column 3) a read must be aligned to. */
  readonly chromosome: string;
  /** Reads need a mapping quality (column 5) above this. */
  readonly minMapq: number;
}

export interface FilterCounts {
  readonly headers: number;
  readonly reads: number;
  readonly kept: number;
}

/** Whether a SAM line stays: every header line, and reads on the chromosome with MAPQ above the bound. */
export function keepSamLine(line: string, filter: SamFilter): boolean {
  if (line.startsWith('@')) return true;
  const [, , chromosome, , mapq] = line.split('\t', 5);
  return chromosome === filter.chromosome && Number(mapq) > filter.minMapq;
}

/**
 * Writes the lines of `sam` that keepSamLine keeps to `file`, waiting for the disk when it falls
 * behind, so the program producing the lines is held back too and memory stays flat.
 */
export async function writeFilteredSam(sam: AsyncIterable<string>, file: string, filter: SamFilter): Promise<FilterCounts> {
  const out = fs.createWriteStream(file);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {}); // observed below, when a write waits
  let headers = 0;
  let reads = 0;
  let kept = 0;
  try {
    for await (const line of sam) {
      const header = line.startsWith('@');
      if (header) headers++;
      else if (line !== '') reads++;
      if (line === '' || !keepSamLine(line, filter)) continue;
      if (!header) kept++;
      if (!out.write(`${line}\n`)) await Promise.race([once(out, 'drain'), failed]);
    }
  } finally {
    out.end();
  }
  await Promise.race([once(out, 'close'), failed]);
  return { headers, reads, kept };
}
