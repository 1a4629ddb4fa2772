// A step's `memory` ('4G', '1.5G', '512MiB', '2048') as Slurm's --mem takes it: a whole number
// with K, M, G or T, or none for megabytes, as in Slurm. One grammar for the planner, which refuses
// what it cannot read, and for the Slurm backend, which submits what it gives.

const MEMORY = /^(\d+(?:\.\d+)?)\s*(?:([KMGT])(?:i?B)?)?$/i;
const MEGABYTES_PER: Readonly<Record<string, number>> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/**
 * The size as --mem takes it: `4G`, `4GB` and `4GiB` give `4G`; `1.5G` gives `1536M`; `2048`
 * (megabytes) stays `2048`. Undefined when the text is not a size above zero that Slurm can hold:
 * no unit but a `B` (`512B` is not 512 megabytes), or more megabytes than a safe integer.
 */
export function parseMemory(memory: string): string | undefined {
  const match = MEMORY.exec(memory.trim());
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? '').toUpperCase();
  const megabytes = amount * (MEGABYTES_PER[unit === '' ? 'M' : unit] as number);
  if (!(megabytes > 0) || !Number.isSafeInteger(Math.ceil(megabytes))) return undefined;
  if (Number.isInteger(amount)) return `${amount}${unit}`;
  return `${Math.ceil(megabytes)}M`;
}
