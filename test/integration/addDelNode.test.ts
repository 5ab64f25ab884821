/**
 * `rcm add-node` / `rcm del-node` on a real cluster: as master (functions
 * copied), as replica with and without a master id, removal of an empty
 * master, a replica and a killed node; refusals with redis-cli's messages
 * and an unchanged cluster.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCluster,
  killNode,
  myselfLine,
  redisCliCheck,
  runRedisCli,
  serverKinds,
  startNodes,
  stopAllNodes,
  type NodeHandle,
  type TestCluster,
} from '../helpers/redisCluster';
import { redisCliStderr, runRcm } from '../helpers/rcm';
import { myIdOf, nodeCall, nodesOf, statesOf } from '../helpers/topologyOps';

after(() => stopAllNodes());

const LIB = "#!lua name=rcmtest\nredis.register_function('rcm_hello', function() return 'hello' end)";

/** Every live node of `nodes` lists `id` (settled, not in handshake)? */
async function knownBy(nodes: readonly NodeHandle[], id: string): Promise<boolean[]> {
  return Promise.all(nodes.map(async (n) => (await nodesOf(n)).some((l) => l.id === id && !l.flags.includes('handshake'))));
}

for (const kind of serverKinds()) {
  describe(`add-node and del-node on a 3-master cluster [${kind}]`, () => {
    let cluster: TestCluster;
    let spare: NodeHandle[];
    let members: NodeHandle[];
    const entry = () => cluster.entry.addr;

    before(async () => {
      [cluster, spare] = await Promise.all([createCluster({ kind, masters: 3 }), startNodes(5, { kind })]);
      for (const m of cluster.masters) await nodeCall(m, 'FUNCTION', 'LOAD', LIB);
      members = [...cluster.nodes];
    });
    after(() => cluster.stop());

    test("as a master: redis-cli's steps, functions copied, every node knows it when rcm returns", async () => {
      const node = spare[0]!;
      const res = await runRcm(['add-node', node.addr, entry()]);
      assert.equal(res.code, 0, res.stdout + res.stderr);
      const steps = res.stdout.split('\n').filter((l) => l.startsWith('>>>') || l.startsWith('[OK]'));
      assert.deepEqual(steps, [
        `>>> Adding node ${node.addr} to cluster ${entry()}`,
        `>>> Performing Cluster Check (using node ${entry()})`,
        '[OK] All nodes agree about slots configuration.',
        '>>> Check for open slots...',
        '>>> Check slots coverage...',
        '[OK] All 16384 slots covered.',
        '>>> Getting functions from cluster',
        `>>> Send FUNCTION LIST to ${node.addr} to verify there is no functions in it`,
        `>>> Send FUNCTION RESTORE to ${node.addr}`,
        `>>> Send CLUSTER MEET to node ${node.addr} to make it join the cluster.`,
        '[OK] New node added correctly.',
      ]);
      assert.deepEqual(
        await knownBy(members, await myIdOf(node)),
        members.map(() => true),
      );
      assert.equal(await nodeCall(node, 'FCALL', 'rcm_hello', 0), 'hello');
      members.push(node);
      assert.equal((await redisCliCheck(entry(), { kind })).code, 0);
    });

    test('as a replica without a master id: the master with fewest replicas', async () => {
      const node = spare[1]!;
      const res = await runRcm(['add-node', node.addr, entry(), '--cluster-slave']);
      assert.equal(res.code, 0, res.stdout + res.stderr);
      const chosen = new RegExp(`Automatically selected ${kind === 'valkey9' ? 'primary' : 'master'} (\\S+)\\n`).exec(res.stdout)?.[1];
      assert.equal(chosen, entry(), 'all masters have 0 replicas: the first one is chosen');
      assert.match(res.stdout, new RegExp(`>>> Configure node as replica of ${entry().replace(/\./g, '\\.')}\\.\\n\\[OK\\] New node added correctly\\.\\n$`));
      const me = myselfLine(await nodesOf(node));
      assert.ok(me.flags.includes('slave'));
      assert.equal(me.masterId, await myIdOf(cluster.entry));
      members.push(node);
    });

    test('as a replica of a given master id (the empty master added above)', async () => {
      const node = spare[2]!;
      const masterId = await myIdOf(spare[0]!);
      const res = await runRcm(['add-node', node.addr, entry(), '--cluster-slave', '--cluster-master-id', masterId]);
      assert.equal(res.code, 0, res.stdout + res.stderr);
      assert.equal(myselfLine(await nodesOf(node)).masterId, masterId);
      members.push(node);
      assert.equal((await redisCliCheck(entry(), { kind })).code, 0);
    });

    test('add-node refusals: bad master id, node already in the cluster, unreachable node (cluster unchanged)', async () => {
      const before = await statesOf(members);
      const badArgs = ['add-node', spare[3]!.addr, entry(), '--cluster-slave', '--cluster-master-id', 'abc'];
      const [badId, badRef] = [await runRcm(badArgs), await runRedisCli(['--cluster', ...badArgs], { kind })];
      assert.equal(badId.code, 1);
      assert.equal(badRef.code, 1);
      const lastLine = (text: string) => text.trimEnd().split('\n').pop();
      assert.equal(lastLine(badId.stdout), lastLine(badRef.stdout), 'the CLI\'s own words (valkey-cli: "No such primary ID")');
      assert.match(badId.stdout, /\[ERR\] No such (master|primary) ID abc\n$/);
      const inCluster = await runRcm(['add-node', cluster.masters[1]!.addr, entry()]);
      assert.equal(inCluster.code, 1);
      assert.match(
        inCluster.stdout,
        new RegExp(`\\[ERR\\] Node ${cluster.masters[1]!.addr.replace(/\./g, '\\.')} is not empty\\. Either the node already knows other nodes`),
      );
      const gone = await runRcm(['add-node', '127.0.0.1:1', entry()]);
      assert.equal(gone.code, 1);
      assert.equal(gone.stderr, 'Could not connect to Redis at 127.0.0.1:1: Connection refused\n');
      assert.match(gone.stdout, /\[ERR\] Sorry, can't connect to node 127\.0\.0\.1:1\n$/);
      assert.deepEqual(await statesOf(members), before);
    });

    test('del-node refused for a master with slots and for an unknown id, as redis-cli (cluster unchanged)', async () => {
      const before = await statesOf(members);
      const victim = cluster.masters[2]!;
      const id = await myIdOf(victim);
      for (const target of [id, 'deadbeef']) {
        const [ours, ref] = [await runRcm(['del-node', entry(), target]), await runRedisCli(['--cluster', 'del-node', entry(), target], { kind })];
        assert.equal(ours.code, 1);
        assert.equal(ours.stdout, ref.stdout);
        assert.equal(redisCliStderr(ours.stderr), ref.stderr);
      }
      const ours = await runRcm(['del-node', entry(), id]);
      assert.match(ours.stdout, new RegExp(`\\[ERR\\] Node ${victim.addr.replace(/\./g, '\\.')} is not empty! Reshard data away and try again\\.\\n$`));
      assert.match(ours.stderr, /still owns 5461 slot\(s\); move them first, e\.g\. rcm reshard .* or rcm rebalance .*=0\n/);
      assert.deepEqual(await statesOf(members), before);
    });

    test('del-node of a replica: forgotten everywhere, reset to a lone master', async () => {
      const replica = spare[1]!;
      const id = await myIdOf(replica);
      const res = await runRcm(['del-node', entry(), id]);
      assert.equal(res.code, 0, res.stdout + res.stderr);
      // valkey-cli 9 ends with an [OK] line; redis-cli 7/8 end silently.
      const ok = kind === 'valkey9' ? `[OK] Node ${id} removed from the cluster.\n` : '';
      assert.equal(
        res.stdout,
        `>>> Removing node ${id} from cluster ${entry()}\n>>> Sending CLUSTER FORGET messages to the cluster...\n>>> Sending CLUSTER RESET SOFT to the deleted node.\n${ok}`,
      );
      members = members.filter((n) => n !== replica);
      assert.deepEqual(
        await knownBy(members, id),
        members.map(() => false),
      );
      const alone = await nodesOf(replica);
      assert.equal(alone.length, 1);
      assert.deepEqual(alone[0]!.flags, ['myself', 'master']);
    });

    test('del-node of an empty master: its replica moves to another master first', async () => {
      const master = spare[0]!;
      const replica = spare[2]!;
      const id = await myIdOf(master);
      const res = await runRcm(['del-node', entry(), id]);
      assert.equal(res.code, 0, res.stdout + res.stderr);
      assert.match(res.stdout, new RegExp(`>>> ${replica.addr.replace(/\./g, '\\.')} as replica of 127\\.0\\.0\\.1:\\d+\\n`));
      members = members.filter((n) => n !== master);
      assert.deepEqual(
        await knownBy(members, id),
        members.map(() => false),
      );
      const me = myselfLine(await nodesOf(replica));
      assert.ok(me.flags.includes('slave'));
      assert.notEqual(me.masterId, id);
      assert.equal((await redisCliCheck(entry(), { kind })).code, 0);
    });

    test('del-node of a node that was killed (redis-cli: "No such node ID")', async () => {
      const node = spare[4]!;
      assert.equal((await runRcm(['add-node', node.addr, entry(), '--cluster-slave'])).code, 0);
      const id = await myIdOf(node);
      await killNode(node);
      // redis-cli 7/8 refuse ("No such node ID"); valkey-cli 9 removes it too, in its own words
      // (">>> WARNING: Could not connect to node …, unable to send CLUSTER RESET."), so it is not run first here.
      if (kind !== 'valkey9') {
        const ref = await runRedisCli(['--cluster', 'del-node', entry(), id], { kind });
        assert.match(ref.stdout, /\[ERR\] No such node ID/);
      }
      const res = await runRcm(['del-node', entry(), id]);
      assert.equal(res.code, 0, res.stdout + res.stderr);
      assert.match(res.stdout, /is down \(unreachable\): it will only be forgotten by the other nodes\.\n/);
      assert.match(res.stdout, /was not reset: if it comes back, run CLUSTER RESET on it/);
      assert.deepEqual(
        await knownBy(members, id),
        members.map(() => false),
      );
      assert.equal((await redisCliCheck(entry(), { kind })).code, 0);
    });
  });
}
