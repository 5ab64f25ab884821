/**
 * package.json ⇄ code: every contributed command is in the registry table and
 * vice versa, menus name real commands, `when` clauses match context values
 * the tree really produces, settings and nls keys line up. Plain node: the
 * registry source is read as text (it imports vscode).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_IDS, CONTEXT_KEYS, EDITOR_SUBMENU_ID, SETTING_KEYS, VIEW_CONTAINER_ID, VIEW_ID } from '../../src/extension/constants';
import { ALL_CONTEXT_VALUES, clusterContext, nodeContext } from '../../src/extension/tree/contextValues';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nlsEn = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const nlsZh = JSON.parse(readFileSync(join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);

interface MenuEntry {
  command: string;
  submenu?: string;
  when?: string;
  group?: string;
}
const menus = pkg.contributes.menus as Record<string, MenuEntry[]>;
const itemMenus = menus['view/item/context']!;

test('package.json commands = COMMAND_IDS, without duplicates', () => {
  assert.equal(new Set(contributed).size, contributed.length);
  assert.deepEqual([...contributed].sort(), [...COMMAND_IDS].sort());
});

test('the registry table registers exactly the contributed commands', () => {
  const source = readFileSync(join(root, 'src/extension/commands/registry.ts'), 'utf8');
  const table = source.slice(source.indexOf('export const COMMANDS'), source.indexOf('};', source.indexOf('export const COMMANDS')));
  const registered = [...table.matchAll(/'(redisClusterManager\.[A-Za-z]+)':\s*[A-Za-z]+,/g)].map((m) => m[1]!);
  assert.equal(new Set(registered).size, registered.length, 'an id is registered twice');
  assert.deepEqual([...registered].sort(), [...contributed].sort());
});

test('every command has a localized title and the "Redis Cluster" category', () => {
  for (const c of pkg.contributes.commands as { command: string; title: string; category: string }[]) {
    assert.match(c.title, /^%command\.[A-Za-z]+\.title%$/, c.command);
    assert.equal(c.category, '%category%');
  }
  assert.equal(nlsEn.category, 'Redis Cluster');
});

test('menus only name contributed commands; tree menus are scoped to the view', () => {
  for (const [where, entries] of Object.entries(menus)) {
    for (const e of entries) {
      if (e.submenu) {
        assert.ok(
          (pkg.contributes.submenus as { id: string }[]).some((m) => m.id === e.submenu),
          `${where}: submenu ${e.submenu}`,
        );
        continue;
      }
      assert.ok(contributed.includes(e.command), `${where}: ${e.command}`);
      if (where.startsWith('view/')) assert.match(e.when ?? '', new RegExp(`^view == ${VIEW_ID.replace('.', '\\.')}\\b`), `${where}: ${e.command}`);
    }
  }
});

/** `viewItem =~ /re/` and `viewItem == x` terms of a when clause. */
function viewItemTerms(when: string): { regexes: RegExp[]; equals: string[] } {
  const regexes = [...when.matchAll(/viewItem\s*=~\s*\/((?:\\\/|[^/])+)\/([a-z]*)/g)].map((m) => new RegExp(m[1]!, m[2]));
  const equals = [...when.matchAll(/viewItem\s*==\s*([^\s&|)]+)/g)].map((m) => m[1]!);
  return { regexes, equals };
}

test('every viewItem term in a when clause matches a context value the tree produces', () => {
  for (const e of itemMenus) {
    const { regexes, equals } = viewItemTerms(e.when ?? '');
    assert.ok(regexes.length + equals.length > 0, `${e.command} has no viewItem term`);
    for (const re of regexes)
      assert.ok(
        ALL_CONTEXT_VALUES.some((v) => re.test(v)),
        `${e.command}: ${re} matches nothing`,
      );
    for (const v of equals) assert.ok(ALL_CONTEXT_VALUES.includes(v), `${e.command}: ${v} is never produced`);
  }
});

function menuCommandsFor(contextValue: string): string[] {
  return itemMenus
    .filter((e) => viewItemTerms(e.when ?? '').regexes.every((re) => re.test(contextValue)))
    .map((e) => e.command.replace('redisClusterManager.', ''));
}

