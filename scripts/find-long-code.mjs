// Lists functions of src/ over N lines (default 80), and files over 250 lines: the sizes
// STYLE.md asks for. `node scripts/find-long-code.mjs [N]` from the repository root.
import ts from 'typescript';
import fs from 'node:fs';
import path from 'node:path';
const limit = Number(process.argv[2] ?? 80);
function walk(d, out = []) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p, out); else if (p.endsWith('.ts')) out.push(p); } return out; }
for (const file of walk('src')) {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const a = sf.getLineAndCharacterOfPosition(node.getStart()).line, b = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (b - a + 1 > limit) console.log(`${b - a + 1}\t${file}:${a + 1}\t${node.name?.getText?.() ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : '(anonymous)')}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
for (const file of walk('src')) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').length - 1;
  if (lines > 250) console.log(`${lines}\t${file}\t(file)`);
}
