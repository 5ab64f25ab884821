/**
 * Per-slot load on a real Redis 7.0 cluster (COUNTKEYSINSLOT + sampled MEMORY
 * USAGE; 7.0 has no CLUSTER SLOT-STATS): one master carries ~70% of the keys
 * while every master has the same number of slots, with three hot slots.
 * The collector finds them, `rcm hot-slots` lists them, and `rcm rebalance
 * --cluster-balance-by keys` brings every master within the threshold with
 * verified moves; the shares it predicts are the ones measured afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collectSlotLoad, hotSlots, loadTopology, openCluster, type SlotLoadReport } from '../../src/engine';
import { createCluster, keyInSlot, keySlot, redisCliCheck, slotOwners, stopAllNodes, type TestCluster } from '../helpers/redisCluster';
import { runRcm } from '../helpers/rcm';

after(() => stopAllNodes());

const HOT = [100, 200, 300];
const HOT_KEYS = 400;

async function collect(cluster: TestCluster): Promise<SlotLoadReport> {
  const session = await openCluster(cluster.entry.host, cluster.entry.port);
  try {
    return await collectSlotLoad(session.topology, session.clients, { budgetMs: 10_000 });
  } finally {
    session.close();
  }
}

/** Writes `quota[i]` small keys into master i's slots (master 0: only slots < 1000), plus HOT_KEYS 2 KB values in each hot slot. */
async function skewedData(cluster: TestCluster, quota: number[]): Promise<void> {
  const owners = await slotOwners(cluster);
  const left = [...quota];
  const batches = new Map<number, [string, string][]>(cluster.masters.map((_, i) => [i, []]));
  for (let n = 0; left.some((q) => q > 0); n++) {
    const key = `k:${n}`;
    const slot = keySlot(key);
    const i = cluster.masters.indexOf(owners[slot]!);
    if (left[i]! <= 0 || (i === 0 && slot >= 1000)) continue;
    left[i]!--;
    batches.get(i)!.push([key, `v:${n}`]);
  }
  for (const slot of HOT) {
    const tag = keyInSlot(slot, 'hot');
    const i = cluster.masters.indexOf(owners[slot]!);
    for (let k = 0; k < HOT_KEYS; k++) batches.get(i)!.push([`{${tag}}:${k}`, 'x'.repeat(2000)]);
  }
  await Promise.all(
    [...batches].map(async ([i, kv]) => {
      const client = cluster.client(cluster.masters[i]!);
      for (let at = 0; at < kv.length; at += 1000) {
        const p = client.pipeline();
        for (const [k, v] of kv.slice(at, at + 1000)) p.set(k, v);
        await p.exec();
      }
    }),
  );
}

/** `host:port keys A% -> B% …` lines → addr → [before, after]. */
function shareLines(text: string): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const m of text.matchAll(/^(\S+) keys ([\d.]+)% -> ([\d.]+)% \(target [\d.]+%\), \d+ -> \d+ slots$/gm)) out.set(m[1]!, [m[2]!, m[3]!]);
  return out;
}