test('right-click menus: what a cluster, a master, a replica and a slot range offer', () => {
  const connected = menuCommandsFor(clusterContext({ connected: true, fail: false, problems: false, sandbox: false, settings: false }));
  for (const c of ['check', 'fix', 'info', 'reshard', 'rebalance', 'addNode', 'call', 'setTimeout', 'import', 'backup', 'restore', 'removeCluster']) {
    assert.ok(connected.includes(c), `cluster menu lacks ${c}`);
  }
  const disconnected = menuCommandsFor(clusterContext({ connected: false, fail: false, problems: false, sandbox: true, settings: false }));
  assert.ok(disconnected.includes('connect') && !disconnected.includes('check'));

  const master = menuCommandsFor(nodeContext({ role: 'master', empty: false, down: false }));
  for (const c of ['reshardFromHere', 'reshardToHere', 'addReplica', 'callOnNode', 'drain']) assert.ok(master.includes(c), `master lacks ${c}`);
  assert.ok(!master.includes('deleteNode'), 'a master with slots cannot be deleted');
  assert.ok(!master.includes('failover'));

  const emptyMaster = menuCommandsFor(nodeContext({ role: 'master', empty: true, down: false }));
  assert.ok(
    emptyMaster.includes('deleteNode') && emptyMaster.includes('reshardToHere') && !emptyMaster.includes('drain') && !emptyMaster.includes('reshardFromHere'),
  );

  const replica = menuCommandsFor(nodeContext({ role: 'replica', empty: true, down: false }));
  assert.ok(replica.includes('failover') && replica.includes('deleteNode') && replica.includes('callOnNode'));
  assert.ok(!replica.includes('reshardToHere') && !replica.includes('addReplica'));

  const downReplica = menuCommandsFor(nodeContext({ role: 'replica', empty: true, down: true }));
  assert.deepEqual(downReplica.sort(), ['copyNodeId', 'deleteNode']);

  assert.deepEqual(menuCommandsFor('rcm:slots'), ['moveSlots']);
  assert.deepEqual(menuCommandsFor('rcm:message'), []);
});

test('inline icons: refresh and check on a connected cluster, each with an icon', () => {
  const inline = itemMenus.filter((e) => e.group?.startsWith('inline'));
  const onConnected = inline.filter((e) => viewItemTerms(e.when!).regexes.every((re) => re.test('rcm:cluster+connected')));
  assert.deepEqual(onConnected.map((e) => e.command).sort(), ['redisClusterManager.check', 'redisClusterManager.refresh']);
  for (const e of inline) assert.ok(pkg.contributes.commands.find((c: { command: string; icon?: string }) => c.command === e.command)?.icon, e.command);
});

/** VS Code's own context keys a clause may use (https://code.visualstudio.com/api/references/when-clause-contexts). */
const BUILTIN_CONTEXT_KEYS = new Set([
  'view',
  'viewItem',
  'focusedView',
  'activeViewlet',
  'sideBarVisible',
  'listFocus',
  'treeElementCanCollapse',
  'treeElementCanExpand',
  'editorFocus',
  'editorTextFocus',
  'textInputFocus',
  'editorHasSelection',
  'editorReadonly',
  'editorLangId',
  'isWorkspaceTrusted',
  'resourceScheme',
  'resourceFilename',
  'resourceExtname',
  'resourceLangId',
  'resourcePath',
  'resource',
  'isLinux',
  'isMac',
  'isWindows',
  'webviewId',
  'activeWebviewPanelId',
  'activeEditor',
  'inQuickOpen',
  'workspaceFolderCount',
]);

/** Every `when` and `enablement` clause in the manifest, with where it is. */
function clauses(o: unknown, where = 'contributes'): { where: string; when: string }[] {
  if (Array.isArray(o)) return o.flatMap((x, i) => clauses(x, `${where}[${i}]`));
  if (o === null || typeof o !== 'object') return [];
  return Object.entries(o).flatMap(([k, v]) =>
    (k === 'when' || k === 'enablement') && typeof v === 'string' ? [{ where, when: v }] : clauses(v, `${where}.${k}`),
  );
}

