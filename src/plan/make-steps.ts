import { PlanError } from '../errors.ts';
import { readBundlePath } from './bundle-pipeline.ts';
import { checkStepRecord, describeValue } from './check-definition.ts';
import { collectSteps, isStep, type MadeStep, type PipelineDefinition, type Step } from './define-pipeline.ts';
import { locateError, locateStack } from './locate-error.ts';
import type { ParamValue } from '../kernel/task.ts';

/**
 * Calls the pipeline's steps() for these parameters: what it throws is a plan error at its line
 * of pipeline.ts, and each step must be in the record once, under one name.
 */
export function makeSteps(definition: PipelineDefinition, params: Readonly<Record<string, ParamValue>>, file: string): Readonly<Record<string, Step>> {
  let collected: ReturnType<typeof collectSteps<unknown>>;
  try {
    // A plain copy: a getter of the record that throws throws here.
    collected = collectSteps<unknown>(() => {
      const value = definition.steps(params);
      return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Promise) && !isStep(value) ? { ...value } : value;
    });
  } catch (error) {
    if (error instanceof PlanError) throw error;
    const at = locateError(error, file, readBundlePath(file));
    throw new PlanError(`The steps of the pipeline in ${file} could not be made: ${describeThrown(error)}${at === undefined ? '' : ` (at ${at})`}`, { file, field: 'steps', cause: error });
  }
  const specs = checkStepRecord(collected.value, file);
  checkAllRegistered(specs, collected.made, file);
  const names = new Map<unknown, string>();
  for (const [name, spec] of Object.entries(specs)) {
    checkStepName(name, file);
    const other = names.get(spec);
    if (other !== undefined && typeof spec === 'object' && spec !== null) {
      throw new PlanError(`Steps \`${other}\` and \`${name}\` of ${file} are one step({...}) registered under two names: each step needs its own`, { file, step: name });
    }
    names.set(spec, name);
  }
  return specs;
}

// A step steps() made that is not in the record it returned lost its name to another step: the
// records of two helpers spread into one. (A record written out with one name twice is refused
// when the pipeline is bundled; steps made at the top of the module and left out are allowed.)
function checkAllRegistered(specs: Readonly<Record<string, Step>>, made: readonly MadeStep[], file: string): void {
  const registered = new Set<unknown>(Object.values(specs));
  const lost = made.find((item) => !registered.has(item.step));
  if (lost === undefined) return;
  const at = locateStack(lost.stack, file, readBundlePath(file));
  throw new PlanError(
    `A step made by step({...})${at === undefined ? '' : ` at ${at}`} is not among the steps of ${file}: another step of the same name replaced it ` +
      '(two records of steps spread into one, each with a step of that name?). Give each step its own name, and make only the steps you use',
    { file },
  );
}

function describeThrown(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' || error.message.startsWith(error.name) ? error.message : `${error.name}: ${error.message}`;
  return `it threw ${describeValue(error)}`;
}

// A step's name is what a user types (`--force NAME`, `sluice clean NAME`) and reads in task
// names (`align[sample=A]`): none that would be empty, split by a shell, read as an option, or
// mistaken for wildcards or a path.
function checkStepName(name: string, file: string): void {
  if (name !== '' && !/[\s\p{Cc}[\]=/]/u.test(name) && !name.startsWith('-')) return;
  throw new PlanError(
    `Expected each step name in ${file} to be a word (not empty; no spaces, control characters, \`[\`, \`]\`, \`=\` or \`/\`; not starting with \`-\`; e.g. \`align_reads\`), got ${JSON.stringify(name)}`,
    { file, step: name },
  );
}
