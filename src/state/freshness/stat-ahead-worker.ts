// The thread of stat-ahead.ts: reads the snapshot the command will confirm and checks its files'
// stamps, sharing the work with the command once it gets there. It decides nothing: the command
// takes what it found only for the very snapshot it reads under the lock.

import fs from 'node:fs';
import { workerData } from 'node:worker_threads';
import { createStampCheck, STAMP_WORDS, wordsOfStat } from './check-stamps.ts';
import { createStatName, decodeSnapshot } from './snapshot-file.ts';
import { abandonChecks, beginChecks, claimChecks, type StatAheadData } from './stat-ahead.ts';

const data = workerData as StatAheadData;
try {
  // Its stamp and bytes from one open file: a snapshot renamed into place meanwhile is not mixed in.
  const fd = fs.openSync(data.file, 'r');
  let bytes: Buffer;
  let stat: fs.BigIntStats;
  try {
    stat = fs.fstatSync(fd, { bigint: true });
    bytes = fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  const read = decodeSnapshot(bytes);
  const stamp = wordsOfStat({ size: stat.size, mtimeNs: stat.mtimeNs, inode: BigInt.asIntN(64, stat.ino), ctimeNs: stat.ctimeNs });
  if ('why' in read) abandonChecks(data);
  else if (beginChecks(data, read.paths.length, stamp)) {
    const { paths, words, header } = read;
    const check = createStampCheck(data.file);
    const nameOf = createStatName(header.base);
    claimChecks(data.control, data.changed, paths.length, (i) => check(nameOf(paths[i] as string), words, i * STAMP_WORDS));
  }
} catch {
  abandonChecks(data);
}