describe('balance by load on Redis 7.0 (counts and sampling)', () => {
  let cluster: TestCluster;
  const total = 14_000 + 3_000 + 3_000 + HOT.length * HOT_KEYS;
  before(async () => {
    cluster = await createCluster({ masters: 3 });
    await skewedData(cluster, [14_000, 3_000, 3_000]);
  });
  after(() => cluster.stop());

  test('the collector counts every key exactly, samples memory, and finds the hot slots', async () => {
    const report = await collect(cluster);
    assert.equal(report.complete, true);
    assert.equal(report.hasCpu, false);
    assert.equal(report.slots.length, 16384);
    assert.equal(
      report.masters.reduce((n, m) => n + m.keys, 0),
      total,
    );
    const t = await loadTopology(cluster.entry.host, cluster.entry.port);
    for (const m of report.masters) {
      assert.equal(m.method, 'count-and-sample');
      assert.equal(m.keys, t.nodes.find((n) => n.id === m.id)!.dbsize, 'keys per master = DBSIZE');
    }
    const m0 = report.masters.find((m) => m.port === cluster.masters[0]!.port)!;
    assert.ok(m0.keys / total > 0.69, `master 0 carries ${((100 * m0.keys) / total).toFixed(1)}% of the keys`);
    assert.deepEqual(
      hotSlots(report, 'keys', 3)
        .map((h) => h.slot)
        .sort((a, b) => a - b),
      HOT,
    );
    const byMemory = hotSlots(report, 'memory', 3);
    assert.deepEqual(
      byMemory.map((h) => h.slot).sort((a, b) => a - b),
      HOT,
    );
    for (const h of byMemory) {
      const s = report.slots[h.slot]!;
      assert.equal(s.source.memory, 'sampled');
      assert.ok(s.memory > HOT_KEYS * 2000 && s.memory < HOT_KEYS * 4000, `slot ${h.slot}: ${s.memory} bytes for ${HOT_KEYS} values of 2000 bytes`);
    }
    // A tiny budget still gives complete key counts; memory then is partly estimated.
    const session = await openCluster(cluster.entry.host, cluster.entry.port);
    try {
      const quick = await collectSlotLoad(session.topology, session.clients, { budgetMs: 0 });
      assert.equal(quick.complete, false);
      assert.equal(
        quick.masters.reduce((n, m) => n + m.keys, 0),
        total,
      );
      assert.ok(quick.slots.some((s) => s.source.memory === 'estimated'));
    } finally {
      session.close();
    }
  });

  test('rcm hot-slots lists the hot slots with their owner and share', async () => {
    const res = await runRcm(['hot-slots', cluster.entry.addr, '--by', 'keys', '--top', '3', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const json = JSON.parse(res.stdout) as { slots: { slot: number; owner: string; value: number; shareOfOwner: number }[] };
    // Each hot slot holds its 400 keys plus the few small ones that hash there.
    assert.deepEqual(
      json.slots.map((s) => s.slot).sort((a, b) => a - b),
      HOT,
    );
    for (const s of json.slots) {
      assert.equal(s.owner, cluster.masters[0]!.addr);
      assert.ok(s.value >= HOT_KEYS && s.value < HOT_KEYS + 60, `slot ${s.slot}: ${s.value} keys`);
      assert.ok(Math.abs(s.shareOfOwner - (100 * s.value) / (14_000 + HOT.length * HOT_KEYS)) < 1e-9);
    }
    const text = await runRcm(['hot-slots', cluster.entry.addr, '--top', '2']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^SLOT\s+OWNER\s+KEYS\s+OF OWNER\s+OF CLUSTER\n[123]00\s+127\.0\.0\.1:\d+\s+4\d\d keys\s+2\.\d\d%\s+1\.\d\d%\n[123]00 /);
    const bad = await runRcm(['hot-slots', cluster.entry.addr, '--by', 'cpu']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /CPU per slot is not measured on this cluster: it needs CLUSTER SLOT-STATS/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  });

  test('rebalance --cluster-balance-by keys: every master within the threshold, moves verified, predicted shares = measured', async (t) => {
    const slotsBefore = (await loadTopology(cluster.entry.host, cluster.entry.port)).nodes.map((n) => n.slotCount);
    const sim = await runRcm(['rebalance', cluster.entry.addr, '--cluster-balance-by', 'keys', '--cluster-simulate']);
    assert.equal(sim.code, 0, sim.stdout + sim.stderr);
    assert.match(sim.stdout, />>> Rebalancing keys across 3 nodes\. Total weight = 3\.00\n/);
    const predicted = shareLines(sim.stdout);
    assert.equal(predicted.size, 3);
    assert.deepEqual(
      (await loadTopology(cluster.entry.host, cluster.entry.port)).nodes.map((n) => n.slotCount),
      slotsBefore,
      'simulate moves nothing',
    );

    const res = await runRcm(['rebalance', cluster.entry.addr, '--cluster-balance-by', 'keys', '--verbose'], { timeoutMs: 120_000 });
    assert.equal(res.code, 0, res.stdout.slice(-3000) + res.stderr);
    assert.match(res.stderr, /rcm: moved \d+ slots and \d+ keys .*key counts verified/);
    t.diagnostic(`${sim.stdout.slice(sim.stdout.indexOf('>>> Rebalancing')).split('\n').slice(0, 4).join(' | ')} | ${res.stderr.match(/rcm: moved .*/)?.[0]}`);
    assert.deepEqual(shareLines(res.stdout), predicted, 'the run plans what the simulation showed');
    const after = await collect(cluster);
    assert.equal(
      after.masters.reduce((n, m) => n + m.keys, 0),
      total,
      'no key lost',
    );
    for (const m of after.masters) {
      const share = (100 * m.keys) / total;
      assert.ok(Math.abs(m.keys - total / 3) <= (total / 3) * 0.02, `${m.host}:${m.port} holds ${share.toFixed(2)}% of the keys`);
      assert.equal(share.toFixed(2), predicted.get(`${m.host}:${m.port}`)![1], 'measured share = predicted share');
    }
    assert.equal((await redisCliCheck(cluster.entry.addr)).code, 0);
    // The three hot slots left the hot master.
    const owners = await slotOwners(cluster);
    assert.ok(
      HOT.some((s) => owners[s] !== cluster.masters[0]),
      'hot slots moved first',
    );
    const again = await runRcm(['rebalance', cluster.entry.addr, '--cluster-balance-by', 'keys']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /\*\*\* No rebalancing needed! All nodes are within the 2\.00% threshold of their keys share\.\n$/);
  });

  test('rebalance --cluster-balance-by memory --cluster-simulate --json: sampled memory shares, nothing moves', async () => {
    const before = JSON.stringify((await loadTopology(cluster.entry.host, cluster.entry.port)).nodes.map((n) => n.slots));
    const res = await runRcm(['rebalance', cluster.entry.addr, '--cluster-balance-by', 'memory', '--cluster-simulate', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const { plan } = JSON.parse(res.stdout) as {
      plan: { kind: string; load: { measure: string; total: number; masters: { shareBefore: number; shareAfter: number; targetShare: number }[] } };
    };
    assert.equal(plan.load.measure, 'memory');
    assert.equal(plan.load.masters.length, 3);
    // The three hot slots hold 400 values of 2000 bytes each, most of the memory. Memory is sampled (8 keys of a
    // slot, which may include some of its small keys), so the total is an estimate: at least 60% of those bytes.
    assert.ok(plan.load.total > 0.6 * HOT.length * HOT_KEYS * 2000, `total ${plan.load.total} bytes`);
    const sum = plan.load.masters.reduce((n, m) => n + m.shareAfter, 0);
    assert.ok(Math.abs(sum - 100) < 1e-6);
    assert.equal(JSON.stringify((await loadTopology(cluster.entry.host, cluster.entry.port)).nodes.map((n) => n.slots)), before);
  });

  test('bad --cluster-balance-by and cpu on Redis 7.0: one clear line, the cluster unchanged', async () => {
    const before = JSON.stringify((await loadTopology(cluster.entry.host, cluster.entry.port)).nodes.map((n) => n.slots));
    const bad = await runRcm(['rebalance', cluster.entry.addr, '--cluster-balance-by', 'ops']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--cluster-balance-by must be one of slots, keys, memory, cpu \(got "ops"\)/);
    const cpu = await runRcm(['rebalance', cluster.entry.addr, '--cluster-balance-by', 'cpu']);
    assert.equal(cpu.code, 1);
    assert.match(cpu.stdout + cpu.stderr, /CPU per slot is not measured on this cluster/);
    assert.doesNotMatch(cpu.stderr, /\n\s+at /);
    assert.equal(JSON.stringify((await loadTopology(cluster.entry.host, cluster.entry.port)).nodes.map((n) => n.slots)), before);
  });
});