/** The context keys a clause reads: operands of ==, !=, =~, in, !, &&, || (values and regexes left out). */
function contextKeysOf(when: string): string[] {
  const keysOnly = when.replace(/=~\s*\/(?:\\\/|[^/])+\/[a-z]*/g, ' ').replace(/(==|!=|<=|>=|<|>|\bnot in\b|\bin\b)\s*('[^']*'|"[^"]*"|[^\s&|)]+)/g, ' ');
  return [...keysOnly.matchAll(/[A-Za-z_][\w.-]*/g)].map((m) => m[0]).filter((k) => k !== 'true' && k !== 'false');
}

test("context keys in when clauses are the ones the code sets or VS Code's own", () => {
  const all = clauses(pkg.contributes);
  assert.ok(all.length >= 20, 'the clauses were found');
  const ours = new Set(Object.values(CONTEXT_KEYS) as string[]);
  const seen = new Set<string>();
  for (const { where, when } of all) {
    for (const key of contextKeysOf(when)) {
      seen.add(key);
      assert.ok(ours.has(key) || BUILTIN_CONTEXT_KEYS.has(key) || key.startsWith('config.'), `${where}: unknown context key "${key}" in "${when}"`);
    }
  }
  assert.deepEqual(contextKeysOf('view == a.b && viewItem =~ /^rcm:x$/ && !redisClusterManager.hasClusters || foo.bar'), [
    'view',
    'viewItem',
    'redisClusterManager.hasClusters',
    'foo.bar',
  ]);
  for (const k of ['redisClusterManager.hasClusters', 'redisClusterManager.redisServerAvailable']) assert.ok(seen.has(k), `${k} is used`);
});

test('views, container and viewsWelcome use the ids of the code', () => {
  assert.equal(pkg.contributes.viewsContainers.activitybar[0].id, VIEW_CONTAINER_ID);
  assert.equal(pkg.contributes.views[VIEW_CONTAINER_ID][0].id, VIEW_ID);
  for (const w of pkg.contributes.viewsWelcome) assert.equal(w.view, VIEW_ID);
  assert.ok(pkg.contributes.viewsWelcome.some((w: { contents: string }) => nlsEn[w.contents.slice(1, -1)]!.includes('command:redisClusterManager.addCluster')));
  assert.ok(
    pkg.contributes.viewsWelcome.some(
      (w: { contents: string; when: string }) =>
        nlsEn[w.contents.slice(1, -1)]!.includes('command:redisClusterManager.createSandbox') && w.when.includes('redisServerAvailable'),
    ),
  );
});

test('settings: the contributed keys are the ones the code reads', () => {
  const keys = Object.keys(pkg.contributes.configuration.properties).map((k) => k.replace('redisClusterManager.', ''));
  assert.deepEqual(keys.sort(), [...SETTING_KEYS].sort());
});

test('every %key% has an English and a Simplified Chinese text, and the nls files agree', () => {
  const keys = [...JSON.stringify(pkg).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
  for (const k of keys) {
    assert.ok(nlsEn[k], `package.nls.json lacks ${k}`);
    assert.ok(nlsZh[k], `package.nls.zh-cn.json lacks ${k}`);
  }
  assert.deepEqual(Object.keys(nlsZh).sort(), Object.keys(nlsEn).sort());
  for (const k of Object.keys(nlsEn)) {
    const links = (s: string) => [...s.matchAll(/\(command:[^)]+\)/g)].map((m) => m[0]).join();
    assert.equal(links(nlsZh[k]!), links(nlsEn[k]!), `command links of ${k} differ`);
  }
});

test('the editor context menu: a "Redis Cluster" submenu shown only on a node, with the node operations', () => {
  const submenu = (pkg.contributes.submenus as { id: string; label: string }[]).find((m) => m.id === EDITOR_SUBMENU_ID)!;
  assert.ok(submenu, 'submenu declared');
  assert.equal(nlsEn[submenu.label.slice(1, -1)], 'Redis Cluster');
  const entry = menus['editor/context']!.find((e) => e.submenu === EDITOR_SUBMENU_ID)!;
  assert.equal(entry.when, CONTEXT_KEYS.editorNode);
  const items = menus[EDITOR_SUBMENU_ID]!;
  const ids = items.map((e) => e.command.replace('redisClusterManager.', ''));
  assert.deepEqual(
    [...ids].sort(),
    ['addReplica', 'copyNodeId', 'deleteNode', 'failover', 'openNodeInfo', 'replicate', 'reshardFromHere', 'reshardToHere'].sort(),
  );
  const roles = ['master', 'emptyMaster', 'replica', 'down', 'unknown'];
  const shown = (role: string): string[] =>
    items
      .filter((e) => !e.when || e.when.split('||').some((t) => t.trim() === `${CONTEXT_KEYS.editorNodeRole} == ${role}`))
      .map((e) => e.command.replace('redisClusterManager.', ''));
  for (const e of items)
    for (const t of (e.when ?? '').split('||').filter((x) => x.trim() !== '')) {
      const m = new RegExp(`^${CONTEXT_KEYS.editorNodeRole.replace('.', '\\.')} == (\\w+)$`).exec(t.trim());
      assert.ok(m && roles.includes(m[1]!), `${e.command}: ${t}`);
    }
  assert.ok(shown('replica').includes('failover') && shown('replica').includes('replicate') && !shown('replica').includes('reshardFromHere'));
  assert.ok(shown('master').includes('reshardFromHere') && !shown('master').includes('deleteNode') && !shown('master').includes('failover'));
  assert.ok(shown('emptyMaster').includes('deleteNode') && shown('emptyMaster').includes('addReplica'));
  assert.equal(shown('unknown').length, items.length, 'an unknown node offers everything (the user is asked to add its cluster)');
});

test('tree-only commands ("This Node", "These Slots") are hidden from the palette', () => {
  const hidden = new Set(menus.commandPalette!.filter((e) => e.when === 'false').map((e) => e.command));
  for (const c of pkg.contributes.commands as { command: string; title: string }[]) {
    const title = nlsEn[c.title.slice(1, -1)]!;
    if (/\b(This|These)\b/.test(title)) assert.ok(hidden.has(c.command), `${c.command} (${title}) is in the palette`);
  }
});
