/**
 * check's orphan finding (an rcm extra): keys a master holds in a slot it
 * neither owns nor imports get an [ERR] line and exit 1, where redis-cli says
 * [OK]; a healthy cluster's stdout stays byte-identical to redis-cli's.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cmd, createCluster, keyInSlot, populate, redisCliCheck, serverKinds, slotOwner, stopAllNodes, type TestCluster } from '../helpers/redisCluster';
import { runRcm } from '../helpers/rcm';

after(() => stopAllNodes());

for (const kind of serverKinds()) {
  describe(`check reports orphan keys [${kind}]`, () => {
    let cluster: TestCluster;
    before(async () => {
      cluster = await createCluster({ kind, masters: 3 });
      await populate(cluster, 1000);
    });
    after(() => cluster.stop());

    // Known gap: Redis 8 hides keys in a slot a node neither owns nor imports from COUNTKEYSINSLOT, GETKEYSINSLOT, SCAN,
    // KEYS and INFO keyspace (only DBSIZE counts them); a read-only check cannot find their slots (fix can, see fixServed.test.ts).
    const gap = kind === 'redis8' ? 'Redis 8 hides orphan keys from every read-only command' : false;
    test('check: orphan keys are an [ERR] per node with exit 1; a healthy cluster matches redis-cli byte for byte', { skip: gap }, async () => {
      const healthy = await runRcm(['check', cluster.entry.addr]);
      const oracle = await redisCliCheck(cluster.entry.addr, { kind });
      assert.equal(healthy.code, 0);
      assert.equal(healthy.stdout, oracle.stdout);

      const slot = 4242;
      const owner = await slotOwner(cluster, slot);
      const other = cluster.masters.find((m) => m !== owner)!;
      const c = cluster.client(other);
      // Plant two keys on a non-owner: IMPORTING + ASKING lets it store them, STABLE leaves them orphaned.
      await cmd(c, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', await cluster.nodeId(owner));
      for (const k of [keyInSlot(slot, 'orphan-a'), keyInSlot(slot, 'orphan-b')]) {
        await cmd(c, 'ASKING');
        await cmd(c, 'SET', k, 'stale');
      }
      await cmd(c, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
      try {
        const res = await runRcm(['check', cluster.entry.addr]);
        assert.equal(res.code, 1);
        assert.ok(res.stdout.includes(`[ERR] Node ${other.addr} holds 2 key(s) in 1 slot(s) it does not own (slots 4242): no client can reach them.\n`), res.stdout);
        const cli = await redisCliCheck(cluster.entry.addr, { kind });
        assert.equal(cli.code, 0, 'redis-cli does not see them');
        assert.equal(res.stdout.replace(/\[ERR\] Node .* holds .*\n/, ''), cli.stdout, 'otherwise the same output');
      } finally {
        await cmd(c, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', await cluster.nodeId(owner));
        for (const k of [keyInSlot(slot, 'orphan-a'), keyInSlot(slot, 'orphan-b')]) {
          await cmd(c, 'ASKING');
          await cmd(c, 'DEL', k);
        }
        await cmd(c, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
      }
    });
  });
}
