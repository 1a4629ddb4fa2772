#!/usr/bin/env node
// Writes a seeded sample of records in the UCI diabetes format (never the real data): one file
// per patient, `MM-DD-YYYY<TAB>HH:MM<TAB>CODE<TAB>VALUE` per line, a `Data-Codes` list, and every
// kind of fault the real files have (QUIRKS.md in the shared data folder), plus a few they lack.
// Each injected fault is listed in `.faults.tsv` (file, line, kind, what the pipeline should do),
// so tests can check the pipeline against what was put in, not against itself.
//
//   node examples/diabetes/generate.mjs [--files 70] [--lines 29330] [--seed 1994]
//                                       [--fault-rate 0.004] [--out DIR] [--if-missing]
//
// --lines is the total over all files; --fault-rate 0 makes clean files. --if-missing does nothing when DIR already holds a
// complete sample made with the same settings. DIR defaults to data/ beside this script.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MARKER = '.sample.json';

const CODES = [
  [33, 'Regular insulin dose'],
  [34, 'NPH insulin dose'],
  [35, 'UltraLente insulin dose'],
  [48, 'Unspecified blood glucose measurement'],
  [57, 'Unspecified blood glucose measurement'],
  [58, 'Pre-breakfast blood glucose measurement'],
  [59, 'Post-breakfast blood glucose measurement'],
  [60, 'Pre-lunch blood glucose measurement'],
  [61, 'Post-lunch blood glucose measurement'],
  [62, 'Pre-supper blood glucose measurement'],
  [63, 'Post-supper blood glucose measurement'],
  [64, 'Pre-snack blood glucose measurement'],
  [65, 'Hypoglycemic symptoms'],
  [66, 'Typical meal ingestion'],
  [67, 'More-than-usual meal ingestion'],
  [68, 'Less-than-usual meal ingestion'],
  [69, 'Typical exercise activity'],
  [70, 'More-than-usual exercise activity'],
  [71, 'Less-than-usual exercise activity'],
  [72, 'Unspecified special event'],
];

// Kinds of fault, what the pipeline is expected to do with the lines, and how many lines each
// takes. `reject:<category>` means a row in rejects.csv whose reason starts with that category.
const FAULTS = {
  'split-record': 'reject:split record', // code 0 without a value + continuation line, 1-3 pairs
  'impossible-date': 'reject:date', // 06-31, 02-30, 02-29 of a common year...
  'hour-out-of-range': 'reject:time', // 56:35
  'three-digit-hour': 'reject:time', // 188:00
  'one-digit-minute': 'reject:time', // 11:0
  'undocumented-code': 'reject:code', // 4, 36, 56
  'non-numeric-value': 'reject:value', // 0Hi, 0Lo, 0'', 3A, and one with a comma or a quote
  'empty-value': 'reject:value',
  'wrong-field-count': 'reject:fields', // 3 or 5 fields (not in the real data)
  'empty-line': 'reject:line', // (not in the real data)
  'duplicate-line': 'keep', // the previous line again
  'earlier-timestamp': 'keep', // a time before the previous line's
  'decimal-value': 'keep', // 4.5
  'low-glucose': 'keep', // 0..19
};
const KINDS = Object.keys(FAULTS);

function main() {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '70' },
      lines: { type: 'string', default: '29330' },
      seed: { type: 'string', default: '1994' },
      'fault-rate': { type: 'string', default: '0.004' },
      out: { type: 'string', default: path.join(HERE, 'data') },
      'if-missing': { type: 'boolean', default: false },
    },
  });
  const settings = {
    files: readInteger('files', values.files, 1),
    lines: readInteger('lines', values.lines, 0),
    seed: readInteger('seed', values.seed, 0),
    faultRate: readRate(values['fault-rate']),
  };
  const out = path.resolve(values.out);
  const relative = path.relative(process.cwd(), out);
  const shown = relative === '' ? '.' : relative.startsWith('..') ? out : relative;
  if (values['if-missing'] && sameSample(out, settings)) {
    console.error(`diabetes: sample already in ${shown}/ (${settings.files} files, ${settings.lines} lines)`);
    return;
  }
  const started = Date.now();
  const faults = writeSample(out, settings);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(`diabetes: wrote ${settings.files} files, ${settings.lines} lines (${faults} faults) to ${shown}/ in ${seconds} s`);
}

function readInteger(name, text, least) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < least) {
    throw new Error(`Expected \`--${name}\` to be an integer >= ${least}, got \`${text}\``);
  }
  return value;
}

function readRate(text) {
  const value = Number(text);
  if (!(value >= 0 && value <= 0.5)) throw new Error(`Expected \`--fault-rate\` to be between 0 and 0.5, got \`${text}\``);
  return value;
}

function sameSample(out, settings) {
  try {
    return JSON.stringify(JSON.parse(fs.readFileSync(path.join(out, MARKER), 'utf8'))) === JSON.stringify(settings);
  } catch {
    return false;
  }
}

