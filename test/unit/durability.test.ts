/** The executor's replication checks and resume's re-pointing of imports, on the fake port with a fake clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replicationBarrier, replicationVerdict, REPLICATED_DEADLINE_MS } from '../../src/engine/exec/durability';
import { reattachImports } from '../../src/engine/ops/applyPlan';
import { FakeCluster } from '../fixtures/fakeSlotPort';
import { master, topology } from '../fixtures/topologyBuilder';

const following = (offset: number) => ({ addr: 'r:1', role: 'following' as const, offset });

test('replication verdict: a master with a caught-up replica, or none reachable, passes; a takeover or a demotion is final', () => {
  assert.equal(replicationVerdict({ master: true, offset: 10, replicas: [following(10)] }, 10), null);
  assert.equal(replicationVerdict({ master: true, offset: 10, replicas: [] }, 10), null);
  assert.equal(replicationVerdict({ master: true, offset: 10, replicas: [{ addr: 'r:1', role: 'unreachable', offset: 0 }] }, 10), null);
  // One caught-up replica is enough; one that lags is worth waiting for.
  assert.equal(replicationVerdict({ master: true, offset: 12, replicas: [following(3), following(10)] }, 10), null);
  assert.deepEqual(replicationVerdict({ master: true, offset: 12, replicas: [following(9)] }, 10)?.final, false);
  assert.deepEqual(replicationVerdict({ master: true, offset: 12, replicas: [{ addr: 'r:1', role: 'other', offset: 0 }] }, 10)?.final, false);
  assert.match(replicationVerdict({ master: false, offset: 0, replicas: [following(10)] }, 10)!.reason, /no longer a master/);
  const taken = replicationVerdict({ master: true, offset: 10, replicas: [{ addr: 'r:1', role: 'master', offset: 0 }, following(10)] }, 10)!;
  assert.equal(taken.final, true);
  assert.match(taken.reason, /r:1 took over/);
  assert.ok(REPLICATED_DEADLINE_MS >= 1000);
});

test('reattachImports re-points the slots in flight and waits on the injected clock, with its deadline', async () => {
  const c = new FakeCluster();
  c.addNode('S2', [7]);
  c.addNode('T', []);
  c.nodes.get('T')!.importing.set(7, 'S1');
  let infos = 0;
  c.command = async () => {
    infos++;
    return 'cluster_state:fail\r\n';
  };
  let now = 0;
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
  const topo = topology([master('S2', 1, [{ start: 7, end: 7 }]), master('T', 2, [], { importing: [{ slot: 7, peerId: 'S1' }] })]);
  const started = Date.now();
  await assert.rejects(reattachImports(c, clock, topo, [{ slot: 7, sourceId: 'S2', targetId: 'T' }]), /still reports cluster_state fail/);
  assert.ok(Date.now() - started < 2000, 'no real waiting: the fake clock ran out the 15 s deadline');
  assert.ok(now >= 15_000 && infos > 100, `${infos} polls over ${now} fake ms`);
  assert.equal(c.nodes.get('T')!.importing.get(7), 'S2', 'slot 7 now imports from the new master');
});

test('replication barrier: callers share one check; one arriving during a check waits for the next, whose offset is read after its call', async () => {
  const c = new FakeCluster();
  c.addNode('T', []);
  // The target's offset grows with every copy; its replica is always caught up, so a check is one read.
  let offset = 0;
  const reads: number[] = [];
  c.replicationState = async () => {
    reads.push(offset);
    const state = { master: true, offset, replicas: [following(offset)] };
    await new Promise((r) => setImmediate(r));
    return state;
  };
  const clock = { now: () => 0, sleep: async () => undefined };
  const barrier = replicationBarrier(c, clock, 'T', 'nothing was deleted');
  offset = 10; // three copies done
  const first = [barrier(), barrier(), barrier()];
  offset = 20; // a copy done while that check runs: its caller must not be passed by it
  const late = barrier();
  const later = barrier();
  await Promise.all([...first, late, later]);
  // Two checks: the first read 10; the late callers' one started after their calls and read 20.
  assert.deepEqual(reads, [10, 20], 'one check for the first three callers, one for the two late ones');
  // A failed check fails every caller that joined it.
  c.replicationState = async () => ({ master: true, offset: 30, replicas: [{ addr: 'r:1', role: 'master', offset: 0 }] });
  const failed = await Promise.allSettled([barrier(), barrier()]);
  assert.deepEqual(
    failed.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  assert.match(String((failed[0] as PromiseRejectedResult).reason.message), /took over.*nothing was deleted/);
});
