// The UCI diabetes records as CSV: one file per patient, with ISO dates, the code's description
// and the input's line number; every line that cannot be converted in rejects.csv with its file,
// line and reason; and a check that no line went missing. See README.md beside this file.
//
//   sluice run -f examples/diabetes/pipeline.ts [--param data=DIR] [--param out=DIR]
//
// Relative DIRs are relative to this file's folder, as every path in a pipeline is.
import { all, pipeline, step } from 'sluice';
import { collectRejectsFile } from './lib/collect-rejects.ts';
import { standardiseDatesFile } from './lib/standardise-dates.ts';
import { summariseFile } from './lib/summarise.ts';
import { translateCodesFile } from './lib/translate-codes.ts';

export default pipeline({
  params: {
    /** The folder of patient files `data-NN` (and `Data-Codes`). */
    data: 'data',
    /** Where the patient CSVs, rejects.csv and summary.csv go; work files go to OUT/work. */
    out: 'out',
    /** The code list; empty: DATA/Data-Codes. */
    codes: '',
  },
  steps: (p) => {
    const records = `${p.data}/data-{patient}`;
    const work = `${p.out}/work`;
    const codes = p.codes === '' ? `${p.data}/Data-Codes` : p.codes;
    // The steps' code in lib/ needs no declaring: a function step's signature covers the local
    // modules the pipeline imports, so an edit there makes the steps run again.
    return {
      dates: step({
        description: 'standardise dates and times; reject lines that are not four fields with a real date and time',
        in: { records },
        out: `${work}/data-{patient}.tsv`,
        run: ({ inputs, output }) => standardiseDatesFile(inputs.records, output),
      }),
      codes: step({
        description: 'translate codes, check values; write the patient CSV, its rejects, and its ledger: fail unless every input line is in one of them exactly once',
        in: { dated: `${work}/data-{patient}.tsv`, records, codes },
        out: { csv: `${p.out}/data-{patient}.csv`, rejects: `${work}/data-{patient}.rejects.csv`, ledger: `${work}/data-{patient}.ledger.csv` },
        run: ({ inputs, outputs }) => translateCodesFile({ ...inputs, ...outputs }),
      }),
      rejects: step({
        description: 'every rejected line in one file',
        in: { parts: all(`${work}/data-{patient}.rejects.csv`) },
        out: `${p.out}/rejects.csv`,
        run: ({ inputs, output }) => collectRejectsFile(inputs.parts, output),
      }),
      summary: step({
        description: 'per patient: lines, records, rejects, date range, mean blood glucose',
        in: { ledgers: all(`${work}/data-{patient}.ledger.csv`), rejects: `${p.out}/rejects.csv` },
        out: `${p.out}/summary.csv`,
        run: ({ inputs, output }) => summariseFile(inputs.ledgers, inputs.rejects, output),
      }),
    };
  },
});
