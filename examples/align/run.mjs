// `npm run example:align`: checks that bowtie2 is installed, generates the data, runs the
// pipeline with the built sluice (dist/, made by `npm ci`), and says what the filter kept.
// Extra arguments go to `sluice run` (e.g. `npm run example:align -- --param chromosome=chr1`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '../../dist/cli/main.js');

for (const program of ['bowtie2', 'bowtie2-build']) {
  const probe = spawnSync(program, ['--version'], { stdio: 'ignore', timeout: 30_000 });
  if (probe.error !== undefined || probe.status !== 0) {
    console.error(
      `align: this example needs bowtie2, and \`${program}\` ${probe.error?.code === 'ENOENT' ? 'is not on PATH' : 'does not run'}.\n` +
        '  Debian or Ubuntu: sudo apt-get install bowtie2\n' +
        '  conda:            conda install -c bioconda bowtie2',
    );
    process.exit(1);
  }
}
if (!fs.existsSync(cli)) {
  console.error(`align: ${path.relative(process.cwd(), cli)} is missing; build sluice first with \`npm ci\` or \`npm run build\``);
  process.exit(1);
}

const generate = spawnSync(process.execPath, [path.join(here, 'generate.mjs')], { stdio: 'inherit', timeout: 60_000 });
if (generate.status !== 0) process.exit(generate.status ?? 1);

const run = spawnSync(process.execPath, [cli, 'run', '-f', path.join(here, 'pipeline.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

// The align step ends each sample's log with what the filter kept.
const out = path.join(here, 'out');
for (const log of fs.readdirSync(out).filter((name) => name.endsWith('.bowtie2.log')).sort()) {
  const last = fs.readFileSync(path.join(out, log), 'utf8').trimEnd().split('\n').at(-1);
  console.error(`align: ${last}`);
}
console.error(`align: filtered SAM files in ${path.relative(process.cwd(), out)}/`);
