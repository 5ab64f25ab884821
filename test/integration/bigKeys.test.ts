/**
 * Big keys on a real 3-master cluster: a 50 MB string and a 1M-field hash.
 * The preview lists them with size, estimated blocking time and a per-key
 * MIGRATE timeout, and warns of the failover risk against cluster-node-timeout;
 * a move with a MIGRATE timeout far too short for them still ends with each
 * key exactly once, on the target.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { previewBigKeys, type MigrationEvent, type MovePlan } from '../../src/engine';
import { applyPlan } from '../../src/engine/ops/applyPlan';
import { createCluster, keyInSlot, keySlot, slotOwner, stopAllNodes, type TestCluster } from '../helpers/redisCluster';

after(() => stopAllNodes());

const STRING_BYTES = 50 * 1024 * 1024;
const HASH_FIELDS = 1_000_000;

async function planOf(cluster: TestCluster, slots: number[], to: number): Promise<MovePlan> {
  const targetId = await cluster.nodeId(cluster.masters[to]!);
  const moves = await Promise.all(slots.map(async (slot) => ({ slot, sourceId: await cluster.nodeId(await slotOwner(cluster, slot)), targetId })));
  return {
    version: 1,
    kind: 'reshard',
    entry: { host: cluster.entry.host, port: cluster.entry.port },
    nodes: [],
    moves,
    groups: [{ sourceId: moves[0]!.sourceId, targetId, slots: moves.length }],
    totalSlots: moves.length,
  };
}

describe('big keys', () => {
  let cluster: TestCluster;
  const str = keyInSlot(100, 'big:string');
  const hash = keyInSlot(101, 'big:hash');
  before(async () => {
    // A long node timeout while keys move (a 1M-field MIGRATE blocks both nodes for about a second).
    cluster = await createCluster({ masters: 3, nodeTimeout: 15000 });
    const owner = await slotOwner(cluster, 100);
    const c = cluster.client(owner);
    await c.set(str, Buffer.alloc(STRING_BYTES, 'x'));
    // 1M fields: HSETs of 1000 fields, 50 per pipeline.
    for (let base = 0; base < HASH_FIELDS; base += 50_000) {
      const p = c.pipeline();
      for (let b = base; b < base + 50_000; b += 1000) {
        const args: string[] = [];
        for (let i = b; i < b + 1000; i++) args.push(`f${i}`, `v${i}`);
        p.hset(hash, ...args);
      }
      await p.exec();
    }
    // A few ordinary keys beside them.
    for (let i = 0; i < 20; i++) await c.set(keyInSlot(100, `small${i}`), 'v');
    assert.equal(Number(await c.hlen(hash)), HASH_FIELDS);
  });
  after(() => cluster.stop());

  test('the preview lists both with size and estimated time, sets per-key timeouts and warns of failover risk', async () => {
    assert.equal(keySlot(str), 100);
    const source = cluster.client(await slotOwner(cluster, 100));
    // Sized by the server-side script, and by pipelines (where a node refuses scripts): the same findings.
    for (const script of [true, false]) {
      await source.call('CONFIG', 'SET', 'cluster-node-timeout', '1000'); // read by the preview only: nothing moves here
      const report = await previewBigKeys(await planOf(cluster, [100, 101, 102], 1), { timeoutMs: 60000, script }).finally(() =>
        source.call('CONFIG', 'SET', 'cluster-node-timeout', '15000'),
      );
      const byKey = new Map(report.keys.map((k) => [k.key, k]));
      const s = byKey.get(str);
      const h = byKey.get(hash);
      assert.ok(s && h, `script ${script}: ${JSON.stringify(report)}`);
      assert.equal(s.type, 'string');
      assert.equal(s.length, STRING_BYTES);
      assert.ok(s.bytes >= STRING_BYTES, `MEMORY USAGE ${s.bytes}`);
      assert.equal(h.type, 'hash');
      assert.equal(h.length, HASH_FIELDS);
      assert.ok(h.estimatedMs > s.estimatedMs && s.estimatedMs > 20, `${h.estimatedMs} ${s.estimatedMs}`);
      assert.ok(h.timeoutMs >= 60000);
      assert.equal(report.slotsScanned, 3);
      assert.equal(report.truncated, false);
      // cluster-node-timeout 1000 ms: the hash (estimated well over 500 ms) is a failover risk.
      const w = report.warnings.find((x) => x.key === hash);
      assert.ok(w, JSON.stringify(report.warnings));
      assert.equal(w.nodeTimeoutMs, 1000);
      assert.match(w.message, /cluster-node-timeout \(1\.0 s\).*rcm set-timeout/);
    }
  });

  test('a MIGRATE timeout far too short: timed-out keys that reached the target are finished, not left on both sides', async () => {
    const source = await slotOwner(cluster, 100);
    const events: MigrationEvent[] = [];
    // No big-key sample: the short timeout applies to the big keys too, and MIGRATE times out.
    const res = await applyPlan(await planOf(cluster, [100, 101], 1), { timeoutMs: 5, bigKeyScanMs: 0, strategy: 'legacy', onEvent: (e) => events.push(e) });
    assert.equal(res.status, 'done', JSON.stringify(res.error));
    assert.equal(res.mismatches, 0);
    const target = cluster.masters[1]!;
    const t = cluster.client(target);
    assert.equal(Number(await t.strlen(str)), STRING_BYTES);
    assert.equal(Number(await t.hlen(hash)), HASH_FIELDS);
    const src = cluster.client(source);
    assert.equal(Number(await src.call('CLUSTER', 'COUNTKEYSINSLOT', 100)), 0, 'no copy left on the source');
    assert.equal(Number(await src.call('CLUSTER', 'COUNTKEYSINSLOT', 101)), 0);
    assert.equal(Number(await t.call('CLUSTER', 'COUNTKEYSINSLOT', 100)), 21);
    const retries = events.flatMap((e) => (e.type === 'retry' ? [e.reason] : []));
    assert.ok(
      retries.some((r) => /timeout/i.test(r)),
      'a MIGRATE timed out',
    );
    assert.ok(
      retries.some((r) => /[1-9]\d* of \d+ key\(s\) had arrived and were finished/.test(r)),
      retries.join(' / '),
    );
  });

  test('with the sample: big keys move last in their slot, alone, with their own timeout (no timeout at 5 ms)', async () => {
    const events: MigrationEvent[] = [];
    const res = await applyPlan(await planOf(cluster, [100, 101], 2), { timeoutMs: 5, strategy: 'legacy', onEvent: (e) => events.push(e) });
    assert.equal(res.status, 'done', JSON.stringify(res.error));
    assert.ok(res.bigKeys && res.bigKeys.keys.length === 2, JSON.stringify(res.bigKeys));
    assert.ok(events.some((e) => e.type === 'big-keys'));
    assert.ok(!events.some((e) => e.type === 'retry'), JSON.stringify(events.filter((e) => e.type === 'retry')));
    const batches = events.flatMap((e) => (e.type === 'batch' ? [e.keys] : []));
    assert.deepEqual(batches.slice(-2), [1, 1], `the last MIGRATEs carry one big key each: ${batches.join(',')}`);
    const t = cluster.client(cluster.masters[2]!);
    assert.equal(Number(await t.hlen(hash)), HASH_FIELDS);
    assert.equal(Number(await t.call('CLUSTER', 'COUNTKEYSINSLOT', 100)), 21);
  });
});
