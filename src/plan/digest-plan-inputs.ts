// Everything a pipeline's plan depends on besides the folders it lists: the sluice that plans,
// the pipeline's code (its bundle), the parameters, the steps they give, the environment values
// the steps declare, and the targets. The same digest and the same listings give the same tasks.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NormalizedStep } from './normalize-step.ts';
import type { ParamValue } from '../kernel/task.ts';
import type { MapPlanOptions } from './plan-map.ts';

export interface PlanInputs {
  /** Absolute path of the pipeline file. */
  readonly file: string;
  /** From `readBundleName`: changes with the code of the file and of the modules it imports. */
  readonly bundle: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly steps: readonly NormalizedStep[];
  readonly targets: readonly string[];
  /** Where the targets are relative to. */
  readonly cwd: string;
}

// This module's own file: replaced whenever sluice is, so another sluice never trusts a digest.
const SELF = fileURLToPath(import.meta.url);

export function digestPlanInputs(inputs: PlanInputs): string {
  const self = fs.statSync(SELF, { bigint: true });
  const env = inputs.steps.map((step) => step.env.map((name) => process.env[name] ?? null));
  const text = JSON.stringify([
    `${SELF}:${self.size}:${self.mtimeNs}`,
    inputs.file,
    inputs.bundle,
    inputs.params,
    inputs.steps,
    env,
    inputs.targets,
    inputs.targets.length === 0 ? '' : inputs.cwd,
  ]);
  return createHash('sha256').update(text).digest('hex');
}

/** Where `sluice map`'s inputs come from: a glob (listed when planning), or given (stdin, `:::`). */
export type MapInputSource = { readonly glob: string } | { readonly inputs: readonly string[] };

/**
 * The same for `sluice map`: everything its plan depends on besides the folders its globs list:
 * the command and options, the globs, and the inputs given as they are.
 */
export function digestMapInputs(options: Omit<MapPlanOptions, 'inputs'>, sources: readonly MapInputSource[], dot: boolean): string {
  const self = fs.statSync(SELF, { bigint: true });
  const text = JSON.stringify([
    `${SELF}:${self.size}:${self.mtimeNs}`,
    'map',
    options.command,
    // How a --shell script runs: a snapshot of its /bin/sh days must not vouch for it.
    options.shell ? 'bash -euo pipefail' : false,
    options.outTemplate ?? null,
    options.cwd,
    options.cpus ?? 1,
    options.timeoutMs ?? null,
    options.noOutputTimeoutMs ?? null,
    options.retries,
    dot,
    sources,
  ]);
  return createHash('sha256').update(text).digest('hex');
}
