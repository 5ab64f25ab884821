/**
 * `rcm create` on real redis-server processes, with `redis-cli --cluster create`
 * as the oracle: same slot ranges and replica pairing on an identical fresh
 * set of nodes, replicas on another host than their master when possible, and
 * the same refusals (with nothing changed) for bad input.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  myselfLine,
  parseClusterNodes,
  redisCliCheck,
  runRedisCli,
  serverKinds,
  startNodes,
  startStandalone,
  stopAllNodes,
  stopNodes,
  waitFor,
  type NodeHandle,
} from '../helpers/redisCluster';
import { redisCliStderr, runRcm } from '../helpers/rcm';
import { nodeCall, nodesOf, normalizeAddresses, statesOf } from '../helpers/topologyOps';

after(() => stopAllNodes());

/** Per master (argument position): its slot tokens; per replica: the position of its master. */
async function layout(nodes: readonly NodeHandle[]): Promise<string[]> {
  const byId = new Map<string, number>();
  const mine = await Promise.all(
    nodes.map(async (n, i) => {
      const me = myselfLine(await nodesOf(n));
      byId.set(me.id, i);
      return me;
    }),
  );
  return mine.map((me) => (me.flags.includes('slave') ? `replica of ${byId.get(me.masterId)}` : `master ${me.slotTokens.join(' ')}`));
}

/** The text redis-cli prints before the preview: allocation, pairing, anti-affinity outcome. */
function allocationBlock(stdout: string, nodes: readonly NodeHandle[]): string {
  const end = stdout.search(/^M: /m);
  return normalizeAddresses(stdout.slice(0, end), nodes);
}

// The create matrix: every kind, against its own CLI (valkey-cli 9 says "on N node(s)", "Primary[i]").
for (const kind of serverKinds())
  for (const [masters, replicas] of [
    [3, 0],
    [3, 1],
    [4, 2],
  ] as const) {
    test(`${masters} masters × ${replicas} replicas on one host: same ranges and pairing as redis-cli's create; check OK [${kind}]`, async () => {
      const count = masters * (replicas + 1);
      const all = await startNodes(count * 2, { kind });
      const ours = all.slice(0, count);
      const theirs = all.slice(count);
      const args = (nodes: NodeHandle[]) => [...nodes.map((n) => n.addr), '--cluster-replicas', String(replicas), '--cluster-yes'];
      const [rcm, ref] = await Promise.all([
        runRcm(['create', ...args(ours)]),
        runRedisCli(['--cluster', 'create', ...args(theirs)], { timeoutMs: 60_000, kind }),
      ]);
      assert.equal(ref.code, 0, ref.stdout + ref.stderr);
      assert.equal(rcm.code, 0, rcm.stdout + rcm.stderr);
      assert.equal(allocationBlock(rcm.stdout, ours), allocationBlock(ref.stdout, theirs));
      assert.match(
        rcm.stdout,
        />>> Nodes configuration updated\n>>> Assign a different config epoch to each node\n>>> Sending CLUSTER MEET messages to join the cluster\nWaiting for the cluster to join\n\.*\n>>> Performing Cluster Check/,
      );
      assert.match(rcm.stdout, /\[OK\] All 16384 slots covered\.\n$/);
      const [ourLayout, refLayout] = await Promise.all([layout(ours), layout(theirs)]);
      assert.deepEqual(ourLayout.slice(0, masters), refLayout.slice(0, masters), 'per-master slot ranges');
      const check = await redisCliCheck(ours[0]!.addr, { kind });
      assert.equal(check.code, 0, check.stdout);
      assert.equal(check.stdout.match(/^M: /gm)?.length, masters);
      assert.equal(check.stdout.match(/^S: /gm)?.length ?? 0, masters * replicas);
      if (replicas > 0) assert.equal(check.stdout.match(new RegExp(`^   ${replicas} additional replica\\(s\\)$`, 'gm'))?.length, masters);
      await stopNodes(all);
    });
  }

