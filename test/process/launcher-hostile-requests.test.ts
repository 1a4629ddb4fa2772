// Requests no process can be started with: a NUL byte in an argument, a file name or the
// environment, a string that is no text (a lone surrogate), an `=` in a variable's name. Each task
// fails saying why, at once; before, the python launcher dropped the request as "a bug in sluice"
// and the task never ended (sluice waited forever). The launcher keeps serving the next task.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Launcher, LaunchRequest } from '../../src/process/launch-types.ts';
import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { createSpawnLauncher } from '../../src/process/spawn-launcher.ts';
import { useLauncher } from './process-helpers.ts';

const HOSTILE: ReadonlyArray<readonly [string, (request: LaunchRequest) => LaunchRequest]> = [
  ['a NUL byte in an argument', (request) => ({ ...request, argv: ['printf', 'a\u0000b'] })],
  ['a NUL byte in the program', (request) => ({ ...request, argv: ['pri\u0000ntf', 'x'] })],
  ['a lone surrogate in an argument', (request) => ({ ...request, argv: ['printf', 'a\ud800b'] })],
  ['a lone surrogate in the program', (request) => ({ ...request, argv: ['a\udc00\nb', 'x'] })],
  ['a NUL byte in the standard output file', (request) => ({ ...request, stdoutPath: `${request.cwd}/a\u0000b` })],
  ['a NUL byte in the working folder', (request) => ({ ...request, cwd: `${request.cwd}/a\u0000b` })],
  ['a NUL byte in a variable', (request) => ({ ...request, env: { PATH: process.env.PATH ?? '', X: 'a\u0000b' } })],
  ['an = in a variable name', (request) => ({ ...request, env: { PATH: process.env.PATH ?? '', 'A=B': 'c' } })],
];

for (const [name, make] of [
  ['python', () => startFastLauncher()],
  ['spawn', async () => createSpawnLauncher()],
] as const) {
  describe(`requests no process can start with (${name} launcher)`, () => {
    const fx = useLauncher<Launcher>(make);
    for (const [what, hostile] of HOSTILE) {
      it(`${what}: the task fails saying why, and the next one runs`, { timeout: 60_000 }, async () => {
        const result = await fx.launcher.start(hostile(fx.request(['true']))).done;
        assert.equal(result.exitCode, null);
        assert.ok(result.spawnError !== undefined, JSON.stringify(result));
        const next = await fx.launcher.start(fx.request(['sh', '-c', 'exit 3'])).done;
        assert.equal(next.exitCode, 3);
      });
    }
  });
}
