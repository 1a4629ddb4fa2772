// Writes a small seeded data set for the align example (never real data): a reference genome of
// a few random chromosomes, and reads simulated from it, one FASTQ file per sample.
//
//   node examples/align/generate.mjs [FOLDER]      (default: beside this file; writes FOLDER/data/)
//
// Each read's name says where it came from, so a test can check what the filter kept:
// `<sample>.<n>:<origin>:<chromosome>:<position>:<strand>`, where origin is `unique` (a stretch
// found once in the genome), `repeat` (inside a stretch of chr7 copied exactly onto chr2, so it
// aligns equally well twice and gets a low MAPQ), or `random` (from no chromosome: unmappable).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = path.resolve(process.argv[2] ?? path.dirname(fileURLToPath(import.meta.url)), 'data');

const CHROMOSOMES = [
  ['chr1', 60_000],
  ['chr2', 40_000],
  ['chr7', 50_000],
  ['chrX', 30_000],
];
/** Where chr7's stretch [from, from + length) is copied onto chr2. */
const REPEAT = { from: 20_000, length: 3_000, onto: 10_000 };
const SAMPLES = ['sample1', 'sample2', 'sample3'];
const READS_PER_SAMPLE = 2_000;
const READ_LENGTH = 100;
const ERROR_RATE = 0.01;
/** Share of reads by origin; the rest come from the other chromosomes. */
const SHARES = { chr7: 0.3, repeat: 0.05, random: 0.15 };

// mulberry32: a small seeded generator, so every run writes the same bytes.
let seed = 7;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const pick = (count) => Math.floor(random() * count);
const randomBases = (length) => Array.from({ length }, () => 'ACGT'[pick(4)]).join('');
const COMPLEMENT = { A: 'T', C: 'G', G: 'C', T: 'A' };
const reverseComplement = (bases) => [...bases].reverse().map((base) => COMPLEMENT[base]).join('');

const genome = new Map(CHROMOSOMES.map(([name, length]) => [name, randomBases(length)]));
const repeat = genome.get('chr7').slice(REPEAT.from, REPEAT.from + REPEAT.length);
const chr2 = genome.get('chr2');
genome.set('chr2', chr2.slice(0, REPEAT.onto) + repeat + chr2.slice(REPEAT.onto + REPEAT.length));

function withErrors(bases) {
  return [...bases].map((base) => (random() < ERROR_RATE ? 'ACGT'.replace(base, '')[pick(3)] : base)).join('');
}

function simulateRead() {
  const roll = random();
  if (roll < SHARES.random) return { origin: 'random', chromosome: '*', position: 0, strand: '+', bases: randomBases(READ_LENGTH) };
  let chromosome;
  let position;
  let origin = 'unique';
  if (roll < SHARES.random + SHARES.repeat) {
    chromosome = 'chr7';
    position = REPEAT.from + pick(REPEAT.length - READ_LENGTH + 1);
    origin = 'repeat';
  } else if (roll < SHARES.random + SHARES.repeat + SHARES.chr7) {
    chromosome = 'chr7';
    do position = pick(genome.get(chromosome).length - READ_LENGTH + 1);
    while (position + READ_LENGTH > REPEAT.from && position < REPEAT.from + REPEAT.length);
  } else {
    const others = ['chr1', 'chrX', 'chr2'];
    chromosome = others[pick(others.length)];
    do position = pick(genome.get(chromosome).length - READ_LENGTH + 1);
    while (chromosome === 'chr2' && position + READ_LENGTH > REPEAT.onto && position < REPEAT.onto + REPEAT.length);
  }
  const forward = genome.get(chromosome).slice(position, position + READ_LENGTH);
  const strand = random() < 0.5 ? '+' : '-';
  return { origin, chromosome, position: position + 1, strand, bases: withErrors(strand === '+' ? forward : reverseComplement(forward)) };
}

function wrap(bases, width = 70) {
  const lines = [];
  for (let at = 0; at < bases.length; at += width) lines.push(bases.slice(at, at + width));
  return lines.join('\n');
}

fs.mkdirSync(folder, { recursive: true });
fs.writeFileSync(path.join(folder, 'reference.fa'), [...genome].map(([name, bases]) => `>${name}\n${wrap(bases)}\n`).join(''));
for (const sample of SAMPLES) {
  const records = [];
  for (let n = 1; n <= READS_PER_SAMPLE; n++) {
    const read = simulateRead();
    const quality = Array.from({ length: READ_LENGTH }, () => String.fromCharCode(33 + 25 + pick(16))).join('');
    records.push(`@${sample}.${n}:${read.origin}:${read.chromosome}:${read.position}:${read.strand}\n${read.bases}\n+\n${quality}\n`);
  }
  fs.writeFileSync(path.join(folder, `${sample}.fq`), records.join(''));
}
function shortPath(file) {
  const relative = path.relative(process.cwd(), file);
  return relative === '' ? '.' : relative.startsWith('..') ? file : relative;
}

const total = CHROMOSOMES.reduce((sum, [, length]) => sum + length, 0);
console.error(
  `align: reference of ${CHROMOSOMES.length} chromosomes (${total.toLocaleString('en')} bases) and ` +
    `${SAMPLES.length} samples of ${READS_PER_SAMPLE} reads in ${shortPath(folder)}/`,
);
