import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFunctionCommand, renderFunctionCommand } from '../../src/kernel/function-command.ts';
import { quoteArgv } from '../../src/kernel/quote-argv.ts';
import { renderArgv } from '../../src/kernel/render-action.ts';

describe("a function step's command", () => {
  it('is read back as rendered, and as recorded quoted, whatever the step and module hold', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [['up', '/work/pipeline.ts'], ["it's", "/tmp/o'brien dir/pipeline.ts"], ['a in b', '/x) in (y/pipeline.ts']];
    for (const [step, module] of cases) {
      const argv = renderArgv({ kind: 'function', module, step, source: '() => {}' }, []);
      assert.deepEqual(argv, [renderFunctionCommand(step, module)]);
      const raw = readFunctionCommand(argv[0] as string);
      const recorded = readFunctionCommand(quoteArgv(argv));
      assert.deepEqual(recorded, raw);
      assert.equal(raw?.module.endsWith('pipeline.ts'), true);
    }
    assert.deepEqual(readFunctionCommand(quoteArgv(['(function step up in /w/p.ts)'])), { step: 'up', module: '/w/p.ts' });
  });

  it('is not any other command', () => {
    assert.equal(readFunctionCommand('sleep 1'), undefined);
    assert.equal(readFunctionCommand(null), undefined);
    assert.equal(readFunctionCommand("'"), undefined);
  });
});
