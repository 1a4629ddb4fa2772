// A scatter-gather over the samples named in config.yaml: each sample is split into chunks of
// `lines` lines (how many is known only once the split ran), each chunk is tallied, the tallies
// are merged per sample (a command given `{threads}`), and the samples are summed. See README.md
// beside this file.
//
//   sluice run -f examples/scatter/pipeline.ts --config examples/scatter/config.yaml
//
// Relative paths are relative to this file's folder, as every path in a pipeline is.
import { all, directory, expand, pipeline, sh, step } from 'sluice';
import { splitLines } from './lib/split-lines.ts';
import { sumTables } from './lib/sum-tables.ts';
import { tallyWords } from './lib/tally-words.ts';

export default pipeline({
  params: {
    /** The folder of samples `SAMPLE.txt`. */
    data: 'data',
    /** Where the tables go; work files go to OUT/work. */
    out: 'out',
    /** The samples to run (config.yaml names them); other files in DATA are left out. */
    samples: ['A'],
    /** Lines per chunk. */
    lines: 50,
  },
  steps: (p) => {
    const work = `${p.out}/work`;
    return {
      split: step({
        description: 'split a sample into chunks of `lines` lines: a folder of 000.txt, 001.txt, ...',
        in: `${p.data}/{sample}.txt`,
        out: directory(`${work}/chunks/{sample}`),
        wildcards: { sample: p.samples },
        run: ({ input, output, params }) => splitLines(input, output, params.lines),
      }),
      tally: step({
        description: 'per chunk: lines and sum of each word',
        in: `${work}/chunks/{sample}/{chunk}.txt`,
        out: `${work}/tallies/{sample}/{chunk}.tsv`,
        run: ({ input, output }) => tallyWords(input, output),
      }),
      merge: step({
        description: "per sample: the chunks' tallies added up, sorted by word",
        // {sample} comes from the list: one task per sample, gathering that sample's chunks only.
        in: { parts: all(`${work}/tallies/{sample}/{chunk}.tsv`) },
        wildcards: { sample: p.samples },
        out: `${p.out}/{sample}.tsv`,
        cpus: 2,
        run: sh(
          "awk -F'\\t' -v OFS='\\t' '{{ n[$1] += $2; s[$1] += $3 }} END {{ for (w in n) print w, n[w], s[w] }}' {in.parts}" +
            ' | LC_ALL=C sort --parallel={threads} > {out}',
        ),
      }),
      total: step({
        description: 'over all samples: each word, and one summary line per sample',
        in: { tables: expand(`${p.out}/{sample}.tsv`, { sample: p.samples }) },
        out: { words: `${p.out}/words.tsv`, summary: `${p.out}/summary.tsv` },
        run: ({ inputs, outputs }) => sumTables(inputs.tables, outputs),
      }),
    };
  },
});
