// The pipeline of pipeline.ts with Python scripts for steps (py/), run by sluice as argv
// commands: no shell, one task per patient and step, on every core. Its CSVs are byte for byte
// those of pipeline.ts (test/examples/diabetes.test.ts compares them).
//
//   sluice run -f examples/diabetes/pipeline-python.ts [--param data=DIR] [--param out=DIR]
import { all, cmd, pipeline, step } from 'sluice';

export default pipeline({
  params: {
    /** The folder of patient files `data-NN` (and `Data-Codes`). */
    data: 'data',
    /** Where the patient CSVs, rejects.csv and summary.csv go; work files go to OUT/work. */
    out: 'out/python',
    /** The code list; empty: DATA/Data-Codes. */
    codes: '',
  },
  steps: (p) => {
    const records = `${p.data}/data-{patient}`;
    const work = `${p.out}/work`;
    const codes = p.codes === '' ? `${p.data}/Data-Codes` : p.codes;
    // Each step's script and the module they share are inputs, so editing one re-runs its step.
    const shared = 'py/diabetes.py';
    return {
      dates: step({
        in: { records, script: 'py/standardise_dates.py', shared },
        out: `${work}/data-{patient}.tsv`,
        run: cmd('python3', '{in.script}', '{in.records}', '{out}'),
      }),
      codes: step({
        in: { dated: `${work}/data-{patient}.tsv`, records, codes, script: 'py/translate_codes.py', shared },
        out: { csv: `${p.out}/data-{patient}.csv`, rejects: `${work}/data-{patient}.rejects.csv`, ledger: `${work}/data-{patient}.ledger.csv` },
        run: cmd('python3', '{in.script}', '{in.codes}', '{in.dated}', '{in.records}', '{out.csv}', '{out.rejects}', '{out.ledger}'),
      }),
      rejects: step({
        in: { parts: all(`${work}/data-{patient}.rejects.csv`), script: 'py/collect_rejects.py', shared },
        out: `${p.out}/rejects.csv`,
        run: cmd('python3', '{in.script}', '{out}', '{in.parts}'),
      }),
      summary: step({
        in: { ledgers: all(`${work}/data-{patient}.ledger.csv`), rejects: `${p.out}/rejects.csv`, script: 'py/summarise.py', shared },
        out: `${p.out}/summary.csv`,
        run: cmd('python3', '{in.script}', '{in.rejects}', '{out}', '{in.ledgers}'),
      }),
    };
  },
});
