// A project whose tasks do known work, for the per-task records (issue 14, point 5): a command
// that burns CPU and holds memory in a child it waits for, a function step that does the same on
// its worker thread, and a step that fails twice on one file, one of them named with a tab.
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../helpers/run-sluice.ts';

/** What the work is at least: the assertions' lower bounds. */
export const WORK = { cpuSeconds: 0.3, commandMiB: 60, heapMiB: 40 } as const;

// The work runs in a child started through sys.executable: the launcher's wait4 counts the
// descendants a task waits for. The busy loop looks at the clock only now and then, so that its
// time is spent in user mode, not in the clock's system calls.
const BURN_PY = `
import subprocess, sys
WORK = '''
import time
block = bytearray(${WORK.commandMiB} * 1024 * 1024)
for i in range(0, len(block), 4096): block[i] = 1
end = time.process_time() + ${WORK.cpuSeconds}
x = 0
while time.process_time() < end:
    for _ in range(20000): x += 1
'''
subprocess.run([sys.executable, '-c', WORK], check=True)
with open(sys.argv[2], 'w') as out: out.write(open(sys.argv[1]).read().upper())
`;

export const RECORDS_PIPELINE = `
import fs from 'node:fs';
import { pipeline, step, cmd, sh } from 'sluice';

export default pipeline({
  steps: () => ({
    burn: step({ in: 'data/{sample}.txt', out: 'work/{sample}.up', run: cmd('python3', 'burn.py', '{in}', '{out}') }),
    sum: step({
      in: 'work/{sample}.up',
      out: 'out/{sample}.sum',
      run: ({ input, output }) => {
        const block = Buffer.alloc(${WORK.heapMiB} * 1024 * 1024, 1);
        let total = 0;
        for (let i = 0; i < 3e6; i++) total += Math.sqrt(i) % 7;
        fs.writeFileSync(output, fs.readFileSync(input, 'utf8') + String(total > 0) + block.length + '\\n');
      },
    }),
    check: step({
      in: 'raw/{name}.txt',
      out: 'checked/{name}.ok',
      retries: 1,
      run: sh('if grep -q bad {in}; then echo "bad {in}" >&2; exit 3; fi; cp {in} {out}'),
    }),
  }),
});
`;

/** The sample names, and the names `check` runs on: one holds a tab, one fails. */
export const SAMPLES = ['a', 'b'] as const;
export const CHECKED = ['fine', 'x\ty', 'broken'] as const;

export function writeRecordsProject(prefix = 'sluice-records-'): string {
  const dir = makeTempDir(prefix);
  fs.mkdirSync(path.join(dir, 'data'));
  fs.mkdirSync(path.join(dir, 'raw'));
  for (const sample of SAMPLES) fs.writeFileSync(path.join(dir, 'data', `${sample}.txt`), `${sample}\n`);
  for (const name of CHECKED) fs.writeFileSync(path.join(dir, 'raw', `${name}.txt`), name === 'broken' ? 'bad\n' : 'good\n');
  fs.writeFileSync(path.join(dir, 'burn.py'), BURN_PY);
  fs.writeFileSync(path.join(dir, 'pipeline.ts'), RECORDS_PIPELINE);
  return dir;
}

/** The table of `sluice report --tasks`, unescaped, as records keyed by column. */
export function parseTaskTable(text: string): { header: string[]; rows: Array<Record<string, string>> } {
  assert(text.endsWith('\n'), 'the table ends with a newline');
  const [headerLine = '', ...lines] = text.slice(0, -1).split('\n');
  const header = headerLine.split('\t');
  const rows = lines.map((line) => {
    const fields = line.split('\t');
    assert(fields.length === header.length, `a row has ${header.length} fields: ${JSON.stringify(line)}`);
    return Object.fromEntries(header.map((column, index) => [column, unescapeField(fields[index] as string)]));
  });
  return { header, rows };
}

function unescapeField(field: string): string {
  return field.replace(/\\([\\tnr])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
