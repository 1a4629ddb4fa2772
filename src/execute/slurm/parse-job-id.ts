import { BackendError } from '../../errors.ts';

/** A job id split into the array job and, for an array task, its index. */
export interface JobIdParts {
  readonly job: string;
  readonly index?: number | undefined;
}

const PLAIN = /^(\d+)(?:_(\d+))?(?:\+\d+)?$/;
const RANGE = /^(\d+)_\[([^\]]+)\]$/;

/**
 * The job ids one squeue/sacct id stands for: `1234` and `1234_7` stand for themselves;
 * pending array tasks are folded into `1234_[8-20]` or `1234_[1,3,5-7%2]` (`%2`: the array's
 * limit of tasks running at once) and expand to one id per task.
 */
export function expandJobId(text: string): string[] {
  const id = text.trim();
  if (PLAIN.test(id)) return [id.replace(/\+\d+$/, '')];
  const range = RANGE.exec(id);
  if (range === null) throw new BackendError(`Expected a Slurm job id like 1234, 1234_7 or 1234_[8-20], got \`${text}\``);
  const [, job, list = ''] = range;
  const ids: string[] = [];
  for (const item of list.replace(/%\d+$/, '').split(',')) {
    const bounds = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(item);
    if (bounds === null) throw new BackendError(`Expected array indexes like 8-20 in Slurm job id \`${text}\`, got \`${item}\``);
    const first = Number(bounds[1]);
    const last = bounds[2] === undefined ? first : Number(bounds[2]);
    const step = bounds[3] === undefined ? 1 : Math.max(1, Number(bounds[3]));
    for (let index = first; index <= last; index += step) ids.push(`${job}_${index}`);
  }
  return ids;
}

export function splitJobId(id: string): JobIdParts {
  const at = id.indexOf('_');
  return at < 0 ? { job: id } : { job: id.slice(0, at), index: Number(id.slice(at + 1)) };
}

/**
 * For the status parsers: the job ids of one report line whose id and state look right, or
 * undefined for a line to skip (a failed or odd query is "no news", never "failed").
 */
export function readReportIds(id: string, state: string): string[] | undefined {
  if (!/^\d/.test(id) || !/^[A-Z_]+$/.test(state)) return undefined;
  try {
    return expandJobId(id);
  } catch {
    return undefined;
  }
}
