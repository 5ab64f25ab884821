/** The tree built from fixture topologies: children, parents, ids and item descriptions (pure builders). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCluster, summarizeCluster, type Topology } from '../../src/engine';
import { englishL10n } from '../../src/extension/model/l10n';
import type { ClusterProfile } from '../../src/extension/model/profile';
import { ALL_CONTEXT_VALUES } from '../../src/extension/tree/contextValues';
import { descriptionRoom, fitParts, ROW_ROOM, textWidth } from '../../src/extension/tree/fit';
import { buildTreeItem, compactCount, formatBytes, slotRangeLabel } from '../../src/extension/tree/items';
import { childrenOf, elementId, parentOf, rangeKey, rangeKeysDue, type ClusterView, type TreeElement } from '../../src/extension/tree/model';
import { master, replica, topology } from '../fixtures/topologyBuilder';

const M1 = 'a'.repeat(40);
const M2 = 'b'.repeat(40);
const M3 = 'c'.repeat(40);
const R1 = 'd'.repeat(40);
const R2 = 'e'.repeat(40);
const profile: ClusterProfile = { id: 'p1', name: 'prod', seeds: ['127.0.0.1:7000'], source: 'storage' };

function healthy(): Topology {
  return topology([
    master(M1, 7000, [{ start: 0, end: 5460 }], {
      dbsize: 10,
      stats: { keys: 10, usedMemoryHuman: '1.50M', replicationOffset: 42 },
      flagsSeenByEntry: ['myself', 'master'],
    }),
    master(M2, 7001, [{ start: 5461, end: 10922 }], { dbsize: 20 }),
    master(M3, 7002, [{ start: 10923, end: 16383 }], { dbsize: 30 }),
    replica(R1, 7003, M1),
    replica(R2, 7004, M2),
  ]);
}

function viewOf(t: Topology, extra: Partial<ClusterView> = {}): Map<string, ClusterView> {
  return new Map([['p1', { profile, status: 'connected', topology: t, check: checkCluster(t), summary: summarizeCluster(t), ...extra }]]);
}

const cluster: TreeElement = { kind: 'cluster', clusterId: 'p1' };

test('cluster → masters; master → its replica and slot ranges', () => {
  const views = viewOf(healthy());
  assert.deepEqual(childrenOf(undefined, views, ['p1']), [cluster]);
  const masters = childrenOf(cluster, views, ['p1']);
  assert.deepEqual(
    masters.map((e) => (e.kind === 'node' ? e.nodeId : e.kind)),
    [M1, M2, M3],
  );
  const under = childrenOf(masters[0], views, ['p1']);
  assert.deepEqual(under, [
    { kind: 'node', clusterId: 'p1', nodeId: R1 },
    { kind: 'slots', clusterId: 'p1', nodeId: M1, start: 0, end: 5460 },
  ]);
  assert.deepEqual(parentOf(under[0]!, views), masters[0]);
  assert.deepEqual(parentOf(under[1]!, views), masters[0]);
  assert.deepEqual(parentOf(masters[0]!, views), cluster);
  assert.equal(childrenOf(under[1], views, ['p1']).length, 0);
});

test('the cluster item: state ok, masters, keys (slots only when not all covered); connected context', () => {
  const item = buildTreeItem(cluster, viewOf(healthy()), englishL10n);
  assert.equal(item.label, 'prod');
  assert.equal(item.description, 'ok · 3 masters · 60 keys');
  assert.match(item.tooltip!, /Slots covered: 16384 \/ 16384/);
  assert.equal(item.contextValue, 'rcm:cluster+connected');
  assert.equal(item.icon.color, 'testing.iconPassed');
  assert.equal(item.collapsible, 'expanded');
});

test('a master item: address and slot count (all that fits beside the address); keys, id, memory in the tooltip; no "myself"', () => {
  const item = buildTreeItem({ kind: 'node', clusterId: 'p1', nodeId: M1 }, viewOf(healthy()), englishL10n);
  assert.equal(item.label, '127.0.0.1:7000');
  assert.equal(item.description, '5461 slots');
  assert.match(item.tooltip!, /Keys: 10\n/);
  assert.match(item.tooltip!, /Share of the cluster: 17% keys/);
  assert.match(item.tooltip!, /aaaaaaaa/);
  assert.match(item.tooltip!, /Used memory: 1\\\.50M/);
  assert.equal(item.command?.command, 'redisClusterManager.openNodeInfo', 'a click opens the node info');
  assert.equal(item.contextValue, 'rcm:node+master');
  assert.equal(item.icon.id, 'server');
  assert.match(item.tooltip!, new RegExp(`ID: \`${M1}\``));
  assert.match(item.tooltip!, /Replication offset: 42/);
  assert.match(item.tooltip!, /Config epoch: 1/);
  assert.equal(item.collapsible, 'collapsed');
  assert.equal(item.id, `node/p1/${M1}`);
});

test('slot range labels as the issue shows them', () => {
  assert.equal(slotRangeLabel(0, 5460), '[0-5460]');
  assert.equal(slotRangeLabel(7, 7), '[7]');
  const item = buildTreeItem({ kind: 'slots', clusterId: 'p1', nodeId: M1, start: 0, end: 5460 }, viewOf(healthy()), englishL10n);
  assert.equal(item.contextValue, 'rcm:slots');
  assert.equal(item.label, '[0-5460]');
  assert.match(item.ariaLabel!, /5461 slots/);
});

test('a replica item and an empty master', () => {
  const t = topology([...healthy().nodes, master('f'.repeat(40), 7005, [])]);
  const views = viewOf(t);
  const r = buildTreeItem({ kind: 'node', clusterId: 'p1', nodeId: R1 }, views, englishL10n);
  assert.equal(r.contextValue, 'rcm:node+replica');
  assert.match(r.tooltip!, /Replica of: 127\\\.0\\\.0\\\.1:7000/);
  const empty = buildTreeItem({ kind: 'node', clusterId: 'p1', nodeId: 'f'.repeat(40) }, views, englishL10n);
  assert.equal(empty.contextValue, 'rcm:node+master+empty');
  assert.equal(empty.collapsible, 'none');
});

test('open slots and failing nodes are marked with warning/error codicons', () => {
  const t = topology([
    master(M1, 7000, [{ start: 0, end: 8191 }], { migrating: [{ slot: 100, peerId: M2 }] }),
    master(M2, 7001, [{ start: 8192, end: 16383 }], { importing: [{ slot: 100, peerId: M1 }], flagsSeenByEntry: ['master', 'fail?'] }),
  ]);
  const views = viewOf(t);
  const m1 = { kind: 'node', clusterId: 'p1', nodeId: M1 } as const;
  const kids = childrenOf(m1, views, ['p1']);
  const open = kids.find((k) => k.kind === 'openSlot')!;
  assert.deepEqual(open, { kind: 'openSlot', clusterId: 'p1', nodeId: M1, slot: 100, state: 'migrating', peerId: M2 });
  const openItem = buildTreeItem(open, views, englishL10n);
  assert.equal(openItem.label, 'slot 100 migrating → 127.0.0.1:7001');
  assert.equal(openItem.icon.color, 'list.warningForeground');
  const m1Item = buildTreeItem(m1, views, englishL10n);
  assert.equal(m1Item.description, '1 open', 'the problem first; "8192 slots" does not fit after it');
  assert.equal(m1Item.icon.color, 'list.warningForeground');
  const m2Item = buildTreeItem({ kind: 'node', clusterId: 'p1', nodeId: M2 }, views, englishL10n);
  assert.equal(m2Item.icon.id, 'warning');
  assert.match(m2Item.description!, /^fail\? · 1 open/);
  const c = buildTreeItem(cluster, views, englishL10n);
  assert.equal(c.contextValue, 'rcm:cluster+connected+problems');
  assert.equal(c.icon.color, 'list.warningForeground');
});

test('an unreachable master: the cluster fails, the node is listed as down and can be deleted only when empty', () => {
  const base = healthy();
  const t: Topology = {
    ...topology(base.nodes.filter((n) => n.id !== M3)),
    skipped: [
      {
        id: M3,
        host: '127.0.0.1',
        port: 7002,
        role: 'master',
        flags: ['master', 'fail'],
        slots: [{ start: 10923, end: 16383 }],
        reason: { kind: 'flagged', flags: ['fail'] },
      },
    ],
    unreachableMasters: 1,
  };
  const views = viewOf(t);
  const c = buildTreeItem(cluster, views, englishL10n);
  assert.equal(c.description, 'fail · 10923/16384 slots · 1 down', 'problems only: they never give way to the rest');
  assert.equal(c.contextValue, 'rcm:cluster+connected+fail+problems');
  const down = childrenOf(cluster, views, ['p1']).at(-1)!;
  assert.deepEqual(down, { kind: 'node', clusterId: 'p1', nodeId: M3 });
  const item = buildTreeItem(down, views, englishL10n);
  assert.equal(item.contextValue, 'rcm:node+master+down');
  assert.equal(item.icon.color, 'errorForeground');
  assert.match(item.description!, /^fail · master/, 'why it is down comes first');
  assert.match(item.tooltip!, new RegExp(`ID: \`${M3}\``));
});

test('a replica whose master is not loaded sits under the cluster', () => {
  const t = topology([master(M1, 7000, [{ start: 0, end: 16383 }]), replica(R1, 7003, M2)]);
  const views = viewOf(t);
  const kids = childrenOf(cluster, views, ['p1']);
  assert.deepEqual(
    kids.map((k) => (k.kind === 'node' ? k.nodeId : k.kind)),
    [M1, R1],
  );
  assert.deepEqual(parentOf(kids[1]!, views), cluster);
});

test('disconnected and failed clusters: no nodes; a failed load shows its error as a child', () => {
  const off = new Map<string, ClusterView>([['p1', { profile, status: 'disconnected' }]]);
  assert.deepEqual(childrenOf(cluster, off, ['p1']), []);
  const offItem = buildTreeItem(cluster, off, englishL10n);
  assert.equal(offItem.contextValue, 'rcm:cluster+disconnected');
  assert.equal(offItem.description, 'disconnected');
  const failed = new Map<string, ClusterView>([
    [
      'p1',
      {
        profile: { ...profile, sandbox: { dir: '/tmp/x', port: 7000 } },
        status: 'error',
        error: { code: 'auth-failed', node: '127.0.0.1:7000', message: 'x', detail: 'WRONGPASS invalid username-password pair' },
      },
    ],
  ]);
  const kids = childrenOf(cluster, failed, ['p1']);
  assert.deepEqual(kids, [{ kind: 'message', clusterId: 'p1', key: 'error' }]);
  const msg = buildTreeItem(kids[0]!, failed, englishL10n);
  assert.equal(msg.label, 'wrong user name or password', 'a headline short enough for the sidebar');
  assert.match(msg.tooltip!, /127\\\.0\\\.0\\\.1:7000 rejected the user name or password \\\(WRONGPASS/, 'the sentence is in the tooltip');
  assert.equal(msg.command?.command, 'redisClusterManager.editCluster');
  assert.equal(buildTreeItem(cluster, failed, englishL10n).contextValue, 'rcm:cluster+disconnected+sandbox');
});

test('every element id is unique and every produced context value is known', () => {
  const t = topology([...healthy().nodes, master('f'.repeat(40), 7005, [])]);
  const views = viewOf(t);
  const all: TreeElement[] = [];
  const walk = (e?: TreeElement): void => {
    for (const c of childrenOf(e, views, ['p1'])) {
      all.push(c);
      walk(c);
    }
  };
  walk();
  const ids = all.map(elementId);
  assert.equal(new Set(ids).size, ids.length);
  for (const e of all) assert.ok(ALL_CONTEXT_VALUES.includes(buildTreeItem(e, views, englishL10n).contextValue), elementId(e));
});

test('live metrics in node tooltips: ops/s, clients, share of keys, replication lag', () => {
  const t = topology([
    master(M1, 7000, [{ start: 0, end: 16383 }], { dbsize: 30, stats: { opsPerSec: 1250, connectedClients: 7, replicationOffset: 5000 } }),
    replica(R1, 7003, M1, { stats: { replicationOffset: 4200, masterLastIoSecondsAgo: 1, opsPerSec: 3 } }),
  ]);
  const m = buildTreeItem({ kind: 'node', clusterId: 'p1', nodeId: M1 }, viewOf(t), englishL10n);
  assert.match(m.tooltip!, /- Operations\/s: 1250\n- Connected clients: 7\n- Share of the cluster: 100% keys/);
  const r = buildTreeItem({ kind: 'node', clusterId: 'p1', nodeId: R1 }, viewOf(t), englishL10n);
  assert.match(r.tooltip!, /- Replication lag: 800 bytes behind the master\n- Last contact with the master: 1 s ago/);
  assert.doesNotMatch(r.description!, /% keys/, 'replicas carry no share');
});

test('big numbers get units: keys compact ("5.83M keys"), memory in bytes ("5.8 MB")', () => {
  // Short host names leave room for more than the slot count.
  const t = topology([
    master(M1, 7000, [{ start: 0, end: 16383 }], {
      host: 'db',
      dbsize: 5_830_000,
      stats: { keys: 5_830_000, usedMemory: 6_082_000, usedMemoryHuman: '5.80M' },
    }),
    replica(R1, 7003, M1, { host: 'r', dbsize: 16_700, stats: { usedMemory: 2048 } }),
  ]);
  const views = viewOf(t);
  const m = buildTreeItem({ kind: 'node', clusterId: 'p1', nodeId: M1 }, views, englishL10n);
  assert.equal(m.description, '16384 slots · 5.83M keys');
  assert.match(m.tooltip!, /Used memory: 5\\\.8 MB/);
  assert.equal(buildTreeItem({ kind: 'node', clusterId: 'p1', nodeId: R1 }, views, englishL10n).description, 'replica · 16.7k keys');
  assert.equal(buildTreeItem(cluster, views, englishL10n).description, 'ok · 1 master · 5.83M keys');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(compactCount(9999), '9999');
  assert.equal(compactCount(10_000), '10k');
});

/** The e2e sandbox as the tree shows it: 5-digit ports on 127.0.0.1, a cluster named by its seed. */
function sandbox(extra: { keys?: number; m1?: Partial<Parameters<typeof master>[3]> } = {}): Map<string, ClusterView> {
  const keys = extra.keys ?? 50_000;
  const t = topology([
    master(M1, 45951, [{ start: 0, end: 5460 }], { dbsize: keys / 2, stats: { usedMemory: 12_345_678 }, flagsSeenByEntry: ['myself', 'master'], ...extra.m1 }),
    master(M2, 43991, [{ start: 5461, end: 10922 }], { dbsize: keys / 4, stats: { usedMemory: 6_000_000 } }),
    master(M3, 45641, [{ start: 10923, end: 16383 }], { dbsize: keys / 4 }),
    replica(R1, 45952, M1, { dbsize: keys / 2, stats: { usedMemory: 12_000_000 } }),
    replica(R2, 43992, M2, { dbsize: keys / 4 }),
  ]);
  const p: ClusterProfile = { id: 'p1', name: '127.0.0.1:45951', seeds: ['127.0.0.1:45951'], source: 'storage', sandbox: { dir: '/tmp/x', port: 45951 } };
  return new Map([['p1', { profile: p, status: 'connected', topology: t, check: checkCluster(t), summary: summarizeCluster(t) }]]);
}

