#!/usr/bin/env node
// Writes the scatter example's samples: data/A.txt ... data/D.txt, each `WORD<TAB>NUMBER` per
// line, seeded, of different lengths (so each sample splits into a different number of chunks).
// config.yaml names A, B and C only: D is the stray file on disk that the pipeline leaves out.
//
//   node examples/scatter/generate.mjs [--seed 7] [--out DIR] [--if-missing]
//
// --if-missing does nothing when DIR already holds the samples made with the same seed.
// DIR defaults to data/ beside this script.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MARKER = '.sample.json';
/** Lines per sample. */
const SAMPLES = { A: 230, B: 120, C: 310, D: 80 };
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu'];

function main() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '7' },
      out: { type: 'string', default: path.join(HERE, 'data') },
      'if-missing': { type: 'boolean', default: false },
    },
  });
  if (!/^\d+$/.test(values.seed)) throw new Error(`Expected \`--seed\` to be a whole number, got \`${values.seed}\``);
  const settings = { seed: Number(values.seed), samples: SAMPLES };
  const out = path.resolve(values.out);
  if (values['if-missing'] && sameSample(out, settings)) {
    console.error(`scatter: samples already in ${path.relative(process.cwd(), out) || '.'}/`);
    return;
  }
  fs.mkdirSync(out, { recursive: true });
  const next = random(settings.seed);
  for (const [name, lines] of Object.entries(SAMPLES)) {
    let text = '';
    for (let line = 0; line < lines; line++) text += `${WORDS[Math.floor(next() * WORDS.length)]}\t${1 + Math.floor(next() * 100)}\n`;
    fs.writeFileSync(path.join(out, `${name}.txt`), text);
  }
  fs.writeFileSync(path.join(out, MARKER), `${JSON.stringify(settings)}\n`);
  console.error(`scatter: wrote ${Object.keys(SAMPLES).length} samples to ${path.relative(process.cwd(), out) || '.'}/`);
}

function sameSample(out, settings) {
  try {
    if (fs.readFileSync(path.join(out, MARKER), 'utf8') !== `${JSON.stringify(settings)}\n`) return false;
    return Object.keys(SAMPLES).every((name) => fs.existsSync(path.join(out, `${name}.txt`)));
  } catch {
    return false;
  }
}

/** mulberry32: the same numbers for the same seed on every machine. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

main();
