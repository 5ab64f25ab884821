/**
 * The editor's node recognition (pure): ids, short ids and addresses in
 * redis-cli check/info output, CLUSTER NODES replies, nodes.conf files and
 * logs; their resolution to the configured clusters; the hover text; and the
 * other pure helpers of issue 16 (cluster order, drained masters, log lines).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCluster, planRebalance, summarizeCluster, type Topology } from '../../src/engine';
import { orderClusterIds } from '../../src/extension/model/clusterOrder';
import { demotedMasters, drainedByRun, emptiedByPlan, replicasAmong } from '../../src/extension/model/demotion';
import { errorLogLine } from '../../src/extension/model/errors';
import { englishL10n } from '../../src/extension/model/l10n';
import { knownNodeHover, unknownNodeHover } from '../../src/extension/model/nodeHover';
import {
  findMentions,
  isNodeDocument,
  mentionAt,
  nodesLineIn,
  resolveMention,
  resolvedMentions,
  type KnownCluster,
} from '../../src/extension/model/nodeMentions';
import type { ClusterProfile } from '../../src/extension/model/profile';
import type { ClusterView } from '../../src/extension/tree/model';
import { master, replica, topology } from '../fixtures/topologyBuilder';

const M1 = '1f3a9c0b2d4e5f60718293a4b5c6d7e8f9a0b1c2';
const M2 = '2e4b8d1a3c5e7f9012345678abcdef0123456789';
const R1 = '9a8b7c6d5e4f30211f2e3d4c5b6a798877665544';
const OTHER = 'ffeeddccbbaa99887766554433221100ffeeddcc';

function prod(): Topology {
  return topology([
    master(M1, 7000, [{ start: 0, end: 8191 }], { dbsize: 1200, stats: { usedMemory: 2_000_000 } }),
    master(M2, 7001, [{ start: 8192, end: 16383 }], { dbsize: 800 }),
    replica(R1, 7002, M1, { dbsize: 1200 }),
  ]);
}
const clusters: KnownCluster[] = [{ clusterId: 'prod', topology: prod() }, { clusterId: 'off' }];

const CHECK = [
  `127.0.0.1:7000 (${M1.slice(0, 8)}...) -> 1200 keys | 8192 slots | 1 slaves.`,
  '>>> Performing Cluster Check (using node 127.0.0.1:7000)',
  `M: ${M1} 127.0.0.1:7000`,
  '   slots:[0-8191] (8192 slots) master',
  `S: ${R1} 127.0.0.1:7002`,
  `   replicates ${M1}`,
];
const NODES = [
  `${M1} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191`,
  `${R1} 127.0.0.1:7002@17002,host-c slave ${M1} 0 1700000000000 1 connected`,
  `${OTHER} 10.9.9.9:6379@16379 master - 0 1700000000000 3 connected 100-200`,
];

test('ids, short ids and addresses are found in redis-cli check and info output', () => {
  assert.deepEqual(
    findMentions(CHECK[0]!).map((m) => [m.kind, m.text]),
    [
      ['address', '127.0.0.1:7000'],
      ['shortId', M1.slice(0, 8)],
    ],
  );
  assert.deepEqual(
    findMentions(CHECK[2]!).map((m) => [m.kind, m.text]),
    [
      ['id', M1],
      ['address', '127.0.0.1:7000'],
    ],
  );
  assert.deepEqual(
    findMentions(CHECK[5]!).map((m) => m.kind),
    ['id'],
  );
  assert.deepEqual(findMentions('   slots:[0-8191] (8192 slots) master'), [], 'slot ranges are not addresses');
  assert.deepEqual(
    findMentions(`x${M1}`).map((m) => m.kind),
    [],
    'an id glued to a word is not an id',
  );
  const withBus = findMentions(NODES[1]!).find((m) => m.kind === 'address')!;
  assert.equal(withBus.text, '127.0.0.1:7002@17002,host-c');
  assert.equal(withBus.port, 7002);
  assert.deepEqual(
    findMentions('[::1]:7000 and redis-a.example.com:6380').map((m) => [m.host, m.port]),
    [
      ['::1', 7000],
      ['redis-a.example.com', 6380],
    ],
  );
});

test('the mention under the cursor, including right after it', () => {
  const line = CHECK[2]!;
  assert.equal(mentionAt(line, 3)?.id, M1);
  assert.equal(mentionAt(line, 3 + 40)?.id, M1);
  assert.equal(mentionAt(line, line.length)?.text, '127.0.0.1:7000');
  assert.equal(mentionAt(line, 1), undefined);
});

test('resolution against the loaded topologies: full id, unambiguous short id, address', () => {
  const [id, addr] = findMentions(CHECK[2]!);
  assert.deepEqual(resolveMention(id!, clusters), { kind: 'node', target: { clusterId: 'prod', nodeId: M1 } });
  assert.deepEqual(resolveMention(addr!, clusters), { kind: 'node', target: { clusterId: 'prod', nodeId: M1 } });
  const short = findMentions(CHECK[0]!).find((m) => m.kind === 'shortId')!;
  assert.deepEqual(resolveMention(short, clusters), { kind: 'node', target: { clusterId: 'prod', nodeId: M1 } });
  // The same short id in two clusters is ambiguous; an unknown short id means nothing.
  const twice: KnownCluster[] = [...clusters, { clusterId: 'copy', topology: prod() }];
  assert.equal(resolveMention(short, twice).kind, 'ambiguous');
  assert.deepEqual(resolveMention(findMentions('deadbeef')[0]!, clusters), { kind: 'unknown' });
  assert.deepEqual(resolvedMentions('commit deadbeef failed', clusters, true), [], 'an unknown 8-hex word gets no link');
});

test('an unknown node on a CLUSTER NODES line resolves to its address (to offer Add Cluster)', () => {
  const line = NODES[2]!;
  const id = findMentions(line)[0]!;
  assert.deepEqual(resolveMention(id, clusters, line), { kind: 'unknown', id: OTHER, address: { host: '10.9.9.9', port: 6379 } });
  assert.deepEqual(
    resolvedMentions(line, clusters, false).map((x) => x.mention.kind),
    ['id', 'address'],
  );
  // In a plain text (not our document, not a nodes line) an unknown host:port is just words.
  assert.deepEqual(resolvedMentions('see docs at example.com:8080 today', clusters, false), []);
  assert.deepEqual(
    resolvedMentions('node 127.0.0.1:7001 is slow', clusters, false).map((x) => x.resolution.kind),
    ['node'],
    'a known address counts anywhere',
  );
});

test('which documents are looked into: our results, nodes.conf, any text with CLUSTER NODES lines (a log too)', () => {
  const doc = (scheme: string, path: string, text: string) => ({ scheme, path, text: () => text });
  assert.ok(isNodeDocument(doc('redis-cluster', '/Check prod.log', 'anything'), 'redis-cluster'));
  assert.ok(isNodeDocument(doc('file', '/var/lib/redis/nodes-7000.conf', ''), 'redis-cluster'));
  assert.ok(isNodeDocument(doc('file', '/data/nodes.conf', ''), 'redis-cluster'));
  assert.ok(isNodeDocument(doc('untitled', 'Untitled-1', `2026-12-01 10:00:00 INFO ${NODES[0]}\nmore`), 'redis-cluster'));
  assert.ok(!isNodeDocument(doc('file', '/src/app.ts', `const sha = '${M1}';`), 'redis-cluster'));
  assert.equal(nodesLineIn(`12:00 got ${NODES[1]}`)?.masterId, M1);
  assert.equal(nodesLineIn('vars currentEpoch 6 lastVoteEpoch 0'), undefined);
});

const profile: ClusterProfile = { id: 'prod', name: 'prod', seeds: ['127.0.0.1:7000'], source: 'storage' };
function view(t: Topology): ClusterView {
  return { profile, status: 'connected', topology: t, check: checkCluster(t), summary: summarizeCluster(t) };
}

test('the hover shows role, slots, keys and health of a known node', () => {
  const text = knownNodeHover(view(prod()), M1, englishL10n);
  assert.match(text, /\*\*127\\\.0\\\.0\\\.1:7000\*\* — master · cluster prod/);
  assert.match(text, /Slots: 8192 \(0\\-8191\)/);
  assert.match(text, /Keys: 1200/);
  assert.match(text, /Replicas: 1/);
  assert.match(text, /Health: ok/);
  const r = knownNodeHover(view(prod()), R1, englishL10n);
  assert.match(r, /replica/);
  assert.match(r, /Replica of: 127\\\.0\\\.0\\\.1:7000/);
  const failing = topology([master(M1, 7000, [{ start: 0, end: 16383 }], { flagsSeenByEntry: ['master', 'fail?'], linkState: 'disconnected' })]);
  assert.match(knownNodeHover(view(failing), M1, englishL10n), /Health: fail\?, link down/);
});

test('the hover of an unknown node says what its CLUSTER NODES line tells and how to add it', () => {
  const text = unknownNodeHover(OTHER, nodesLineIn(NODES[2]!), englishL10n);
  assert.match(text, /not in any configured cluster/);
  assert.match(text, /Address: 10\\\.9\\\.9\\\.9:6379/);
  assert.match(text, /Slots: 101/);
  assert.match(text, /Right\\-click → Redis Cluster/);
});

test('palette cluster choice: the tree selection first, then healthy, then not connected, failed last (problem 5)', () => {
  const t = prod();
  const views = new Map<string, ClusterView>([
    ['broken', { profile: { ...profile, id: 'broken' }, status: 'error', error: { code: 'auth-failed', message: 'WRONGPASS' } }],
    ['off', { profile: { ...profile, id: 'off' }, status: 'disconnected' }],
    ['sandbox', { ...view(t), profile: { ...profile, id: 'sandbox' } }],
    ['other', { ...view(t), profile: { ...profile, id: 'other' } }],
  ]);
  assert.deepEqual(orderClusterIds(['broken', 'off', 'sandbox', 'other'], views), ['sandbox', 'other', 'off', 'broken']);
  assert.deepEqual(orderClusterIds(['broken', 'off', 'sandbox', 'other'], views, 'other'), ['other', 'sandbox', 'off', 'broken']);
});

test('a failed command logs one readable line, never a stack trace (problem 5)', () => {
  const e = new Error('connect ECONNREFUSED 127.0.0.1:1\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)');
  assert.equal(errorLogLine(e), 'connect ECONNREFUSED 127.0.0.1:1');
  const engine = Object.assign(new Error('x'), { code: 'auth-failed', node: '127.0.0.1:7000', detail: 'WRONGPASS invalid' });
  assert.equal(errorLogLine(engine), '127.0.0.1:7000 rejected the user name or password (WRONGPASS invalid). Edit the cluster to correct them.');
  assert.doesNotMatch(errorLogLine(engine), /\bat\b.*:\d+:\d+/);
});

test('a drain plan names the master it empties and who it will replicate; a load tells who became a replica (problem 7)', () => {
  const t = prod();
  const plan = planRebalance(t, { weights: [`${M1}=0`], useEmptyMasters: true });
  assert.notEqual(plan.kind, 'nothing-to-do');
  if (plan.kind === 'nothing-to-do') return;
  assert.deepEqual(emptiedByPlan(plan), [{ nodeId: M1, addr: '127.0.0.1:7000', newMasterAddr: '127.0.0.1:7001' }]);
  const after = topology([replica(M1, 7000, M2), master(M2, 7001, [{ start: 0, end: 16383 }]), replica(R1, 7002, M2)]);
  assert.deepEqual(demotedMasters(t, after), [{ nodeId: M1, addr: '127.0.0.1:7000', masterId: M2, masterAddr: '127.0.0.1:7001' }]);
  assert.deepEqual(demotedMasters(undefined, after), []);
  assert.deepEqual(demotedMasters(t, t), []);
  // The panel's summary: the masters whose every slot the run moved, then those of them the cluster shows as replicas.
  const views = [
    {
      id: M1,
      slots: [
        { start: 0, end: 3 },
        { start: 10, end: 11 },
      ],
      slotCount: 6,
    },
    { id: M2, slots: [{ start: 4, end: 9 }], slotCount: 6 },
    { id: R1, slots: [], slotCount: 0 },
  ];
  assert.deepEqual(drainedByRun(views, [0, 1, 2, 3, 10, 11, 4]), [M1], 'every slot of M1 moved; M2 kept five; a node without slots is not drained');
  assert.deepEqual(drainedByRun(views, [0, 1, 2, 3, 10]), [], 'one slot of M1 left');
  assert.deepEqual(replicasAmong([M1], after), [{ nodeId: M1, addr: '127.0.0.1:7000', masterId: M2, masterAddr: '127.0.0.1:7001' }]);
  assert.deepEqual(replicasAmong([M1], t), [], 'still a master (the cluster does not show it yet)');
});
