// `sluice run --config FILE`: parameter values from a JSON or YAML file (YAML 1.2 holds JSON), with
// the line and column of each value, so that a wrong one is named where it stands.
import fs from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { PlanError } from '../errors.ts';
import type { ParamValue } from '../kernel/task.ts';

/** A key or index on the way to a value: `samples[2]`, `trim.left`. */
export type ConfigPath = readonly (string | number)[];

export interface ConfigFile {
  /** The file as the user named it. */
  readonly name: string;
  readonly values: Readonly<Record<string, ParamValue>>;
  /** `config.yaml:4:5`: where the value (or, with `key`, its key) at `path` stands. */
  readonly locate: (path: ConfigPath, key?: boolean) => string;
}

/** Reads and parses a config file; a missing or unreadable file, or one that does not parse, is a PlanError. */
export function readConfig(name: string, absolute: string, pipeline: string): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new PlanError(`Could not read config file \`${name}\` (\`--config\` for ${pipeline}): ${reason}`, { file: name });
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: false });
  const at = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `${name}:${line}:${col}`;
  };
  const problem = document.errors[0];
  if (problem !== undefined) {
    const message = problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? problem.message;
    throw new PlanError(`Could not parse config file ${at(problem.pos[0])}: ${message} (\`--config\` for ${pipeline})`, { file: name });
  }
  const root = document.contents;
  if (root !== null && !isMap(root)) {
    throw new PlanError(
      `Expected config file ${at(root.range?.[0] ?? 0)} to be a record of parameters (\`name: value\` lines, or a JSON object), got ${isSeq(root) ? 'a list' : 'a single value'} (\`--config\` for ${pipeline})`,
      { file: name },
    );
  }
  const values = toValues(document, name, pipeline);
  const locate = (path: ConfigPath, key = false): string => {
    let node: unknown = root;
    let keyNode: unknown;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === step || String(isScalar(item.key) ? item.key.value : '') === String(step));
        keyNode = pair?.key;
        node = pair?.value;
      } else if (isSeq(node) && typeof step === 'number') {
        keyNode = undefined;
        node = node.items[step];
      } else break;
    }
    const target = (key && keyNode !== undefined ? keyNode : node) as Node | undefined;
    return at(target?.range?.[0] ?? 0);
  };
  return { name, values, locate };
}

// Aliases may repeat at most this many values in all: a "billion laughs" file (each alias nine of
// the one before) would otherwise fill the memory.
const MAX_ALIAS_COUNT = 1000;

function toValues(document: ReturnType<typeof parseDocument>, name: string, pipeline: string): Record<string, ParamValue> {
  try {
    return (document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}) as Record<string, ParamValue>;
  } catch (error) {
    // The yaml package's one refusal while building values (a ReferenceError): too many aliases.
    if (!(error instanceof ReferenceError)) throw error;
    throw new PlanError(
      `Could not read config file ${name}: its aliases (*name) repeat values more than ${MAX_ALIAS_COUNT} times; write the values out (\`--config\` for ${pipeline})`,
      { file: name, cause: error },
    );
  }
}
