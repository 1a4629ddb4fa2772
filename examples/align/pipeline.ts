// The lesson's bowtie2 wrapper as a pipeline: build the index once, align each sample's reads,
// and keep the header and the reads on one chromosome with a confident mapping quality.
//
//   npm run example:align                      (generates data/, then runs this file)
//   sluice run -f examples/align/pipeline.ts --param chromosome=chr1 --param threads=4
import fs from 'node:fs';
import path from 'node:path';
import { all, cmd, pipeline, step, streamLines } from 'sluice';
import { writeFilteredSam } from './filter-sam.ts';

/** bowtie2-build names its six files after this prefix; the command is only told the prefix. */
const INDEX = 'work/reference';

export default pipeline({
  params: { chromosome: 'chr7', minMapq: 10, threads: 2 },
  steps: (p) => ({
    index: step({
      in: 'data/reference.fa',
      out: ['1', '2', '3', '4', 'rev.1', 'rev.2'].map((part) => `${INDEX}.${part}.bt2`),
      run: cmd('bowtie2-build', '--quiet', '--threads', '{param.threads}', '--seed', '1', '{in}', INDEX),
      cpus: p.threads,
    }),
    align: step({
      in: { reads: 'data/{sample}.fq', index: all(`${INDEX}.{part}.bt2`) },
      out: { sam: 'out/{sample}.filtered.sam', log: 'out/{sample}.bowtie2.log' },
      cpus: p.threads,
      // Runs on a worker thread: bowtie2's SAM comes in line by line, and bowtie2 waits while
      // the filter or the disk is behind, so no sample is ever held in memory.
      run: async ({ inputs, outputs }) => {
        const prefix = (inputs.index[0] ?? '').replace(/(\.rev)?\.\d\.bt2$/, '');
        const argv = ['bowtie2', '-p', String(p.threads), '-x', prefix, '-U', inputs.reads];
        const sam = streamLines(argv, { stderrFile: outputs.log });
        const counts = await writeFilteredSam(sam, outputs.sam, { chromosome: p.chromosome, minMapq: p.minMapq });
        fs.appendFileSync(
          outputs.log,
          `kept ${counts.kept} of ${counts.reads} reads of ${path.basename(inputs.reads)} ` +
            `(on ${p.chromosome}, MAPQ > ${p.minMapq}) and ${counts.headers} header lines\n`,
        );
      },
    }),
  }),
});