/** Writes every file; the marker last, so an interrupted run is redone. Returns the fault count. */
function writeSample(out, settings) {
  fs.mkdirSync(out, { recursive: true });
  fs.rmSync(path.join(out, MARKER), { force: true });
  for (const name of fs.readdirSync(out)) {
    if (/^data-\d+$/.test(name)) fs.rmSync(path.join(out, name));
  }
  fs.writeFileSync(path.join(out, 'Data-Codes'), formatCodeList());
  const random = makeRandom(settings.seed);
  const sizes = splitLines(settings.lines, settings.files, random);
  const width = Math.max(2, String(settings.files).length);
  const manifest = ['file\tline\tkind\texpect'];
  for (let index = 0; index < settings.files; index++) {
    const name = `data-${String(index + 1).padStart(width, '0')}`;
    // One fault of each kind in turn is placed in each file, so that a sample has them all.
    const forced = settings.faultRate > 0 ? KINDS[index % KINDS.length] : undefined;
    const patient = new Patient(random, sizes[index], settings.faultRate, forced);
    const text = patient.write();
    // The last file of a sample ends without a newline, as files edited by hand sometimes do.
    const last = index === settings.files - 1 && settings.files > 1 && !text.endsWith('\n\n');
    const ending = last ? text.slice(0, -1) : text;
    fs.writeFileSync(path.join(out, name), ending, 'latin1');
    for (const [line, kind] of patient.faults) manifest.push(`${name}\t${line}\t${kind}\t${FAULTS[kind]}`);
  }
  fs.writeFileSync(path.join(out, '.faults.tsv'), `${manifest.join('\n')}\n`);
  fs.writeFileSync(path.join(out, MARKER), `${JSON.stringify(settings)}\n`);
  return manifest.length - 1;
}

function formatCodeList() {
  const lines = ['Codes of this generated sample (the UCI data set uses the same list):', ''];
  for (const [code, description] of CODES) lines.push(`${code} = ${description}`);
  return `${lines.join('\n')}\n`;
}

// Sizes vary around the mean, as the real files do (51 to 1,327 lines), and add up exactly.
function splitLines(total, files, random) {
  const weights = Array.from({ length: files }, () => 0.3 + 1.4 * random());
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((weight) => Math.floor((weight / sum) * total));
  let left = total - sizes.reduce((a, b) => a + b, 0);
  for (let index = 0; left > 0; index = (index + 1) % files, left--) sizes[index] += 1;
  return sizes;
}

// mulberry32: small, fast, and the same sequence on every machine.
function makeRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad2 = (n) => (n < 10 ? `0${n}` : String(n));
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** One patient's records: days of slots (breakfast, lunch, supper, bedtime) with faults mixed in. */
class Patient {
  constructor(random, size, faultRate, forced) {
    this.random = random;
    this.size = size;
    this.faultRate = faultRate;
    this.forced = forced;
    this.forcedAt = Math.floor(random() * size);
    this.faults = [];
    this.lines = [];
    this.unpaddedHours = random() < 0.12; // `9:09` instead of `09:09`, as 8 real files do
    this.paddedValues = random() < 0.4; // `009`, as 26 real files do
    this.paper = random() < 0.5; // paper records use the slot times 08:00, 12:00, 18:00, 22:00
    const year = 1988 + Math.floor(random() * 3);
    this.date = { year, month: 1 + Math.floor(random() * 12), day: 1 + Math.floor(random() * 28) };
    this.time = 0;
    this.previous = '';
  }

  pick(list) {
    return list[Math.floor(this.random() * list.length)];
  }

  write() {
    const slots = [
      [8, 58, [33, 34]],
      [12, 60, [33]],
      [18, 62, [33, 34]],
      [22, 64, []],
    ];
    while (this.lines.length < this.size) {
      for (const [hour, glucose, insulin] of slots) {
        const minute = this.paper ? 0 : Math.floor(this.random() * 60);
        const at = hour * 60 + minute + (this.paper ? 0 : Math.floor(this.random() * 40) - 20);
        this.time = Math.max(0, Math.min(at, 23 * 60 + 59));
        this.emit(this.record(this.time, glucose, this.glucoseValue()));
        for (const code of insulin) this.emit(this.record(this.time, code, this.insulinValue(code)));
        if (this.random() < 0.08) this.emit(this.record(this.time, 65 + Math.floor(this.random() * 8), this.paddedValues ? '000' : '0'));
        if (this.random() < 0.03) this.emit(this.record(this.time, this.pick([48, 57, 59, 61, 63]), this.glucoseValue()));
      }
      this.nextDay();
    }
    return `${this.lines.join('\n')}\n`;
  }

  /** Adds a line, or a fault in its place now and then (and once, at the forced position). */
  emit(line) {
    if (this.lines.length >= this.size) return;
    const forced = this.forced !== undefined && this.lines.length >= this.forcedAt;
    if (forced || this.random() < this.faultRate) {
      const kind = forced ? this.forced : this.pick(KINDS);
      if (forced) this.forced = undefined;
      this.fault(kind, line);
      return;
    }
    this.push(line);
  }