// valkey-cli 9 creates 1 or 2 primaries after a question (--cluster-yes answers); redis-cli refuses.
if (serverKinds().includes('valkey9')) {
  test("2 primaries on Valkey: valkey-cli's text and layout with --cluster-yes; declining changes nothing and exits 1 [valkey9]", async () => {
    const all = await startNodes(6, { kind: 'valkey9' });
    const [ours, theirs, declined] = [all.slice(0, 2), all.slice(2, 4), all.slice(4)];
    const args = (nodes: NodeHandle[]) => [...nodes.map((n) => n.addr), '--cluster-yes'];
    const [rcm, ref] = await Promise.all([
      runRcm(['create', ...args(ours)]),
      runRedisCli(['--cluster', 'create', ...args(theirs)], { timeoutMs: 60_000, kind: 'valkey9' }),
    ]);
    assert.equal(ref.code, 0, ref.stdout + ref.stderr);
    assert.equal(rcm.code, 0, rcm.stdout + rcm.stderr);
    assert.equal(allocationBlock(rcm.stdout, ours), allocationBlock(ref.stdout, theirs));
    assert.match(
      rcm.stdout,
      /^Requested to create a cluster with 2 primaries and 0 replicas per primary\.\n>>> Performing hash slots allocation on 2 node\(s\)\.\.\.\nPrimary\[0\] -> Slots 0 - 8191\n/,
    );
    assert.deepEqual(await layout(ours), await layout(theirs));
    const before = await statesOf(declined);
    const no = await runRcm(['create', ...declined.map((n) => n.addr)], { input: 'no\n' });
    assert.equal(no.code, 1, no.stdout + no.stderr);
    assert.match(no.stdout, /Valkey cluster requires at least 3 primary nodes for automatic failover\. Are you sure\? \(type 'yes' to accept\): /);
    assert.deepEqual(await statesOf(declined), before, 'declined: no node changed');
    await stopNodes(all);
  });
}

test("two hosts (127.0.0.1 and 127.0.0.2): no replica shares its master's host", async () => {
  const [a, b] = await Promise.all([startNodes(4), startNodes(4, { host: '127.0.0.2' })]);
  const nodes = [...a, ...b];
  const res = await runRcm(['create', ...nodes.map((n) => n.addr), '--cluster-replicas', '1', '--cluster-yes']);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.doesNotMatch(res.stdout, /\[WARNING\]/);
  const hostOf = new Map<string, string>();
  const mine = await Promise.all(
    nodes.map(async (n) => {
      const me = myselfLine(await nodesOf(n));
      hostOf.set(me.id, n.host);
      return { node: n, me };
    }),
  );
  const replicas = mine.filter((x) => x.me.flags.includes('slave'));
  assert.equal(replicas.length, 4);
  for (const r of replicas) assert.notEqual(r.node.host, hostOf.get(r.me.masterId), `${r.node.addr} replicates a master on its own host`);
  assert.equal((await redisCliCheck(nodes[0]!.addr)).code, 0);
  await stopNodes(nodes);
});

