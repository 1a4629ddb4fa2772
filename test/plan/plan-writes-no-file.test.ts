import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { REPO } from '../helpers/run-sluice.ts';

// STYLE.md: planning starts no process and writes no file. The layering test keeps process,
// execute and schedule out of plan/; this one keeps the file system's writing calls out, and the
// kernel's atomic write (the bundle cache is saved through a function the caller passes in).

const PLAN = path.join(REPO, 'src/plan');
const WRITES = new Set([
  'writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'mkdir', 'mkdirSync', 'mkdtemp', 'mkdtempSync', 'rename', 'renameSync',
  'rm', 'rmSync', 'rmdir', 'rmdirSync', 'unlink', 'unlinkSync', 'copyFile', 'copyFileSync', 'cp', 'cpSync', 'symlink', 'symlinkSync',
  'link', 'linkSync', 'truncate', 'truncateSync', 'chmod', 'chmodSync', 'utimes', 'utimesSync', 'createWriteStream',
]);

function listWrites(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && WRITES.has(node.expression.name.text)) {
      found.push(`${path.relative(REPO, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${node.expression.getText()}`);
    }
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && /write-atomically/.test(node.moduleSpecifier.text)) {
      found.push(`${path.relative(REPO, file)} imports ${node.moduleSpecifier.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('planning', () => {
  it('writes no file: no call in src/plan/ writes, moves or removes one', () => {
    const files = fs.readdirSync(PLAN, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts')).map((name) => path.join(PLAN, name));
    assert.ok(files.length > 20, `${files.length} files`);
    assert.deepEqual(files.flatMap(listWrites), []);
  });
});
