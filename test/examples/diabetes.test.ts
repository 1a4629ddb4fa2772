// examples/diabetes through the real CLI: on a generated sample (always), on handmade odd
// files, and on the real UCI files when ../shared/data/uci-diabetes is there. Every input line
// must come out exactly once, as a CSV row equal to what this file computes on its own, or as
// a row of rejects.csv; and the Python pipeline must write the same bytes as the TypeScript one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { listFiles, makeTempDir, REPO, runSluice } from '../helpers/run-sluice.ts';

const EXAMPLE = path.join(REPO, 'examples', 'diabetes');
// Read where it lies, beside the repository; never copied into it.
const REAL_DATA = path.resolve(REPO, '..', 'shared', 'data', 'uci-diabetes');

/** The example's code in a fresh folder, so that its `.sluice/` state is the test's own. */
function copyExample(): string {
  const dir = makeTempDir('sluice-diabetes-');
  for (const name of ['pipeline.ts', 'pipeline-python.ts', 'generate.mjs', 'lib', 'py']) {
    fs.cpSync(path.join(EXAMPLE, name), path.join(dir, name), { recursive: true });
  }
  return dir;
}

function generate(out: string, ...settings: string[]): void {
  const result = spawnSync(process.execPath, [path.join(EXAMPLE, 'generate.mjs'), '--out', out, ...settings], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
}

async function runPipeline(project: string, file: string, data: string, out: string, ...options: string[]): Promise<string> {
  const result = await runSluice(['run', '-f', path.join(project, file), ...options, '--param', `data=${data}`, '--param', `out=${out}`], { cwd: project });
  assert.equal(result.code, 0, result.stderr);
  return result.stderr;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let at = 0; at < text.length; at++) {
    const char = text[at] as string;
    if (quoted && char === '"' && text[at + 1] === '"') {
      field += '"';
      at++;
    } else if (char === '"') quoted = !quoted;
    else if (quoted || (char !== ',' && char !== '\n')) field += char;
    else {
      row.push(field);
      field = '';
      if (char === '\n') {
        rows.push(row);
        row = [];
      }
    }
  }
  return rows;
}

const toCsvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** Input lines as the pipeline counts them: `\n` ends a line, a `\r` before it is dropped. */
function readLines(file: string): string[] {
  const text = fs.readFileSync(file, 'latin1');
  const lines = text === '' ? [] : text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.map((line) => line.replace(/\r$/, ''));
}

interface Outcome {
  /** The CSV row without its line column. */
  readonly row?: string;
  readonly reason?: string;
}

/** What the outputs say became of each line of each input file; a line found twice fails. */
function readOutcomes(data: string, out: string): Map<string, Map<number, Outcome>> {
  const outcomes = new Map<string, Map<number, Outcome>>();
  const record = (file: string, line: number, outcome: Outcome): void => {
    const lines = outcomes.get(file) ?? new Map<number, Outcome>();
    outcomes.set(file, lines);
    assert.ok(!lines.has(line), `${file}:${line} is in the outputs twice`);
    lines.set(line, outcome);
  };
  const inputs = fs.readdirSync(data).filter((name) => /^data-\d+$/.test(name)).sort();
  for (const file of inputs) {
    const [header, ...rows] = fs.readFileSync(path.join(out, `${file}.csv`), 'latin1').split('\n').slice(0, -1);
    assert.equal(header, 'date,time,code,description,value,line');
    for (const row of rows) record(file, Number(row.slice(row.lastIndexOf(',') + 1)), { row: row.slice(0, row.lastIndexOf(',')) });
  }
  const [header, ...rejects] = parseCsv(fs.readFileSync(path.join(out, 'rejects.csv'), 'latin1'));
  assert.deepEqual(header, ['file', 'line', 'reason', 'record']);
  for (const [file = '', line = '', reason = '', raw = ''] of rejects) {
    record(file, Number(line), { reason });
    assert.equal(raw, readLines(path.join(data, file))[Number(line) - 1], `rejects.csv quotes ${file}:${line} as read`);
  }
  for (const file of inputs) {
    const count = readLines(path.join(data, file)).length;
    const seen = [...(outcomes.get(file)?.keys() ?? [])].sort((a, b) => a - b);
    assert.deepEqual(seen, Array.from({ length: count }, (_, index) => index + 1), `every line of ${file} exactly once`);
  }
  return outcomes;
}

