/**
 * Key counts of many slots (io/bulk.ts countKeysInSlots) on every server kind: the read-only script that
 * counts a chunk of slots in one command answers exactly what one COUNTKEYSINSLOT per slot answers, in the
 * order asked (unsorted, repeated, owned and not owned slots); a user refused EVAL_RO gets the same answer
 * slot by slot.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countKeysInSlots } from '../../src/engine/io/bulk';
import { connectNode, type NodeClient } from '../../src/engine/io/connection';
import { cmd, createCluster, populate, serverKinds, stopAllNodes, type NodeHandle, type TestCluster } from '../helpers/redisCluster';

after(() => stopAllNodes());

for (const kind of serverKinds()) {
  describe(`key counts of many slots [${kind}]`, () => {
    let cluster: TestCluster;
    const clients: NodeClient[] = [];
    before(async () => {
      cluster = await createCluster({ kind, masters: 3 });
      await populate(cluster, 60_000);
    });
    after(async () => {
      for (const c of clients) c.close();
      await cluster?.stop();
    });

    /** Master 0's first 300 slots and 200 of master 1's, shuffled, some twice. */
    const asked = (): number[] => {
      const own = Array.from({ length: 300 }, (_, i) => i);
      const other = Array.from({ length: 200 }, (_, i) => 6000 + i);
      return [...other.slice(100), ...own.reverse(), ...other.slice(0, 100), 5, 6001, 5];
    };

    const evalRoCalls = async (cl: TestCluster, m: NodeHandle): Promise<number> =>
      Number(/cmdstat_eval_ro:calls=(\d+)/.exec(String(await cmd(cl.client(m), 'INFO', 'commandstats')))?.[1] ?? 0);

    const oneByOne = async (c: NodeClient, slots: readonly number[]): Promise<number[]> =>
      (await c.pipeline(slots.map((s) => ['CLUSTER', 'COUNTKEYSINSLOT', s] as const))).map((r) => (r.ok ? Number(r.value) : -1));

    test('the script answers what COUNTKEYSINSLOT answers, slot by slot, in the order asked', async () => {
      const m = cluster.masters[0]!;
      const c = await connectNode(m.host, m.port);
      clients.push(c);
      const slots = asked();
      const scriptsBefore = await evalRoCalls(cluster, m);
      const counts = await countKeysInSlots(c, slots);
      assert.equal(await evalRoCalls(cluster, m), scriptsBefore + 1, 'one script counted the 500 slots');
      assert.deepEqual(counts, await oneByOne(c, slots));
      assert.ok(counts.slice(100, 400).filter((n) => n > 0).length > 250, 'master 0 holds keys in (nearly) every one of its slots');
      assert.ok(
        counts.slice(0, 100).every((n) => n === 0),
        'none in the slots it does not own',
      );
    });

    test('a user refused EVAL_RO gets the same counts', async () => {
      const m = cluster.masters[0]!;
      await cmd(cluster.client(m), 'ACL', 'SETUSER', 'noscript', 'on', '>pw', '~*', '&*', '+@all', '-eval_ro', '-eval');
      const c = await connectNode(m.host, m.port, { user: 'noscript', password: 'pw' });
      clients.push(c);
      await assert.rejects(c.call('EVAL_RO', 'return 1', 0), /NOPERM/);
      const slots = asked();
      assert.deepEqual(await countKeysInSlots(c, slots), await oneByOne(c, slots));
    });
  });
}
