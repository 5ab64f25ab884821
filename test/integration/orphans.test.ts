/**
 * check's orphan finding (an rcm extra): keys a master holds in a slot it
 * neither owns nor imports get an [ERR] line and exit 1, where redis-cli says
 * [OK]; a healthy cluster's stdout stays byte-identical to redis-cli's. The
 * loader finds them by one count per master (io/ownKeys.ts: a read-only script,
 * or a transaction where an ACL refuses scripts) and searches slot by slot only
 * a master whose keys are not all in its own slots: both ways are checked.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cmd, createCluster, keyInSlot, populate, redisCliCheck, serverKinds, slotOwner, stopAllNodes, type TestCluster } from '../helpers/redisCluster';
import { runRcm } from '../helpers/rcm';
import { loadTopology } from '../../src/engine';

after(() => stopAllNodes());

for (const kind of serverKinds()) {
  describe(`orphan keys [${kind}]`, () => {
    let cluster: TestCluster;
    before(async () => {
      cluster = await createCluster({ kind, masters: 3 });
      await populate(cluster, 1000);
    });
    after(() => cluster.stop());

    test('check: orphan keys are an [ERR] per node with exit 1; a healthy cluster matches redis-cli byte for byte', async () => {
      const healthy = await runRcm(['check', cluster.entry.addr]);
      const none = await orphanCounts(cluster);
      assert.deepEqual([none.byScript, none.byTransaction], [[], []]);
      assert.deepEqual(none.searched, { byScript: [], byTransaction: [] }, 'a healthy cluster: no master searched slot by slot');
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
        // Redis 8 keeps them in DBSIZE but shows them to no per-slot command once the slot is neither owned nor imported.
        const hidden = kind === 'redis8';
        const where = hidden
          ? 'in slots it does not own (DBSIZE counts them; the server lists none of their slots)'
          : 'in 1 slot(s) it does not own (slots 4242)';
        assert.ok(res.stdout.includes(`[ERR] Node ${other.addr} holds 2 key(s) ${where}: no client can reach them.\n`), res.stdout);
        const cli = await redisCliCheck(cluster.entry.addr, { kind });
        assert.equal(cli.code, 0, 'redis-cli does not see them');
        const counts = await orphanCounts(cluster);
        const nodeId = await cluster.nodeId(other);
        const expected = hidden ? [{ nodeId, unplaced: 2 }] : [{ nodeId, slot, keys: 2 }];
        assert.deepEqual(counts.byScript, expected);
        assert.deepEqual(counts.byTransaction, expected, 'the same where scripts are refused');
        assert.deepEqual(counts.searched, { byScript: [other.addr], byTransaction: [other.addr] }, 'only the master holding them searched');
        assert.equal(res.stdout.replace(/\[ERR\] Node .* holds .*\n/, ''), cli.stdout, 'otherwise the same output');
        await cmd(c, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', await cluster.nodeId(owner));
        assert.deepEqual((await orphanCounts(cluster)).byScript, [], 'keys in a slot the master imports are not orphans');
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

/**
 * The loader's foreign-key entries (keys > 0) and unplaced keys with its default user, and as a user whom an ACL refuses
 * scripts; each with the masters it searched slot by slot (COUNTKEYSINSLOT beyond the slots the master owns).
 */
async function orphanCounts(
  cluster: TestCluster,
): Promise<{ byScript: unknown[]; byTransaction: unknown[]; searched: { byScript: string[]; byTransaction: string[] } }> {
  const { host, port } = cluster.entry;
  const found = async (opts: { user?: string; password?: string }) => {
    await Promise.all(cluster.masters.map((m) => cmd(cluster.client(m), 'CONFIG', 'RESETSTAT')));
    const t = await loadTopology(host, port, { ...opts, findOrphanKeys: true });
    const searched: string[] = [];
    for (const n of t.nodes.filter((x) => x.role === 'master')) {
      const stats = String(await cmd(cluster.client(cluster.masters.find((m) => m.port === n.port)!), 'INFO', 'commandstats'));
      const calls = Number(/cmdstat_cluster\|countkeysinslot:calls=(\d+)/.exec(stats)?.[1] ?? 0);
      if (calls > n.slotCount + n.importing.length) searched.push(`${n.host}:${n.port}`);
    }
    const unplaced = (t.unplacedKeys ?? []).map((u) => ({ nodeId: u.nodeId, unplaced: u.keys }));
    return { entries: [...(t.foreignKeys ?? []).filter((f) => f.keys > 0), ...unplaced], searched };
  };
  const byScript = await found({});
  await Promise.all(cluster.nodes.map((n) => cmd(cluster.client(n), 'ACL', 'SETUSER', 'noscripts', 'on', '>pw', '~*', '&*', '+@all', '-@scripting')));
  try {
    const byTransaction = await found({ user: 'noscripts', password: 'pw' });
    return {
      byScript: byScript.entries,
      byTransaction: byTransaction.entries,
      searched: { byScript: byScript.searched, byTransaction: byTransaction.searched },
    };
  } finally {
    await Promise.all(cluster.nodes.map((n) => cmd(cluster.client(n), 'ACL', 'DELUSER', 'noscripts')));
  }
}