/** summary.csv's rows, computed here from the inputs, the CSVs and rejects.csv as written. */
function computeSummary(data: string, out: string, descriptions: ReadonlyMap<string, string>): string[][] {
  const [, ...rejects] = parseCsv(fs.readFileSync(path.join(out, 'rejects.csv'), 'latin1'));
  const inputs = fs.readdirSync(data).filter((name) => /^data-\d+$/.test(name)).sort();
  return inputs.map((file) => {
    const rows = parseCsv(fs.readFileSync(path.join(out, `${file}.csv`), 'latin1')).slice(1);
    const days = rows.map((row) => row[0] as string).sort();
    const glucose = rows.filter((row) => /blood glucose/i.test(descriptions.get(row[2] as string) ?? '')).map((row) => Number(row[4]));
    const mean = glucose.length === 0 ? '' : (glucose.reduce((sum, value) => sum + value, 0) / glucose.length).toFixed(2);
    const rejected = rejects.filter((row) => row[0] === file).length;
    return [file, String(readLines(path.join(data, file)).length), String(rows.length), String(rejected), days[0] ?? '', days.at(-1) ?? '', String(glucose.length), mean];
  });
}

/** The CSV row a valid record becomes, computed here without the example's code. */
function expectedRow(raw: string, descriptions: ReadonlyMap<string, string>): string {
  const [date = '', time = '', code = '', value = ''] = raw.split('\t');
  const [month, day, year] = date.split('-');
  const description = descriptions.get(code) ?? assert.fail(`no description for ${code}`);
  return `${year}-${month}-${day},${time.padStart(5, '0')},${code},${toCsvField(description)},${value.replace(/^0+(?=\d)/, '')}`;
}

function readDescriptions(codes: string): Map<string, string> {
  const entries = fs.readFileSync(codes, 'latin1').split('\n').map((line) => /^(\d+) = (.*?)\s*$/.exec(line));
  return new Map(entries.flatMap((match) => (match === null ? [] : [[match[1] as string, match[2] as string] as const])));
}

function countByCategory(outcomes: Map<string, Map<number, Outcome>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const lines of outcomes.values()) {
    for (const { reason } of lines.values()) {
      if (reason !== undefined) counts[reason.split(':')[0] as string] = (counts[reason.split(':')[0] as string] ?? 0) + 1;
    }
  }
  return counts;
}

function assertSameFiles(a: string, b: string): void {
  const files = listFiles(a).filter((file) => !file.endsWith('/'));
  assert.deepEqual(files, listFiles(b).filter((file) => !file.endsWith('/')));
  for (const file of files) assert.ok(fs.readFileSync(path.join(a, file)).equals(fs.readFileSync(path.join(b, file))), `${file} differs`);
}

