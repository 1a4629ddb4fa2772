#!/usr/bin/env node
// Where the time of a run went, from the CPU profiles of its threads: run sluice with
// `node --cpu-prof --cpu-prof-dir=DIR dist/cli/main.js run ...` (Node writes one profile per
// thread, worker threads included), then
//
//   node scripts/profile-timeline.mjs DIR [FUNCTION ...]
//
// prints for each thread (main first) when its profile starts, relative to the main thread's,
// when each FUNCTION is first on its stack (default: the milestones of a first run), its samples
// outside idle, and the functions with the most samples of their own. The profiler samples
// wall-clock time: on a busy machine a thread waiting for a core is counted where it stopped.
import fs from 'node:fs';
import path from 'node:path';

const [dir, ...names] = process.argv.slice(2);
if (dir === undefined) {
  console.error('usage: node scripts/profile-timeline.mjs DIR [FUNCTION ...]');
  process.exit(2);
}
const milestones = names.length > 0 ? names : ['bundlePipeline', 'planSteps', 'openSession', 'surveyRun', 'runLocalAttempt', 'loadPipeline', 'runStepFunction'];
const files = fs.readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).sort();
const profiles = files.map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
// Node names the main thread's profile with thread id 0 (CPU.date.time.pid.0.seq.cpuprofile).
const mainAt = files.findIndex((name) => name.split('.')[4] === '0');
const origin = profiles[Math.max(mainAt, 0)].startTime;
const ms = (us) => (us / 1000).toFixed(0);
for (const [index, profile] of profiles.entries()) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const first = new Map();
  const own = new Map();
  let busy = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    at += profile.timeDeltas[i];
    const span = profile.timeDeltas[i + 1] ?? 0;
    const leaf = byId.get(profile.samples[i]).callFrame;
    if (leaf.functionName === '(idle)') continue;
    busy += span;
    const key = `${leaf.functionName || '(anonymous)'} ${leaf.url.split('/').pop()}`;
    own.set(key, (own.get(key) ?? 0) + span);
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const name = byId.get(id).callFrame.functionName;
      if (milestones.includes(name) && !first.has(name)) first.set(name, at - origin);
    }
  }
  const marks = milestones.filter((name) => first.has(name)).map((name) => `${name} ${ms(first.get(name))}`).join(', ');
  console.log(`${index === mainAt ? 'main' : 'worker'} ${files[index]}: starts at ${ms(profile.startTime - origin)} ms, ends at ${ms(profile.endTime - origin)} ms, ${ms(busy)} ms not idle`);
  console.log(`  first on the stack (ms): ${marks}`);
  const top = [...own].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([key, span]) => `${key} ${ms(span)}`).join('; ');
  console.log(`  most own samples (ms): ${top}`);
}
