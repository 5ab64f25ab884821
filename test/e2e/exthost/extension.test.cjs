/* global require, process, describe, it, before, setTimeout */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, loaded with require() by the extension host */
// Inside the real extension host (code-server, Node 24): activation, the command table against
// package.json, the cached model from a settings-defined cluster, Check's redis-cli output in a
// read-only document, and a wrong password that is reported, not fatal. (Modal dialogs are
// auto-cancelled in this mode, so journeys with confirmations run in the UI suite.)
const assert = require('node:assert');
const vscode = require('vscode');

const EXT_ID = 'rcm-team.redis-cluster-manager';
const SEED = process.env.RCM_E2E_SEED;
const LOCKED = process.env.RCM_E2E_LOCKED;

async function until(what, fn, ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const owns = (n, slot) => n.slots.some((r) => r.start <= slot && slot <= r.end);

/**
 * A journal of an interrupted reshard of `slots` (owned by one master) to another master, as a killed run
 * leaves it: only its plan record. Returns the journal's path and the two masters.
 */
async function interruptedJournal(api, profile, slots, name) {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const t = (await api.store.load(profile.id)).topology;
  const masters = t.nodes.filter((n) => n.role === 'master');
  const source = masters.find((m) => owns(m, slots[0]));
  const target = masters.find((m) => m !== source);
  const node = (n, after) => ({ id: n.id, host: n.host, port: n.port, slotsBefore: n.slotCount, slotsAfter: after });
  const plan = {
    version: 1, kind: 'reshard', entry: { host: t.entry.host, port: t.entry.port },
    nodes: [node(source, source.slotCount - slots.length), node(target, target.slotCount + slots.length)],
    moves: slots.map((slot) => ({ slot, sourceId: source.id, targetId: target.id })),
    groups: [{ sourceId: source.id, targetId: target.id, slots: slots.length }], totalSlots: slots.length, requestedSlots: slots.length,
  };
  const dir = path.join(os.tmpdir(), 'rcm-journals');
  fs.mkdirSync(dir, { recursive: true });
  const journal = path.join(dir, `e2e-${name}-${process.pid}.jsonl`);
  fs.writeFileSync(journal, `${JSON.stringify({ t: 'plan', plan, at: Date.now() })}\n`);
  return { journal, source, target };
}

describe('Redis Cluster Manager in the extension host', () => {
  let api;
  let ext;
  before(async () => {
    ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, 'extension found');
    api = await ext.activate();
  });

  it('registers every command package.json contributes', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const declared = ext.packageJSON.contributes.commands.map((c) => c.command);
    assert.ok(declared.length >= 30);
    for (const id of declared) assert.ok(all.has(id), `${id} is not registered`);
  });

  it('lists the cluster from the clusters setting and loads its topology into the cached model', async () => {
    const profile = api.registry.list().find((p) => p.name === 'e2e');
    assert.ok(profile, 'profile from settings');
    assert.strictEqual(profile.source, 'settings');
    assert.deepStrictEqual(profile.seeds, [SEED]);
    await vscode.commands.executeCommand('workbench.view.extension.redisClusterManager');
    const view = await until('the cluster to load', () => {
      const v = api.store.get(profile.id);
      return v && v.status === 'connected' && v.topology ? v : undefined;
    });
    assert.strictEqual(view.topology.nodes.filter((n) => n.role === 'master').length, 3);
    assert.strictEqual(view.topology.nodes.length, 6);
    assert.ok(view.check.ok, 'check ok');
  });

  it('Check opens a read-only document with redis-cli\'s output', async () => {
    const profile = api.registry.list().find((p) => p.name === 'e2e');
    const code = await vscode.commands.executeCommand('redisClusterManager.check', { kind: 'cluster', clusterId: profile.id });
    assert.strictEqual(code, 0);
    const doc = vscode.window.activeTextEditor.document;
    assert.strictEqual(doc.uri.scheme, 'redis-cluster');
    const text = doc.getText();
    assert.match(text, new RegExp(`^${SEED.replace(/\./g, '\\.')} \\([0-9a-f]{8}\\.\\.\\.\\) -> \\d+ keys \\| \\d+ slots \\| 1 slaves\\.`, 'm'));
    assert.match(text, /\[OK\] All nodes agree about slots configuration\./);
    assert.match(text, /\[OK\] All 16384 slots covered\./);
  });

  it('Info, Open Node Info and Copy Node ID work from tree elements', async () => {
    const profile = api.registry.list().find((p) => p.name === 'e2e');
    assert.strictEqual(await vscode.commands.executeCommand('redisClusterManager.info', { kind: 'cluster', clusterId: profile.id }), 0);
    assert.match(vscode.window.activeTextEditor.document.getText(), /\[OK\] 0 keys in 3 masters\.|keys in 3 masters\./);
    const node = api.store.get(profile.id).topology.nodes[0];
    await vscode.commands.executeCommand('redisClusterManager.openNodeInfo', { kind: 'node', clusterId: profile.id, nodeId: node.id });
    const text = vscode.window.activeTextEditor.document.getText();
    assert.match(text, /# CLUSTER NODES/);
    assert.match(text, /cluster_enabled:1/);
    assert.ok(text.includes(node.id));
    assert.strictEqual(await vscode.commands.executeCommand('redisClusterManager.copyNodeId', { kind: 'node', clusterId: profile.id, nodeId: node.id }), node.id);
  });

  it('editing a cluster defined in settings writes the change back to that setting, without secrets', async () => {
    const profile = api.registry.list().find((p) => p.name === 'e2e');
    await api.registry.update({ ...profile, user: 'ops' }, 'a-secret');
    const value = await until('the setting to change', () => {
      const v = vscode.workspace.getConfiguration('redisClusterManager').get('clusters');
      return v && v[0] && v[0].user === 'ops' ? v : undefined;
    });
    assert.ok(!JSON.stringify(value).includes('a-secret'));
    assert.strictEqual(await api.registry.password(profile.id), 'a-secret');
    await api.registry.update({ ...profile, user: undefined }, null);
    await until('the setting to be restored', () => {
      const v = vscode.workspace.getConfiguration('redisClusterManager').get('clusters');
      return v && v[0] && v[0].user === undefined ? v : undefined;
    });
    assert.strictEqual(await api.registry.password(profile.id), undefined);
  });

  it('a wrong password is reported with a readable reason; the secret stays out of settings', async () => {
    // Add Cluster tests the connection first: a wrong password is not saved as an error row…
    assert.strictEqual(await vscode.commands.executeCommand('redisClusterManager.addCluster', { name: 'wrong-password', seeds: [LOCKED], password: 'not-the-password' }), undefined);
    assert.ok(!api.registry.list().some((p) => p.name === 'wrong-password'), 'not saved');
    // …unless the caller says to save it anyway.
    const id = await vscode.commands.executeCommand('redisClusterManager.addCluster', { name: 'wrong-password', seeds: [LOCKED], password: 'not-the-password', saveAnyway: true });
    assert.ok(id, 'profile added');
    const view = await until('the load to fail', () => {
      const v = api.store.get(id);
      return v && v.status === 'error' ? v : undefined;
    });
    assert.strictEqual(view.error.code, 'auth-failed');
    assert.match(view.error.detail, /WRONGPASS/);
    const settings = JSON.stringify(vscode.workspace.getConfiguration('redisClusterManager').get('clusters'));
    assert.ok(!settings.includes('not-the-password'));
    assert.ok(!JSON.stringify(api.registry.get(id)).includes('not-the-password'));
    // The extension is still alive and the other cluster still loads.
    await vscode.commands.executeCommand('redisClusterManager.refresh');
    const e2e = api.registry.list().find((p) => p.name === 'e2e');
    assert.strictEqual(api.store.get(e2e.id).status, 'connected');
  });

  it('Create Local Sandbox Cluster starts redis-server processes and adds the cluster to the tree', async () => {
    const port = Number(process.env.RCM_E2E_SANDBOX_PORT);
    const id = await vscode.commands.executeCommand('redisClusterManager.createSandbox', { port, masters: 3, replicas: 0 });
    assert.ok(id, 'sandbox profile added');
    const profile = api.registry.get(id);
    assert.deepStrictEqual(profile.seeds, [`127.0.0.1:${port}`]);
    assert.ok(profile.sandbox && profile.sandbox.dir);
    const view = await until('the sandbox to load', () => {
      const v = api.store.get(id);
      return v && v.status === 'connected' && v.topology ? v : undefined;
    });
    assert.strictEqual(view.topology.nodes.length, 3);
    assert.ok(view.check.ok);
  });

  it('Resume asks before it moves anything: with confirmations "always" the (auto-cancelled) dialog stops it', async () => {
    const fs = require('node:fs');
    const profile = api.registry.list().find((p) => p.name === 'e2e');
    const { journal, source } = await interruptedJournal(api, profile, [16383], 'unconfirmed');
    const config = vscode.workspace.getConfiguration('redisClusterManager');
    const before = config.inspect('confirmations');
    // The suite's workspace settings say destructiveOnly (see run-extension-e2e.ts): override them there.
    await config.update('confirmations', 'always', vscode.ConfigurationTarget.Workspace);
    try {
      const outcome = await vscode.commands.executeCommand('redisClusterManager.resumeMigration', { kind: 'cluster', clusterId: profile.id });
      assert.strictEqual(outcome, undefined, 'not confirmed: nothing ran');
      const after = (await api.store.load(profile.id)).topology;
      assert.ok(owns(after.nodes.find((n) => n.id === source.id), 16383), 'the slot did not move');
      assert.ok(fs.existsSync(journal), 'the journal is kept for a later resume');
    } finally {
      await config.update('confirmations', before && before.workspaceValue, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(journal, { force: true });
    }
  });

  it('an interrupted migration found in a journal is resumed under progress and completes', async () => {
    const fs = require('node:fs');
    const profile = api.registry.list().find((p) => p.name === 'e2e');
    const slots = [16381, 16382, 16383];
    const { journal, target } = await interruptedJournal(api, profile, slots, 'interrupted');
    try {
      const outcome = await vscode.commands.executeCommand('redisClusterManager.resumeMigration', { kind: 'cluster', clusterId: profile.id });
      assert.strictEqual(outcome, 'executed');
      const after = await until('the slots to be moved', async () => {
        const v = await api.store.load(profile.id);
        const tgt = v.topology.nodes.find((n) => n.id === target.id);
        return slots.every((s) => owns(tgt, s)) ? v : undefined;
      });
      assert.ok(after.check.ok, 'no open slot left');
      assert.ok(!fs.existsSync(`${journal}.lock`), 'the lock is released');
    } finally {
      fs.rmSync(journal, { force: true });
    }
  });
});