  push(line, kind) {
    this.lines.push(line);
    if (kind !== undefined) this.faults.push([this.lines.length, kind]);
    // Only a line the pipeline keeps may be duplicated as a kept fault.
    this.previous = kind === undefined || FAULTS[kind] === 'keep' ? line : '';
  }

  fault(kind, line) {
    const [date, time, code, value] = line.split('\t');
    switch (kind) {
      case 'split-record': {
        // As in data-27 and data-29: the record's value went to the next line, whose date is
        // empty, whose "time" is the value and whose value is the code in hexadecimal.
        const room = Math.floor((this.size - this.lines.length) / 2);
        const pairs = Math.min(room, 1 + Math.floor(this.random() * 3));
        if (pairs === 0) return this.push(line);
        for (let pair = 0; pair < pairs; pair++) {
          const code = this.pick([58, 33, 34]);
          const amount = code === 58 ? 40 + Math.floor(this.random() * 300) : 1 + Math.floor(this.random() * 25);
          this.push(`${date}\t${time}\t0\t`, kind);
          this.push(`\t${String(amount).padStart(3, '0')}\t33\t${code.toString(16).toUpperCase()}`, kind);
        }
        return;
      }
      case 'impossible-date': {
        const { year } = this.date;
        const [month, day] = this.pick([[6, 31], [4, 31], [9, 31], [11, 31], [2, 30], [2, isLeap(year) ? 30 : 29]]);
        this.push(`${pad2(month)}-${pad2(day)}-${year}\t${time}\t${code}\t${value}`, kind);
        return;
      }
      case 'hour-out-of-range':
        return this.push(`${date}\t${24 + Math.floor(this.random() * 76)}:${pad2(Math.floor(this.random() * 60))}\t${code}\t${value}`, kind);
      case 'three-digit-hour':
        return this.push(`${date}\t${100 + Math.floor(this.random() * 200)}:00\t${code}\t${value}`, kind);
      case 'one-digit-minute':
        return this.push(`${date}\t${pad2(10 + Math.floor(this.random() * 12))}:${Math.floor(this.random() * 10)}\t${code}\t${value}`, kind);
      case 'undocumented-code': {
        const undocumented = this.pick([56, 56, 56, 4, 36]);
        return this.push(`${date}\t${time}\t${undocumented}\t${undocumented === 56 ? this.glucoseValue() : '0'}`, kind);
      }
      case 'non-numeric-value':
        return this.push(`${date}\t${time}\t${code}\t${this.pick(['0Hi', '0Hi', '0Lo', "0''", '3A', '1,5', '12"'])}`, kind);
      case 'empty-value':
        return this.push(`${date}\t${time}\t${code}\t`, kind);
      case 'wrong-field-count':
        return this.push(this.random() < 0.5 ? `${date}\t${time}\t${code}` : `${date}\t${time}\t${code}\t${value}\t${value}`, kind);
      case 'empty-line':
        return this.push('', kind);
      case 'duplicate-line':
        if (this.previous === '') return this.push(line);
        return this.push(this.previous, kind);
      case 'earlier-timestamp': {
        const earlier = Math.max(0, this.time - 30 - Math.floor(this.random() * 120));
        return this.push(this.record(earlier, Number(code), value), kind);
      }
      case 'decimal-value':
        return this.push(`${date}\t${time}\t${this.pick([33, 34])}\t${1 + Math.floor(this.random() * 8)}.5`, kind);
      case 'low-glucose':
        return this.push(`${date}\t${time}\t${this.pick([57, 58, 64])}\t${this.formatValue(Math.floor(this.random() * 20))}`, kind);
      default:
        throw new Error(`unknown fault kind ${kind} (this is a bug in generate.mjs)`);
    }
  }

  record(minutes, code, value) {
    const hour = Math.floor(minutes / 60);
    const time = `${this.unpaddedHours ? String(hour) : pad2(hour)}:${pad2(minutes % 60)}`;
    const { year, month, day } = this.date;
    return `${pad2(month)}-${pad2(day)}-${year}\t${time}\t${code}\t${value}`;
  }

  glucoseValue() {
    return this.formatValue(40 + Math.floor(this.random() * 320));
  }

  insulinValue(code) {
    return this.formatValue((code === 34 ? 8 : 2) + Math.floor(this.random() * 16));
  }

  formatValue(n) {
    return this.paddedValues ? String(n).padStart(3, '0') : String(n);
  }

  nextDay() {
    const date = this.date;
    const last = date.month === 2 && isLeap(date.year) ? 29 : DAYS_IN_MONTH[date.month - 1];
    date.day += 1;
    if (date.day > last) {
      date.day = 1;
      date.month += 1;
      if (date.month > 12) {
        date.month = 1;
        date.year += 1;
      }
    }
  }
}

try {
  main();
} catch (error) {
  console.error(`diabetes: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
