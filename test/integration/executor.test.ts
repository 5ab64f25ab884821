/**
 * The migration executor on a real 3+3 cluster with 100k keys: no key lost,
 * check clean, cancellation leaves no slot open, a journal resumes exactly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology, readJournalFile, readJournalState, type MigrationEvent, type MovePlan } from '../../src/engine';
import { applyPlan, resumeJournal } from '../../src/engine/ops/applyPlan';
import { createCluster, keyInSlot, populate, redisCliCheck, stopAllNodes, type TestCluster } from '../helpers/redisCluster';

after(() => stopAllNodes());

async function totalKeys(cluster: TestCluster): Promise<number> {
  let sum = 0;
  for (const m of cluster.liveNodes()) {
    const role = String(await cluster.client(m).call('ROLE'));
    if (role.startsWith('master')) sum += Number(await cluster.client(m).call('DBSIZE'));
  }
  return sum;
}

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

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('executor on a real cluster', () => {
  let cluster: TestCluster;
  let keys = 0;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rcm-exec-'));
    cluster = await createCluster({ masters: 3, replicas: 1 });
    await populate(cluster, 100_000, { ttl: true });
    keys = await totalKeys(cluster);
    assert.equal(keys, 100_000);
  });
  after(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('moves 1000 slots with their keys; nothing lost; check clean; values and TTLs intact', async () => {
    const sample = keyInSlot(10, 'probe');
    await cluster.client(cluster.masters[0]!).set(sample, 'hello', 'PX', 600000);
    const events: MigrationEvent[] = [];
    const plan = await planBetween(cluster, 0, 1, range(0, 999));
    const res = await applyPlan(plan, { onEvent: (e) => events.push(e) });
    assert.equal(res.status, 'done', JSON.stringify(res.error));
    assert.equal(res.progress.slotsDone, 1000);
    assert.ok(res.progress.keysMoved > 5000, `moved ${res.progress.keysMoved}`);
    assert.equal(res.mismatches, 0);
    assert.equal(res.check.ok, true);
    assert.equal(await totalKeys(cluster), keys + 1);
    const target = cluster.client(cluster.masters[1]!);
    assert.equal(await target.get(sample), 'hello');
    const pttl = Number(await target.pttl(sample));
    assert.ok(pttl > 0 && pttl <= 600000, `pttl ${pttl}`);
    assert.ok(events.some((e) => e.type === 'plan-finished'));
    const t = await loadTopology(cluster.entry.host, cluster.entry.port);
    const tgt = t.nodes.find((n) => n.port === cluster.masters[1]!.port)!;
    assert.equal(tgt.slotCount, 5462 + 1000);
    assert.equal((await redisCliCheck(cluster.entry.addr)).code, 0);
    await cluster.client(cluster.masters[1]!).del(sample);
  });

  test('cancellation stops at a window boundary and leaves no open slot', async () => {
    const controller = new AbortController();
    const plan = await planBetween(cluster, 2, 0, range(10923, 12922));
    const res = await applyPlan(plan, {
      signal: controller.signal,
      windowSlots: 32,
      onEvent: (e) => {
        if (e.type === 'slot-done') controller.abort();
      },
    });
    assert.equal(res.status, 'cancelled');
    assert.ok(res.progress.slotsDone >= 1 && res.progress.slotsDone < 2000, `done ${res.progress.slotsDone}`);
    assert.equal(res.check.ok, true, JSON.stringify(res.check.findings));
    assert.deepEqual(res.check.openSlots, []);
    assert.equal(await totalKeys(cluster), keys);
  });

  test('an interrupted run resumes exactly from its journal', async () => {
    const journalPath = join(dir, 'run.journal');
    const controller = new AbortController();
    const t = await loadTopology(cluster.entry.host, cluster.entry.port);
    const src = t.nodes.find((n) => n.port === cluster.masters[2]!.port)!;
    const slots = range(src.slots[0]!.start, src.slots[0]!.start + 499);
    const plan = await planBetween(cluster, 2, 1, slots);
    const first = await applyPlan(plan, {
      journalPath,
      signal: controller.signal,
      windowSlots: 50,
      onEvent: (e) => {
        if (e.type === 'progress' && e.progress.slotsDone >= 100) controller.abort();
      },
    });
    assert.equal(first.status, 'cancelled');
    const state = readJournalState(readJournalFile(journalPath));
    assert.equal(state.done.size, first.progress.slotsDone);
    const resumed = await resumeJournal(journalPath);
    assert.equal(resumed.status, 'done');
    assert.equal(resumed.skipped, first.progress.slotsDone);
    assert.equal(resumed.progress.slotsDone, 500 - first.progress.slotsDone);
    assert.equal(resumed.check.ok, true);
    assert.equal(await totalKeys(cluster), keys);
    await assert.rejects(resumeJournal(journalPath), /already finished/);
  });
});
