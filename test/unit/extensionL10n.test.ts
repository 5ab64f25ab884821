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
import { EN_STRINGS } from '../../src/shared/strings';

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
        const isL10n = (ts.isIdentifier(target) && target.text === 'l10n') || (ts.isPropertyAccessExpression(target) && target.name.text === 'l10n');
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

// Issue 16, problem 9: the zh-cn wording.
test('zh-cn: Restore (还原) and Resume Interrupted Migration (继续) do not start alike; 恢复 is used for neither', () => {
  const nlsZh = JSON.parse(readFileSync(join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
  const restore = nlsZh['command.restore.title']!;
  const resume = nlsZh['command.resumeMigration.title']!;
  assert.ok(restore.startsWith('还原') && resume.startsWith('继续'), `${restore} / ${resume}`);
  const bundle = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
  for (const [en, zh] of Object.entries(bundle)) {
    if (/\brestor/i.test(en)) assert.ok(!zh.includes('恢复') && zh.includes('还原'), `${en} → ${zh}`);
    if (/\bresum/i.test(en)) assert.ok(!zh.includes('恢复') && zh.includes('继续'), `${en} → ${zh}`);
  }
});

test('no "(s)" plurals in any English text (extension, manifest, migration panel)', () => {
  const nlsEn = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const texts = [...extractMessages().keys(), ...Object.values(nlsEn), ...Object.values(EN_STRINGS)];
  const plural = texts.filter((t) => /\w\(s\)/.test(t));
  assert.deepEqual(plural, []);
});

test('one term for the output: "Show Output" and "Show Log" read the same in zh-cn, and the command is "Show Output"', () => {
  const bundle = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
  const nlsEn = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const nlsZh = JSON.parse(readFileSync(join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
  assert.equal(nlsEn['command.showLog.title'], 'Show Output');
  const terms = new Set([bundle['Show Output'], nlsZh['command.showLog.title'], ...('Show Log' in bundle ? [bundle['Show Log']] : [])]);
  assert.deepEqual([...terms], ['显示输出']);
});

test("the per-move table's state column (完成) does not wrap", () => {
  const css = readFileSync(join(root, 'webview', 'styles.css'), 'utf8');
  assert.match(css, /\.groups-table td:last-child[^{]*\{[^}]*white-space:\s*nowrap/);
});
