/**
 * Issue 16's node operations on a real 3+1 cluster: runReplicate moves a
 * replica to another master (CLUSTER REPLICATE) and refuses a master that owns
 * slots; runSetTimeout with nodeIds touches only that node; a drained master
 * turns into a replica (Redis does that), which the extension's pure
 * emptiedByPlan predicted and demotedMasters detects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTopology, planRebalance, renderEvents, renderReplicateEvent, runReplicate, runSetTimeout, type ReplicateReport } from '../../src/engine';
import { applyPlan } from '../../src/engine/ops/applyPlan';
import { demotedMasters, emptiedByPlan } from '../../src/extension/model/demotion';
import { createCluster, populate, stopAllNodes, waitFor, type TestCluster } from '../helpers/redisCluster';
import { nodeCall, nodesOf } from '../helpers/topologyOps';

const textOf = (r: ReplicateReport): string =>
  renderEvents(r.events, renderReplicateEvent)
    .map((c) => c.text)
    .join('');

after(() => stopAllNodes());

describe('node operations of the editor menu on a real cluster', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await createCluster({ masters: 3, replicas: 0 });
    await populate(cluster, 600);
    await cluster.waitHealthy();
  });
  after(() => cluster.stop());

  test('runReplicate: a master that owns slots is refused; then the drained master, a replica, moves to another master', async () => {
    const [m0, m1, m2] = cluster.masters as [typeof cluster.entry, typeof cluster.entry, typeof cluster.entry];
    const [id0, id1, id2] = await Promise.all([cluster.nodeId(m0), cluster.nodeId(m1), cluster.nodeId(m2)]);
    const refused = await runReplicate({ host: m0.host, port: m0.port, masterId: id1, joinTimeoutMs: 10_000 });
    assert.equal(refused.exitCode, 1);
    assert.match(textOf(refused), /is a master with \d+ slots: move its slots away first/);

    // Drain m0: Redis turns the emptied master into a replica of the master that took its last slot.
    const before = await loadTopology(m0.host, m0.port);
    const plan = planRebalance(before, { weights: [`${id0}=0`] });
    assert.notEqual(plan.kind, 'nothing-to-do');
    if (plan.kind === 'nothing-to-do') return;
    const predicted = emptiedByPlan(plan);
    assert.deepEqual(
      predicted.map((e) => e.nodeId),
      [id0],
    );
    const res = await applyPlan(plan);
    assert.ok(res.check.ok);
    let demoted: ReturnType<typeof demotedMasters> = [];
    await waitFor(
      'the emptied master to become a replica',
      async () => {
        demoted = demotedMasters(before, await loadTopology(m1.host, m1.port));
        return demoted.length === 1 || 'still a master';
      },
      20_000,
    );
    assert.equal(demoted[0]!.nodeId, id0);
    assert.equal(demoted[0]!.masterAddr, predicted[0]!.newMasterAddr, 'it replicates the master that took its last slot');

    // Now move it to the other master.
    const newMaster = demoted[0]!.masterId === id1 ? id2 : id1;
    const moved = await runReplicate({ host: m0.host, port: m0.port, masterId: newMaster, joinTimeoutMs: 20_000 });
    assert.equal(moved.exitCode, 0, textOf(moved));
    assert.match(textOf(moved), /\[OK\] 127\.0\.0\.1:\d+ is now a replica of 127\.0\.0\.1:\d+\./);
    for (const m of cluster.masters) {
      const line = (await nodesOf(m)).find((l) => l.id === id0)!;
      assert.equal(line.masterId, newMaster, `${m.port} sees the new master`);
    }
    await cluster.waitHealthy();
  });

  test('runSetTimeout with nodeIds: only that node gets the new cluster-node-timeout', async () => {
    const [m0, m1] = cluster.masters as [typeof cluster.entry, typeof cluster.entry];
    const id1 = await cluster.nodeId(m1);
    const timeoutOf = async (n: typeof m0): Promise<string> => String(((await nodeCall(n, 'CONFIG', 'GET', 'cluster-node-timeout')) as string[])[1]);
    const old = await timeoutOf(m0);
    const report = await runSetTimeout({ host: m0.host, port: m0.port, timeoutMs: 7777, nodeIds: [id1] });
    assert.equal(report.exitCode, 0);
    assert.equal(report.results.length, 1);
    assert.equal(await timeoutOf(m1), '7777');
    assert.equal(await timeoutOf(m0), old);
  });
});