describe('refusals: specific message, same as redis-cli where it has one, nothing changed', () => {
  const fresh: NodeHandle[] = [];
  let clustered: NodeHandle[] = [];

  /** Runs rcm (and redis-cli when `differential`) and checks that no node changed. */
  async function refused(args: string[], watched: readonly NodeHandle[], differential: boolean) {
    const before = await statesOf(watched);
    const ours = await runRcm(['create', ...args, '--cluster-yes']);
    assert.equal(ours.code, 1, ours.stdout + ours.stderr);
    if (differential) {
      const ref = await runRedisCli(['--cluster', 'create', ...args, '--cluster-yes']);
      assert.equal(ours.stdout, ref.stdout);
      assert.equal(redisCliStderr(ours.stderr), ref.stderr);
      assert.equal(ours.code, ref.code);
    }
    assert.deepEqual(await statesOf(watched), before, 'no node changed');
    return ours;
  }

  test('setup: fresh nodes and a small cluster', async () => {
    fresh.push(...(await startNodes(6)));
    clustered = await startNodes(3);
    assert.equal((await runRcm(['create', ...clustered.map((n) => n.addr), '--cluster-yes'])).code, 0);
  });

  test('fewer than 3 masters', async () => {
    const res = await refused(
      fresh.slice(0, 2).map((n) => n.addr),
      fresh,
      true,
    );
    assert.equal(
      res.stdout,
      '*** ERROR: Invalid configuration for cluster creation.\n*** Redis Cluster requires at least 3 master nodes.\n*** This is not possible with 2 nodes and 0 replicas per node.\n*** At least 3 nodes are required.\n',
    );
  });

  test('a replica count that leaves fewer than 3 masters', async () => {
    const res = await refused([...fresh.slice(0, 5).map((n) => n.addr), '--cluster-replicas', '1'], fresh, true);
    assert.match(res.stdout, /This is not possible with 5 nodes and 1 replicas per node\.\n\*\*\* At least 6 nodes are required\.\n$/);
  });

  test('a node with keys', async () => {
    // A cluster node takes a key only in a slot it serves, with the cluster state ok:
    // serve the key's slot without requiring full coverage for one SET, then drop the slot.
    const node = fresh[2]!;
    const slot = Number(await nodeCall(node, 'CLUSTER', 'KEYSLOT', 'k'));
    await nodeCall(node, 'CONFIG', 'SET', 'cluster-require-full-coverage', 'no');
    await nodeCall(node, 'CLUSTER', 'ADDSLOTS', slot);
    try {
      await waitFor('the key to be written', async () => (await nodeCall(node, 'SET', 'k', 'v')) === 'OK' || 'not yet', 5000);
    } finally {
      await nodeCall(node, 'CLUSTER', 'DELSLOTS', slot);
      await nodeCall(node, 'CONFIG', 'SET', 'cluster-require-full-coverage', 'yes');
    }
    const res = await refused(
      fresh.slice(0, 3).map((n) => n.addr),
      fresh,
      true,
    );
    assert.equal(
      res.stdout,
      `[ERR] Node ${fresh[2]!.addr} is not empty. Either the node already knows other nodes (check with CLUSTER NODES) or contains some key in database 0.\n`,
    );
    await nodeCall(node, 'FLUSHALL');
  });

  test('a node already in a cluster', async () => {
    const res = await refused([fresh[0]!.addr, fresh[1]!.addr, clustered[1]!.addr], [...fresh, ...clustered], true);
    assert.match(res.stdout, new RegExp(`^\\[ERR\\] Node ${clustered[1]!.addr.replace(/\./g, '\\.')} is not empty\\.`));
  });

  test('a duplicate address (redis-cli would accept it)', async () => {
    const res = await refused([fresh[0]!.addr, fresh[1]!.addr, fresh[2]!.addr, fresh[1]!.addr], fresh, false);
    assert.match(res.stdout, new RegExp(`\\[ERR\\] Node ${fresh[1]!.addr.replace(/\./g, '\\.')} is the same node as`));
  });

  test('a server that is not cluster-enabled', async () => {
    const plain = await startStandalone();
    const res = await refused([fresh[0]!.addr, plain.addr, fresh[1]!.addr], fresh, true);
    assert.equal(res.stdout, `[ERR] Node ${plain.addr} is not configured as a cluster node.\n`);
    await stopNodes([plain]);
  });

  test('an unreachable address and a malformed one', async () => {
    const [gone] = await startNodes(1);
    await stopNodes([gone!]);
    const res = await refused([fresh[0]!.addr, gone!.addr, fresh[1]!.addr], fresh, true);
    assert.equal(res.stderr, `Could not connect to Redis at ${gone!.addr}: Connection refused\n`);
    const bad = await refused([fresh[0]!.addr, '127.0.0.1', fresh[1]!.addr], fresh, true);
    assert.equal(bad.stderr, 'Invalid address format: 127.0.0.1\n');
  });

  test('declining the confirmation changes nothing and exits 0; "yes" on stdin goes ahead', async () => {
    const nodes = fresh.slice(0, 3);
    const before = await statesOf(nodes);
    const declined = await runRcm(['create', ...nodes.map((n) => n.addr)], { input: 'no\n' });
    assert.equal(declined.code, 0);
    assert.match(declined.stdout, /Can I set the above configuration\? \(type 'yes' to accept\): $/);
    assert.deepEqual(await statesOf(nodes), before);
    const accepted = await runRcm(['create', ...nodes.map((n) => n.addr)], { input: 'yes\n' });
    assert.equal(accepted.code, 0, accepted.stdout);
    const view = parseClusterNodes(String(await nodeCall(nodes[0]!, 'CLUSTER', 'NODES')));
    assert.equal(view.length, 3);
  });
});