describe('examples/diabetes on a generated sample', () => {
  const project = copyExample();
  const data = path.join(makeTempDir('sluice-diabetes-data-'), 'data');
  const out = path.join(makeTempDir('sluice-diabetes-out-'), 'out');
  generate(data, '--files', '24', '--lines', '9000', '--fault-rate', '0.02');

  it('puts every line in a CSV or rejects.csv, as the generator planned, and then has nothing to do', async () => {
    await runPipeline(project, 'pipeline.ts', data, out);
    const outcomes = readOutcomes(data, out);
    const descriptions = readDescriptions(path.join(data, 'Data-Codes'));
    const [, ...faults] = fs.readFileSync(path.join(data, '.faults.tsv'), 'utf8').trim().split('\n').map((line) => line.split('\t'));
    const planned = new Map(faults.map(([file, line, kind, expect]) => [`${file}:${line}`, { kind, expect }]));
    assert.ok(new Set(faults.map(([, , kind]) => kind)).size >= 14, 'the sample has every kind of fault');
    for (const [file, lines] of outcomes) {
      const raw = readLines(path.join(data, file));
      for (const [line, outcome] of lines) {
        const fault = planned.get(`${file}:${line}`);
        const where = `${file}:${line} (${fault?.kind ?? 'no fault'}) ${JSON.stringify(raw[line - 1])}`;
        if (fault === undefined || fault.expect === 'keep') assert.equal(outcome.row, expectedRow(raw[line - 1] as string, descriptions), where);
        else assert.ok(outcome.reason?.startsWith(`${(fault.expect ?? '').slice('reject:'.length)}:`), `${where}: ${outcome.reason}`);
      }
    }
    const summary = parseCsv(fs.readFileSync(path.join(out, 'summary.csv'), 'latin1'));
    assert.deepEqual(summary[0], ['file', 'lines', 'records', 'rejects', 'first_date', 'last_date', 'glucose_readings', 'mean_glucose']);
    assert.equal(summary.slice(1).reduce((sum, row) => sum + Number(row[1]), 0), 9000);
    assert.deepEqual(summary.slice(1), computeSummary(data, out, descriptions));
    const again = await runPipeline(project, 'pipeline.ts', data, out);
    assert.match(again, /50 tasks: 50 up to date/);
  });

  it('gives the same bytes with the Python steps', async () => {
    const python = path.join(makeTempDir('sluice-diabetes-py-'), 'out');
    await runPipeline(project, 'pipeline-python.ts', data, python);
    assertSameFiles(out, python);
  });

  it('fails loudly, naming the lines, when a step drops lines as the lesson did', async () => {
    const broken = copyExample();
    const file = path.join(broken, 'lib', 'translate-codes.ts');
    const source = fs.readFileSync(file, 'utf8');
    const lesson = source.replace('    if (description === undefined) {', '    if (description === undefined) break; // the lesson: stop at an unknown code\n    if (description === undefined) {');
    assert.notEqual(lesson, source, 'the test found the place to break');
    fs.writeFileSync(file, lesson);
    const target = path.join(makeTempDir('sluice-diabetes-out-'), 'out');
    const result = await runSluice(['run', '-f', path.join(broken, 'pipeline.ts'), '--param', `data=${data}`, '--param', `out=${target}`], { cwd: broken });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Lines of data-\d+ not accounted for: \d+ of \d+ lines are in neither data-\d+\.csv nor the rejects: lines \d+/);
    assert.ok(!fs.existsSync(path.join(target, 'summary.csv')), 'no summary without the accounting');
  });

  it('runs the steps again when a module in lib/ changes, without declaring lib/ as an input', async () => {
    const here = copyExample();
    const sample = path.join(here, 'data');
    generate(sample, '--files', '2', '--lines', '200');
    const target = path.join(here, 'out');
    await runPipeline(here, 'pipeline.ts', sample, target);
    assert.match(await runPipeline(here, 'pipeline.ts', sample, target), /6 tasks: 6 up to date/);
    const file = path.join(here, 'lib', 'reasons.ts');
    fs.appendFileSync(file, '// an edit\n');
    assert.doesNotMatch(await runPipeline(here, 'pipeline.ts', sample, target), /up to date/);
  });

  it('reads relative folders against the pipeline file, from anywhere', async () => {
    const here = copyExample();
    generate(path.join(here, 'data'), '--files', '3', '--lines', '300');
    const result = await runSluice(['run', '-f', path.join(here, 'pipeline.ts')], { cwd: makeTempDir() });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(listFiles(path.join(here, 'out')).filter((name) => !name.includes('/')).sort(), [
      'data-01.csv', 'data-02.csv', 'data-03.csv', 'rejects.csv', 'summary.csv',
    ]);
  });
});

describe('examples/diabetes with files larger than the buffers its steps reuse', () => {
  it('converts files of 1 MB and more, between small ones, as the Python steps do', async () => {
    // The steps read into buffers that start at 64 KiB and write into 1 MiB ones, grown as needed
    // and reused by the next task on the same thread: small, large and small files in turn.
    const project = copyExample();
    const data = path.join(makeTempDir('sluice-diabetes-big-'), 'data');
    generate(data, '--files', '2', '--lines', '120000', '--fault-rate', '0.01');
    const small = path.join(makeTempDir('sluice-diabetes-small-'), 'data');
    generate(small, '--files', '2', '--lines', '40');
    fs.copyFileSync(path.join(small, 'data-01'), path.join(data, 'data-00'));
    fs.copyFileSync(path.join(small, 'data-02'), path.join(data, 'data-03'));
    assert.ok(fs.statSync(path.join(data, 'data-01')).size > 1 << 20, 'the large files outgrow the buffers');
    const out = path.join(makeTempDir('sluice-diabetes-big-out-'), 'out');
    await runPipeline(project, 'pipeline.ts', data, out, '-j', '1');
    const python = path.join(makeTempDir('sluice-diabetes-big-py-'), 'out');
    await runPipeline(project, 'pipeline-python.ts', data, python);
    assertSameFiles(out, python);
    readOutcomes(data, out);
  });
});

