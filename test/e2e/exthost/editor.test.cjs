/* global require, describe, it, before, setTimeout */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, loaded with require() by the extension host */
// Issue 16 inside the real extension host: node ids and addresses are links and hovers in a Check
// result, a nodes.conf file and a pasted log; a command run from the editor's "Redis Cluster" menu
// (argument: the document's URI) acts on the node under the cursor; Add Cluster does not save a
// cluster it cannot reach unless told to.
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXT_ID = 'rcm-team.redis-cluster-manager';

async function until(what, fn, ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function hoverText(hovers) {
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}

/** Puts the cursor of the editor on the first occurrence of `text` (plus `offset` characters). */
async function cursorOn(editor, text, offset = 2) {
  const at = editor.document.getText().indexOf(text);
  assert.ok(at >= 0, `${text} is in the document`);
  const pos = editor.document.positionAt(at + offset);
  editor.selection = new vscode.Selection(pos, pos);
  return pos;
}

describe('node ids and addresses in editors', () => {
  let api;
  let profile;
  let topology;
  before(async () => {
    api = await vscode.extensions.getExtension(EXT_ID).activate();
    profile = api.registry.list().find((p) => p.name === 'e2e');
    topology = (await api.store.ensureLoaded(profile.id)).topology;
  });

  it('a Check result: every node id and address links to Open Node Info; the hover tells role, slots, keys and health', async () => {
    await vscode.commands.executeCommand('redisClusterManager.check', { kind: 'cluster', clusterId: profile.id });
    const editor = vscode.window.activeTextEditor;
    const doc = editor.document;
    const links = await vscode.commands.executeCommand('vscode.executeLinkProvider', doc.uri);
    const texts = links.map((l) => doc.getText(l.range));
    for (const n of topology.nodes) {
      assert.ok(texts.includes(n.id), `a link on ${n.id}`);
      assert.ok(texts.includes(`${n.host}:${n.port}`), `a link on ${n.host}:${n.port}`);
    }
    assert.ok(texts.some((t) => /^[0-9a-f]{8}$/.test(t)), 'the short ids of the summary lines are links too');
    const target = links.find((l) => doc.getText(l.range) === topology.nodes[0].id).target;
    assert.strictEqual(target.scheme, 'command');
    assert.strictEqual(target.path, 'redisClusterManager.openNodeInfo');
    const master = topology.nodes.find((n) => n.role === 'master');
    const pos = await cursorOn(editor, `M: ${master.id}`, 5);
    const hover = hoverText(await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos));
    assert.match(hover, /master/);
    assert.match(hover, new RegExp(`Slots: ${master.slotCount}`));
    assert.match(hover, /Keys: \d+/);
    assert.match(hover, /Health: ok/);
  });

  it('a command from the editor menu acts on the node under the cursor (Copy Node ID, Open Node Info)', async () => {
    await vscode.commands.executeCommand('redisClusterManager.check', { kind: 'cluster', clusterId: profile.id });
    const editor = vscode.window.activeTextEditor;
    const replica = topology.nodes.find((n) => n.role === 'replica');
    await cursorOn(editor, `S: ${replica.id}`, 10);
    assert.strictEqual(await vscode.commands.executeCommand('redisClusterManager.copyNodeId', editor.document.uri), replica.id);
    assert.strictEqual(await vscode.env.clipboard.readText(), replica.id);
    // On the address of the same line.
    await cursorOn(editor, `${replica.id} ${replica.host}:${replica.port}`, 45);
    assert.strictEqual(await vscode.commands.executeCommand('redisClusterManager.copyNodeId', editor.document.uri), replica.id);
    await vscode.commands.executeCommand('redisClusterManager.openNodeInfo', editor.document.uri);
    await until('the node info document', () => vscode.window.activeTextEditor.document.getText().includes(`# ${replica.host}:${replica.port} ${replica.id}`));
  });

  it('a nodes.conf file: the lines of the cluster are recognised and resolved', async () => {
    const node = topology.nodes[1];
    await vscode.commands.executeCommand('redisClusterManager.openNodeInfo', { kind: 'node', clusterId: profile.id, nodeId: node.id });
    const info = vscode.window.activeTextEditor.document.getText();
    const nodesText = info.split('# CLUSTER NODES\n')[1].split('\n\n')[0].trim();
    const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
    const file = path.join(folder, 'nodes-7000.conf');
    fs.writeFileSync(file, `${nodesText}\nvars currentEpoch 6 lastVoteEpoch 0\n`);
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    const links = await vscode.commands.executeCommand('vscode.executeLinkProvider', doc.uri);
    assert.ok(links.length >= topology.nodes.length * 2, `links: ${links.length}`);
    await cursorOn(editor, node.id, 3);
    assert.strictEqual(await vscode.commands.executeCommand('redisClusterManager.copyNodeId', doc.uri), node.id);
    fs.rmSync(file, { force: true });
  });

  it('a pasted log with CLUSTER NODES lines: known nodes resolve, an unknown one says how to add its cluster', async () => {
    const n = topology.nodes[2];
    const unknown = 'ffeeddccbbaa99887766554433221100ffeeddcc';
    const content = [
      `2026-12-01 10:00:01.123 app: cluster state changed`,
      `2026-12-01 10:00:01.124 app: ${n.id} ${n.host}:${n.port}@${n.port + 10000} master - 0 1764583201000 1 connected 0-10`,
      `2026-12-01 10:00:01.125 app: ${unknown} 10.99.0.1:6379@16379 master - 0 1764583201000 9 connected 11-20`,
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ content });
    const editor = await vscode.window.showTextDocument(doc);
    const links = await vscode.commands.executeCommand('vscode.executeLinkProvider', doc.uri);
    assert.deepStrictEqual(links.map((l) => doc.getText(l.range)).sort(), [n.id, `${n.host}:${n.port}@${n.port + 10000}`].sort(), 'only the known node links');
    const pos = await cursorOn(editor, unknown, 4);
    const hover = hoverText(await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos));
    assert.match(hover, /not in any configured cluster/);
    assert.match(hover, /10\\?\.99\\?\.0\\?\.1:6379/);
    await cursorOn(editor, n.id, 4);
    assert.strictEqual(await vscode.commands.executeCommand('redisClusterManager.copyNodeId', doc.uri), n.id);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Add Cluster does not save a cluster it cannot reach (refused port, unresolvable host), unless told to', async () => {
    const before = api.registry.list().length;
    assert.strictEqual(await vscode.commands.executeCommand('redisClusterManager.addCluster', { name: 'refused', seeds: ['127.0.0.1:1'] }), undefined);
    assert.strictEqual(await vscode.commands.executeCommand('redisClusterManager.addCluster', { name: 'nowhere', seeds: ['no-such-host.invalid:7000'] }), undefined);
    assert.strictEqual(api.registry.list().length, before, 'nothing saved');
    const id = await vscode.commands.executeCommand('redisClusterManager.addCluster', { name: 'refused', seeds: ['127.0.0.1:1'], saveAnyway: true });
    assert.ok(id);
    await until('the error row', () => api.store.get(id) && api.store.get(id).status === 'error');
    await api.registry.remove(id);
  });

  it('keys per slot range: counted for a master with several ranges (the resumed migration left one), summing to its keys', async () => {
    let view = await api.store.load(profile.id);
    let multi = view.topology.nodes.find((n) => n.role === 'master' && n.slots.length >= 2);
    assert.ok(multi, 'a master with several ranges');
    // One key in each of its ranges (found with CLUSTER KEYSLOT on the node itself).
    const Redis = require('ioredis');
    const r = new Redis({ host: multi.host, port: multi.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    try {
      const names = Array.from({ length: 30000 }, (_, i) => `range-key-${i}`);
      const p = r.pipeline();
      for (const k of names) p.call('CLUSTER', 'KEYSLOT', k);
      const slots = (await p.exec()).map(([, v]) => Number(v));
      for (const range of multi.slots) {
        const i = slots.findIndex((s) => s >= range.start && s <= range.end);
        assert.ok(i >= 0, `a key for ${range.start}-${range.end}`);
        await r.set(names[i], 'x');
      }
    } finally {
      r.disconnect();
    }
    view = await api.store.load(profile.id);
    multi = view.topology.nodes.find((n) => n.id === multi.id);
    api.store.countRangeKeys(profile.id, multi.id);
    const counted = await until('the ranges to be counted', () => {
      const v = api.store.get(profile.id);
      return v.rangeKeys && multi.slots.every((r) => v.rangeKeys.has(`${multi.id}/${r.start}-${r.end}`)) ? v : undefined;
    });
    const sum = multi.slots.reduce((a, r) => a + counted.rangeKeys.get(`${multi.id}/${r.start}-${r.end}`), 0);
    assert.strictEqual(sum, multi.dbsize);
    for (const range of multi.slots) assert.ok(counted.rangeKeys.get(`${multi.id}/${range.start}-${range.end}`) >= 1, `${range.start}-${range.end} has its key`);
  });
});
