/** The executor's replication checks and resume's re-pointing of imports, on the fake port with a fake clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replicationVerdict, REPLICATED_DEADLINE_MS } from '../../src/engine/exec/durability';
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
