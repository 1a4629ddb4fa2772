import fs from 'node:fs/promises';

const TAIL_BYTES = 8192;

/** The last `lines` lines of a text file, reading only its end; [] when it is missing or empty. */
export async function readTailLines(file: string, lines: number): Promise<string[]> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    if (size === 0) return [];
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8').replace(/\n$/, '');
    const all = text.split('\n');
    if (length < size) all.shift();
    return all.slice(-lines);
  } catch {
    return [];
  } finally {
    await handle?.close();
  }
}
