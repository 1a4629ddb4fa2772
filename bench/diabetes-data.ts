// The generated diabetes record sets the diabetes benchmarks read: made by the example's own
// generator on first use and kept in the temp folder while the settings stay the same.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const generator = fileURLToPath(new URL('../examples/diabetes/generate.mjs', import.meta.url));

/** The folder of `files` patient files, `lines` lines in all, at fault rate `faults`. */
export function ensureDiabetesData(files: number, lines: number, faults: string): string {
  const data = path.join(tmpdir(), `sluice-bench-diabetes-${files}-${lines}-${faults}`);
  const argv = [generator, '--files', String(files), '--lines', String(lines), '--fault-rate', faults, '--out', data, '--if-missing'];
  const generated = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (generated.status !== 0) throw new Error(`Expected \`faults\` to be a fault rate between 0 and 0.5, got \`${faults}\` (generate.mjs exited with ${generated.status})`);
  return data;
}
