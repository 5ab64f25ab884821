/**
 * `rcm call`, `rcm set-timeout` and `rcm failover` on a real 3+3 cluster:
 * call and set-timeout print exactly what redis-cli prints; destructive calls
 * need a confirmation; failover promotes the replica.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCluster, myselfLine, populate, redisCliCheck, runRedisCli, stopAllNodes, waitFor, type TestCluster } from '../helpers/redisCluster';
import { redisCliStderr, runRcm } from '../helpers/rcm';
import { nodeCall, nodesOf } from '../helpers/topologyOps';

after(() => stopAllNodes());

describe('call, set-timeout and failover on a 3+3 cluster', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await createCluster({ masters: 3, replicas: 1 });
    await populate(cluster, 1000);
    await cluster.waitHealthy();
  });
  after(() => cluster.stop());

  async function sameAsRedisCli(args: string[], env?: NodeJS.ProcessEnv) {
    const [ref, ours] = await Promise.all([runRedisCli(['--cluster', ...args]), runRcm(args, { env })]);
    assert.equal(ours.stdout, ref.stdout, `stdout differs\n--- redis-cli\n${ref.stdout}\n--- rcm\n${ours.stdout}`);
    assert.equal(redisCliStderr(ours.stderr), ref.stderr);
    return { ref, ours };
  }

  test('call with every filter, -d and error replies: identical to redis-cli', async () => {
    const entry = cluster.entry.addr;
    await waitFor(
      'replicas to hold every key',
      async () => {
        const sizes = await Promise.all(cluster.nodes.map((n) => nodeCall(n, 'DBSIZE')));
        return sizes.reduce((a: number, s) => a + Number(s), 0) === 2000 || 'replication in progress';
      },
      15_000,
    );
    const all = await sameAsRedisCli(['call', entry, 'DBSIZE']);
    assert.equal(all.ours.code, 0);
    assert.equal(all.ours.stdout.split('\n').length, 1 + 6 + 1);
    const masters = await sameAsRedisCli(['call', entry, 'CONFIG', 'GET', 'cluster-node-timeout', '--cluster-only-masters']);
    assert.equal(masters.ours.stdout.match(/: cluster-node-timeout\n2000\n/g)?.length, 3);
    const replicas = await sameAsRedisCli(['call', entry, 'CONFIG', 'GET', 'maxmemory', '--cluster-only-replicas', '-d', ',']);
    assert.equal(replicas.ours.stdout.match(/: maxmemory,0\n/g)?.length, 3);
    const errors = await sameAsRedisCli(['call', entry, 'GET', 'key:1']);
    assert.match(errors.ours.stdout, /: MOVED \d+ 127\.0\.0\.1:\d+\n\n/);
    await sameAsRedisCli(['call', entry, 'FOOBAR', 'x']);
    await sameAsRedisCli(['call', entry, 'GET', 'no-such-key', '--cluster-only-masters', '--cluster-only-replicas']);
  });

  test('call --json gives every reply as data', async () => {
    const res = await runRcm(['call', cluster.entry.addr, 'DBSIZE', '--json']);
    assert.equal(res.code, 0);
    const data = JSON.parse(res.stdout);
    assert.equal(data.replies.length, 6);
    assert.equal(
      data.replies.reduce((a: number, r: { reply: string }) => a + Number(r.reply), 0),
      2000,
    );
    assert.deepEqual(data.command, ['DBSIZE']);
  });

  test('a destructive call needs a confirmation: declined sends nothing, REDISCLI_CLUSTER_YES=1 goes ahead', async () => {
    const dbsize = async () => (await Promise.all(cluster.masters.map((m) => nodeCall(m, 'DBSIZE')))).map(Number);
    const declined = await runRcm(['call', cluster.entry.addr, 'FLUSHDB', '--cluster-only-masters'], { input: 'no\n' });
    assert.equal(declined.code, 1);
    assert.match(
      declined.stdout,
      /^FLUSHDB deletes every key of the database; it will be sent to 3 node\(s\)\. Are you sure\? \(type 'yes' to accept\): \*\*\* Aborted: FLUSHDB was not sent to any node\.\n$/,
    );
    assert.equal(
      (await dbsize()).reduce((a, b) => a + b, 0),
      1000,
    );
    const eof = await runRcm(['call', cluster.entry.addr, 'CONFIG', 'SET', 'maxmemory', '1gb']);
    assert.equal(eof.code, 1, 'stdin at EOF declines');
    const yes = await runRcm(['call', cluster.entry.addr, 'FLUSHDB', '--cluster-only-masters'], { env: { REDISCLI_CLUSTER_YES: '1' } });
    assert.equal(yes.code, 0);
    assert.match(yes.stdout, /^>>> Calling FLUSHDB\n/);
    assert.deepEqual(await dbsize(), [0, 0, 0]);
  });

  test('set-timeout: as redis-cli, and visible in CONFIG GET on every node', async () => {
    const { ours } = await sameAsRedisCli(['set-timeout', cluster.entry.addr, '3000']);
    assert.equal(ours.code, 0);
    assert.match(ours.stdout, /New node timeout set\. 6 OK, 0 ERR\.\n$/);
    const res = await runRcm(['set-timeout', cluster.entry.addr, '2500']);
    assert.equal(res.code, 0);
    for (const n of cluster.nodes) assert.deepEqual(await nodeCall(n, 'CONFIG', 'GET', 'cluster-node-timeout'), ['cluster-node-timeout', '2500']);
    const low = await sameAsRedisCli(['set-timeout', cluster.entry.addr, '50']);
    assert.equal(low.ours.code, 1);
    assert.equal(low.ours.stderr, 'Setting a node timeout of less than 100 milliseconds is a bad idea.\n');
  });

  test('set-timeout exits 1 when a node fails (redis-cli exits 0)', async () => {
    // A user allowed everything except CONFIG on one node only.
    for (const n of cluster.nodes) await nodeCall(n, 'ACL', 'SETUSER', 'ops', 'on', '>pw', '~*', '&*', '+@all');
    await nodeCall(cluster.replicas[0]!, 'ACL', 'SETUSER', 'ops', '-config');
    const args = ['set-timeout', cluster.entry.addr, '2000', '--user', 'ops', '-a', 'pw', '--no-auth-warning'];
    const [ref, ours] = await Promise.all([runRedisCli(['--cluster', ...args]), runRcm(args)]);
    assert.equal(ours.stdout, ref.stdout);
    assert.ok(ours.stdout.includes(`ERR setting node-timeout for ${cluster.replicas[0]!.addr}: NOPERM `), ours.stdout);
    assert.match(ours.stdout, />>> New node timeout set\. 5 OK, 1 ERR\.\n$/);
    assert.equal(ref.code, 0);
    assert.equal(ours.code, 1);
  });

  test('failover promotes the replica; a master is refused; --takeover promotes the old master back', async () => {
    const replica = cluster.replicas[0]!;
    const master = cluster.masterOf(replica)!;
    const refused = await runRcm(['failover', master.addr]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /\[ERR\] Node .* is not a replica/);
    const res = await runRcm(['failover', replica.addr]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(
      res.stdout,
      new RegExp(`\\[OK\\] ${replica.addr.replace(/\./g, '\\.')} is now a master \\(it replaced ${master.addr.replace(/\./g, '\\.')}\\)\\.\\n$`),
    );
    assert.ok(myselfLine(await nodesOf(replica)).flags.includes('master'));
    await waitFor('the old master to become a replica', async () => myselfLine(await nodesOf(master)).flags.includes('slave') || 'not yet', 10_000);
    const back = await runRcm(['failover', master.addr, '--takeover']);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.ok(myselfLine(await nodesOf(master)).flags.includes('master'));
    await cluster.waitHealthy();
    assert.equal((await redisCliCheck(cluster.entry.addr)).code, 0);
  });
});