describe('examples/diabetes generator', () => {
  it('is seeded: the same settings give the same bytes, another seed other bytes', () => {
    const [a, b, c] = [makeTempDir(), makeTempDir(), makeTempDir()];
    generate(a, '--files', '4', '--lines', '2000');
    generate(b, '--files', '4', '--lines', '2000');
    generate(c, '--files', '4', '--lines', '2000', '--seed', '7');
    assertSameFiles(a, b);
    assert.notDeepEqual(fs.readFileSync(path.join(a, 'data-01')), fs.readFileSync(path.join(c, 'data-01')));
  });
});

describe('examples/diabetes on odd bytes', () => {
  it('rejects each oddity for its reason, keeps what is sound, in both pipelines alike', async () => {
    const project = copyExample();
    const data = makeTempDir('sluice-diabetes-odd-');
    generate(data, '--files', '1', '--lines', '1');
    const odd = [
      '02-29-2000\t7:05\t58\t00.50\r', // CRLF; a leap day; value 0.50
      '02-29-1900\t07:05\t58\t100', // 1900 is no leap year
      '00-10-1990\t07:05\t58\t100',
      '13-10-1990\t07:05\t58\t100',
      '01-01-0000\t07:05\t58\t100',
      '1-01-1990\t07:05\t58\t100',
      '01-01-1990\t24:00\t58\t100',
      '01-01-1990\t23:60\t58\t100',
      '01-01-1990\t7:5\t58\t100',
      '01-01-1990\t007:00\t58\t100',
      '01-01-1990\t07:05\t058\t100',
      '01-01-1990\t07:05\t\t100',
      '01-01-1990\t07:05\t58\t.5',
      '01-01-1990\t07:05\t58\t5.',
      '01-01-1990\t07:05\t58\t-3',
      '01-01-1990\t07:05\t58\t1e3',
      '01-01-1990\t07:05\t58\t1,5',
      '01-01-1990\t07:05\t58\t"x"',
      '01-01-1990\t07:05\t58\t\xe9t\xe9',
      '   ',
      '',
      '\t138\t33\t3A', // a continuation with no record before it
      '01-01-1990\t07:05\t58\t100\t',
      '01-01-1990\t07:05\t0\t', // code 0 without a value, last line: not a split record
    ];
    fs.writeFileSync(path.join(data, 'data-01'), Buffer.from(odd.join('\n'), 'latin1'));
    fs.writeFileSync(path.join(data, 'data-02'), '');
    const out = path.join(makeTempDir(), 'out');
    await runPipeline(project, 'pipeline.ts', data, out);
    const lines = readOutcomes(data, out).get('data-01');
    const reasons = odd.map((_, index) => lines?.get(index + 1)?.reason ?? lines?.get(index + 1)?.row);
    assert.deepEqual(reasons, [
      '2000-02-29,07:05,58,Pre-breakfast blood glucose measurement,0.50',
      'date: 02-29-1900 does not exist',
      'date: 00-10-1990 does not exist',
      'date: 13-10-1990 does not exist',
      'date: 01-01-0000 does not exist',
      'date: 1-01-1990 is not MM-DD-YYYY',
      'time: 24:00 is not a time of day',
      'time: 23:60 is not a time of day',
      'time: 7:5 is not HH:MM',
      'time: 007:00 is not HH:MM',
      'code: 058 is not in the code list',
      'code: empty',
      'value: .5 is not a number',
      'value: 5. is not a number',
      'value: -3 is not a number',
      'value: 1e3 is not a number',
      'value: 1,5 is not a number',
      'value: "x" is not a number',
      'value: \xe9t\xe9 is not a number',
      'fields: expected 4 tab-separated fields, got 1',
      'line: empty',
      'date: empty',
      'fields: expected 4 tab-separated fields, got 5',
      'code: 0 is not in the code list',
    ]);
    assert.equal(fs.readFileSync(path.join(out, 'data-02.csv'), 'utf8'), 'date,time,code,description,value,line\n');
    assert.match(fs.readFileSync(path.join(out, 'summary.csv'), 'utf8'), /\ndata-02,0,0,0,,,0,\n/);
    const python = path.join(makeTempDir(), 'out');
    await runPipeline(project, 'pipeline-python.ts', data, python);
    assertSameFiles(out, python);
  });
});

