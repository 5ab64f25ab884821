/**
 * Every runtime string of the extension (each `l10n.t('…')` call under
 * src/extension, found with the TypeScript parser) has a Simplified Chinese
 * translation in l10n/bundle.l10n.zh-cn.json with the same placeholders, and
 * the bundle has no stale entries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..', '..');
const srcDir = join(root, 'src', 'extension');
/** The migration panel has its own string table (l10n/bundle.l10n.webview-*.json). */
const OWN_TABLE = join(srcDir, 'webview');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (p === OWN_TABLE) return [];
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Message strings of `<x>.l10n.t(...)` / `l10n.t(...)` calls, with where they are. */
export function extractMessages(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files(srcDir)) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 't') {
        const target = node.expression.expression;
        const isL10n = (ts.isIdentifier(target) && target.text === 'l10n')
          || (ts.isPropertyAccessExpression(target) && target.name.text === 'l10n');
        const first = node.arguments[0];
        if (isL10n) {
          const where = `${relative(root, file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
          assert.ok(first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)), `${where}: l10n.t needs a literal message`);
          found.set((first as ts.StringLiteral).text, where);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

const placeholders = (s: string): string => [...new Set([...s.matchAll(/\{\d+\}/g)].map((m) => m[0]))].sort().join();

test('every runtime string has a zh-cn translation with the same placeholders; no stale entries', () => {
  const messages = extractMessages();
  assert.ok(messages.size > 100, `found only ${messages.size} messages`);
  const bundle = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
  const missing = [...messages.keys()].filter((m) => !(m in bundle));
  assert.deepEqual(missing, [], `untranslated: ${missing.map((m) => `${messages.get(m)} ${JSON.stringify(m)}`).join('\n')}`);
  for (const [en, zh] of Object.entries(bundle)) {
    assert.ok(messages.has(en), `stale entry in bundle.l10n.zh-cn.json: ${JSON.stringify(en)}`);
    assert.equal(placeholders(zh), placeholders(en), `placeholders differ: ${JSON.stringify(en)}`);
    assert.ok(zh.trim() !== '', en);
  }
});