function rows(views: Map<string, ClusterView>): { e: TreeElement; depth: number }[] {
  const out: { e: TreeElement; depth: number }[] = [];
  const walk = (e: TreeElement | undefined, depth: number): void => {
    for (const c of childrenOf(e, views, ['p1'])) {
      out.push({ e: c, depth });
      walk(c, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

test('the e2e sandbox fits the default sidebar width: cluster and node rows within the row room at every depth; no "myself"', () => {
  for (const keys of [0, 50_000, 12_345_678]) {
    const views = sandbox({ keys });
    for (const { e, depth } of rows(views)) {
      const item = buildTreeItem(e, views, englishL10n);
      const width = textWidth(item.label) + (item.description ? textWidth(item.description) : 0);
      assert.ok(width <= ROW_ROOM - depth, `${keys} keys, depth ${depth}: "${item.label}" "${item.description}" is ${width} wide`);
      assert.doesNotMatch(item.description ?? '', /myself/);
    }
    const d = (e: TreeElement) => buildTreeItem(e, views, englishL10n).description;
    assert.equal(d(cluster), 'ok · 3 masters');
    assert.equal(d({ kind: 'node', clusterId: 'p1', nodeId: M1 }), '5461 slots');
    assert.equal(d({ kind: 'node', clusterId: 'p1', nodeId: R1 }), 'replica', 'its keys are in the tooltip');
    // A screen reader hears every part, also those left out to fit.
    const aria = (e: TreeElement) => buildTreeItem(e, views, englishL10n).ariaLabel;
    if (keys === 50_000) {
      assert.equal(aria(cluster), '127.0.0.1:45951, ok, 3 masters, 50k keys');
      assert.equal(aria({ kind: 'node', clusterId: 'p1', nodeId: M1 }), '127.0.0.1:45951, 5461 slots, 25k keys, 11.8 MB, 50% keys');
      assert.equal(aria({ kind: 'node', clusterId: 'p1', nodeId: R1 }), '127.0.0.1:45952, replica, 25k keys, 11.4 MB');
    }
  }
  // A named cluster has room for its keys too.
  const named = sandbox();
  const view = named.get('p1')!;
  named.set('p1', { ...view, profile: { ...view.profile, name: 'e2e' } });
  assert.equal(buildTreeItem(cluster, named, englishL10n).description, 'ok · 3 masters · 50k keys');
});

test('problems come first and are never dropped: fail, link down, open slots; a cut-off tail hides only figures', () => {
  const views = sandbox({
    m1: { flagsSeenByEntry: ['master', 'fail?'], linkState: 'disconnected', migrating: [{ slot: 1, peerId: M2 }], importing: [{ slot: 2, peerId: M3 }] },
  });
  const m1 = buildTreeItem({ kind: 'node', clusterId: 'p1', nodeId: M1 }, views, englishL10n);
  assert.equal(m1.description, 'fail? · link down · 2 open', 'wider than the room: the problems stay, the slot count goes');
  assert.match(m1.tooltip!, /Slots: 5461/);
  const c = buildTreeItem(cluster, views, englishL10n);
  assert.equal(c.description, '2 open', 'the cluster row leads with the problem');
  const findingsOnly = sandbox();
  const fv = findingsOnly.get('p1')!;
  findingsOnly.set('p1', { ...fv, check: { ...fv.check!, ok: false, findings: [fv.check!.findings[0] ?? ({ kind: 'x' } as never)] } });
  assert.match(buildTreeItem(cluster, findingsOnly, englishL10n).description!, /^1 problem/);
  // fitParts: problems always, then the leading parts that fit, in order.
  assert.equal(fitParts(['a very long problem text'], ['x'], 5), 'a very long problem text');
  assert.equal(fitParts([], ['1234', '1234', '1'], 11), '1234 · 1234');
  assert.equal(fitParts([], ['123456', '1', '1'], 8), '123456', 'a prefix: stops at the first part that does not fit');
  assert.equal(textWidth('5462 个槽'), 9, 'CJK characters count double');
  assert.equal(descriptionRoom('127.0.0.1:45951', 1), 16);
});

test('every figure in a description carries its unit (slots, keys, bytes, masters, open, down)', () => {
  const unit = /^(\d+(\.\d+)?[kM]? (slots?|keys?|masters?|open|down|problems?|B|KB|MB|GB|TB)|\d+% keys|\d+\/16384 slots)$/;
  for (const keys of [0, 1, 7, 50_000, 12_345_678]) {
    const views = sandbox({ keys });
    for (const name of ['127.0.0.1:45951', 'e2e']) {
      const v = views.get('p1')!;
      views.set('p1', { ...v, profile: { ...v.profile, name } });
      for (const { e } of rows(views)) {
        const parts = (buildTreeItem(e, views, englishL10n).description ?? '').split(' · ');
        for (const part of parts) if (/\d/.test(part)) assert.match(part, unit, `"${part}"`);
      }
    }
  }
  // On a wide row (a short host name) memory shows, in bytes.
  const t = topology([master(M1, 7000, [{ start: 0, end: 0 }], { host: 'a', dbsize: 3, stats: { usedMemory: 1_500_000 } })]);
  assert.equal(buildTreeItem({ kind: 'node', clusterId: 'p1', nodeId: M1 }, viewOf(t), englishL10n).description, '1 slot · 3 keys · 1.4 MB');
});

test('keys per slot range: a one-range master shows its own key count, a several-range master its counted ranges', () => {
  const t = topology([
    master(
      M1,
      7000,
      [
        { start: 0, end: 99 },
        { start: 200, end: 16383 },
      ],
      { dbsize: 5000 },
    ),
    master(M2, 7001, [{ start: 100, end: 199 }], { dbsize: 12_345 }),
  ]);
  const base = viewOf(t, { loadedAt: 1000 });
  const single = buildTreeItem({ kind: 'slots', clusterId: 'p1', nodeId: M2, start: 100, end: 199 }, base, englishL10n);
  assert.equal(single.description, '12.3k keys');
  const range = { kind: 'slots', clusterId: 'p1', nodeId: M1, start: 0, end: 99 } as const;
  assert.equal(buildTreeItem(range, base, englishL10n).description, '100 slots', 'keys not counted yet');
  assert.ok(rangeKeysDue(base.get('p1'), M1));
  assert.ok(!rangeKeysDue(base.get('p1'), M2), 'one range: nothing to count');
  const counted = viewOf(t, {
    loadedAt: 1000,
    rangeKeysAt: 2000,
    rangeKeys: new Map([
      [rangeKey(M1, 0, 99), 40],
      [rangeKey(M1, 200, 16383), 4960],
    ]),
  });
  assert.equal(buildTreeItem(range, counted, englishL10n).description, '40 keys · 100 slots');
  assert.ok(!rangeKeysDue(counted.get('p1'), M1));
  assert.ok(rangeKeysDue(viewOf(t, { ...counted.get('p1')!, loadedAt: 3000 }).get('p1'), M1), 'a newer load makes them due again');
});