describe('examples/diabetes on the real UCI files', { skip: fs.existsSync(REAL_DATA) ? false : `no ${REAL_DATA}: the real data is not beside this checkout` }, () => {
  it('accounts for all 29,330 lines, rejects each quirk for its reason, in both pipelines alike', async () => {
    const project = copyExample();
    const out = path.join(makeTempDir('sluice-diabetes-real-'), 'out');
    await runPipeline(project, 'pipeline.ts', REAL_DATA, out);
    const outcomes = readOutcomes(REAL_DATA, out);
    const descriptions = readDescriptions(path.join(REAL_DATA, 'Data-Codes'));
    let rows = 0;
    for (const [file, lines] of outcomes) {
      const raw = readLines(path.join(REAL_DATA, file));
      for (const [line, outcome] of lines) {
        if (outcome.row === undefined) continue;
        rows++;
        assert.equal(outcome.row, expectedRow(raw[line - 1] as string, descriptions), `${file}:${line}`);
      }
    }
    assert.equal(rows, 29_121);
    // QUIRKS.md: 154 lines of undocumented codes, 33 of them code 0 in split records (66 lines
    // with their continuations); 06-31-1991 x7; hours 56 and 188 (5) and `11:0` (2); 0Hi x6,
    // 0Lo, 0''.
    assert.deepEqual(countByCategory(outcomes), { code: 121, 'split record': 66, date: 7, time: 7, value: 8 });
    const python = path.join(makeTempDir('sluice-diabetes-real-py-'), 'out');
    await runPipeline(project, 'pipeline-python.ts', REAL_DATA, python);
    assertSameFiles(out, python);
  });

  it('shows what the lesson\'s converter does to them: exit 0, 7,286 lines gone', () => {
    const out = makeTempDir('sluice-diabetes-lesson-');
    const inputs = fs.readdirSync(REAL_DATA).filter((name) => /^data-\d+$/.test(name)).map((name) => path.join(REAL_DATA, name));
    const result = spawnSync('python3', [path.join(EXAMPLE, 'bench', 'convert_pool.py'), '2', out, ...inputs], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const rows = fs.readdirSync(out).reduce((sum, name) => sum + readLines(path.join(out, name)).length - 1, 0);
    assert.equal(29_330 - rows, 7_286);
  });
});

describe('examples/diabetes on hostile records', () => {
  it('rejects a value too long to add up, for the same reason and with the same bytes in both pipelines', async () => {
    const project = copyExample();
    const data = makeTempDir('sluice-diabetes-hostile-');
    generate(data, '--files', '1', '--lines', '1');
    const huge = `1${'0'.repeat(399)}`;
    const lines = [
      `01-01-1990\t07:05\t58\t${huge}`, // 400 digits: Infinity in a double, a crash in Decimal
      `01-01-1990\t07:05\t58\t1${'9'.repeat(9)}`, // 10 digits
      `01-01-1990\t07:05\t33\t${huge}.5`, // not glucose: still out of range
      `01-01-1990\t07:05\t58\t${'0'.repeat(400)}999999999`, // 9 digits after 400 leading zeros: kept
      `01-01-1990\t07:05\t58\t123456789.${'9'.repeat(400)}`, // a long fraction: kept as written
      '01-01-1990\t07:05\t58\t100',
    ];
    fs.writeFileSync(path.join(data, 'data-01'), `${lines.join('\n')}\n`);
    const out = path.join(makeTempDir(), 'out');
    await runPipeline(project, 'pipeline.ts', data, out);
    const outcomes = readOutcomes(data, out).get('data-01');
    const reasons = lines.map((_, index) => outcomes?.get(index + 1)?.reason ?? outcomes?.get(index + 1)?.row);
    const range = (value: string): string => `value: ${value} is out of range (more than 9 digits before the point)`;
    assert.deepEqual(reasons, [
      range(huge),
      range(`1${'9'.repeat(9)}`),
      range(`${huge}.5`),
      '1990-01-01,07:05,58,Pre-breakfast blood glucose measurement,999999999',
      `1990-01-01,07:05,58,Pre-breakfast blood glucose measurement,123456789.${'9'.repeat(400)}`,
      '1990-01-01,07:05,58,Pre-breakfast blood glucose measurement,100',
    ]);
    const summary = fs.readFileSync(path.join(out, 'summary.csv'), 'utf8');
    assert.match(summary, /\ndata-01,6,3,3,1990-01-01,1990-01-01,3,374485629\.67\n/);
    const python = path.join(makeTempDir(), 'out');
    await runPipeline(project, 'pipeline-python.ts', data, python);
    assertSameFiles(out, python);
  });

  it('rejects lines longer than 64 KiB and converts the rest, streaming, in both pipelines alike', async () => {
    const project = copyExample();
    const data = makeTempDir('sluice-diabetes-long-');
    generate(data, '--files', '1', '--lines', '1');
    const record = (value: string): string => `01-01-1990\t07:05\t58\t${value}`;
    const limit = 65536;
    const exact = record(`1.${'5'.repeat(limit - record('1.').length)}`); // 65,536 bytes: kept
    const normal = Array.from({ length: 30_000 }, (_, index) => record(String(100 + (index % 300))));
    const lines = [
      record('101'),
      record(`1.${'2'.repeat(3_000_000)}`), // 3 MB
      exact,
      `${exact}5`, // 65,537 bytes
      `${exact.slice(0, -1)}\r`, // 65,536 bytes with the \r of a CRLF: the limit counts it
      '01-01-1990\t07:05\t0\t', // code 0 without a value: a split record only if a continuation follows
      `\t138\t33\t3A${'x'.repeat(2_000_000)}`, // too long to continue it
      ...normal,
      record('102'),
      `01-01-1990\t07:05\t58\t${'9'.repeat(5_000_000)}`, // the last line, 5 MB, without a newline
    ];
    fs.writeFileSync(path.join(data, 'data-01'), lines.join('\n'));
    const out = path.join(makeTempDir(), 'out');
    await runPipeline(project, 'pipeline.ts', data, out);
    const rejects = parseCsv(fs.readFileSync(path.join(out, 'rejects.csv'), 'latin1')).slice(1);
    const tooLong = 'line: longer than 65536 bytes';
    assert.deepEqual(
      rejects.map(([file, line, reason]) => [file, Number(line), reason]),
      [
        ['data-01', 2, tooLong],
        ['data-01', 4, tooLong],
        ['data-01', 6, 'code: 0 is not in the code list'],
        ['data-01', 7, tooLong],
        ['data-01', lines.length, tooLong],
      ],
    );
    // A line too long is quoted cut to the limit.
    assert.ok(rejects[0]?.[3] === (lines[1] as string).slice(0, limit), 'a line too long is quoted cut to the limit');
    assert.ok(rejects[4]?.[3] === (lines.at(-1) as string).slice(0, limit), 'so is the last, without a newline');
    const rows = fs.readFileSync(path.join(out, 'data-01.csv'), 'latin1').split('\n').slice(1, -1);
    assert.equal(rows.length, lines.length - 5);
    assert.equal(rows[0], '1990-01-01,07:05,58,Pre-breakfast blood glucose measurement,101,1');
    assert.ok(rows[1] === `1990-01-01,07:05,58,Pre-breakfast blood glucose measurement,${exact.split('\t')[3]},3`, 'the line of 65,536 bytes is kept');
    assert.equal(rows.at(-1), `1990-01-01,07:05,58,Pre-breakfast blood glucose measurement,102,${lines.length - 1}`);
    assert.match(fs.readFileSync(path.join(out, 'summary.csv'), 'latin1'), new RegExp(`\ndata-01,${lines.length},${lines.length - 5},5,`));
    const python = path.join(makeTempDir(), 'out');
    await runPipeline(project, 'pipeline-python.ts', data, python);
    assertSameFiles(out, python);
  });
});
