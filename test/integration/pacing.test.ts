/**
 * Latency-paced migration on a real 3-master cluster: the executor's PING
 * probes slow it down under a budget no move can meet, --fast skips pacing,
 * and every key arrives either way.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { type MigrationEvent, type MovePlan } from '../../src/engine';
import { applyPlan } from '../../src/engine/ops/applyPlan';
import { PACE_LADDER } from '../../src/engine/exec/pace';
import type { Pace } from '../../src/engine/model/progress';
import { createCluster, populate, stopAllNodes, type TestCluster } from '../helpers/redisCluster';

after(() => stopAllNodes());

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

async function planBetween(cluster: TestCluster, from: number, to: number, slots: number[]): Promise<MovePlan> {
  const [sourceId, targetId] = [await cluster.nodeId(cluster.masters[from]!), await cluster.nodeId(cluster.masters[to]!)];
  const moves = slots.map((slot) => ({ slot, sourceId, targetId }));
  return {
    version: 1,
    kind: 'reshard',
    entry: { host: cluster.entry.host, port: cluster.entry.port },
    nodes: [],
    moves,
    groups: [{ sourceId, targetId, slots: moves.length }],
    totalSlots: moves.length,
  };
}

const paces = (events: MigrationEvent[]): Pace[] => events.flatMap((e) => (e.type === 'pace' ? [e.pace] : []));

describe('latency-paced migration', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await createCluster({ masters: 3 });
    await populate(cluster, 60_000);
  });
  after(() => cluster.stop());

  test('a budget no move can meet, with client traffic: the pace goes down toward the gentlest rung; every key moves', async () => {
    // A client keeps the source busy, so the "no client traffic" rule stays off.
    const client = new Redis({ host: cluster.masters[0]!.host, port: cluster.masters[0]!.port });
    let running = true;
    const load = (async () => {
      while (running) await client.ping();
    })();
    try {
      const events: MigrationEvent[] = [];
      const res = await applyPlan(await planBetween(cluster, 0, 1, range(0, 1499)), {
        maxClientLatencyMs: 0.001,
        onEvent: (e) => events.push(e),
        strategy: 'legacy',
      });
      assert.equal(res.status, 'done', JSON.stringify(res.error));
      assert.equal(res.mismatches, 0);
      const seen = paces(events);
      assert.equal(seen[0]!.why, 'start');
      assert.ok(
        seen.some((p) => p.why === 'over-budget' && p.probeMs! > 0.001 && p.node !== undefined),
        JSON.stringify(seen.map((p) => p.reason)),
      );
      // How far down it gets depends on how long the move lasts (two rungs per change, 150 ms apart): it must go
      // down, and where the run lasted long enough, to the gentlest rung of the ladder.
      assert.ok(
        seen.some((p) => p.level < seen[0]!.level),
        'the pace went down',
      );
      const gentlest = seen.filter((p) => p.level === 0);
      for (const p of gentlest) assert.equal(p.batchKeys, PACE_LADDER[0]!.batchKeys);
      assert.ok(res.progress.pace, 'the progress snapshot carries the pace');
    } finally {
      running = false;
      await load;
      client.disconnect();
    }
    const moved = await cluster.client(cluster.masters[1]!).call('CLUSTER', 'COUNTKEYSINSLOT', 0);
    assert.ok(Number(moved) > 0);
  });

  test('--fast: one pace, the fastest, and no probe decisions', async () => {
    const events: MigrationEvent[] = [];
    const res = await applyPlan(await planBetween(cluster, 1, 0, range(0, 1499)), { fast: true, onEvent: (e) => events.push(e), strategy: 'legacy' });
    assert.equal(res.status, 'done', JSON.stringify(res.error));
    assert.equal(res.mismatches, 0);
    const seen = paces(events);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.why, 'fast');
    assert.equal(seen[0]!.level, PACE_LADDER.length - 1);
    assert.equal(seen[0]!.budgetMs, null);
  });

  test('a fixed --cluster-pipeline is not paced (redis-cli semantics)', async () => {
    const events: MigrationEvent[] = [];
    const res = await applyPlan(await planBetween(cluster, 0, 2, range(0, 99)), { pipeline: 10, onEvent: (e) => events.push(e), strategy: 'legacy' });
    assert.equal(res.status, 'done', JSON.stringify(res.error));
    assert.equal(paces(events).length, 0);
  });
});
