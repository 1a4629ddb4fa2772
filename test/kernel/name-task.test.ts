import assert from 'node:assert/strict';
import { it } from 'node:test';
import { nameTask } from '../../src/kernel/name-task.ts';

it('names a task by step and wildcards, one line whatever the values hold', () => {
  assert.equal(nameTask({ step: 'bwa_map', wildcards: { sample: 'A' }, inputs: [] }), 'bwa_map[sample=A]');
  assert.equal(nameTask({ step: 'join', wildcards: { a: '1', b: 'x/y.z' }, inputs: [] }), 'join[a=1, b=x/y.z]');
  assert.equal(nameTask({ step: 'summary', inputs: ['a', 'b'] }), 'summary');
  assert.equal(nameTask({ step: 's', wildcards: { n: 'two words' }, inputs: [] }), 's[n="two words"]');
  assert.equal(nameTask({ step: 's', wildcards: { n: 'a]b,c' }, inputs: [] }), 's[n="a]b,c"]');
  assert.equal(nameTask({ step: 's', wildcards: { n: 'line\nbreak' }, inputs: [] }), 's[n="line\\nbreak"]');
  assert.equal(nameTask({ step: 's', wildcards: { n: '' }, inputs: [] }), 's[n=""]');
  assert.equal(nameTask({ step: 'map', inputs: ['data/x.tsv'] }), 'map[in=data/x.tsv]');
  assert.equal(nameTask({ step: 'map', inputs: ["it's here"] }), `map[in="it's here"]`);
});
