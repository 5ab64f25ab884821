/**
 * Per-slot load from CLUSTER SLOT-STATS (Redis 8.x, Valkey 9.x, with
 * cluster-slot-stats-enabled yes: CPU and network measured) on the servers
 * built into ~/.cache/rcm-servers (skipped when absent). Traffic goes to 300
 * slots of one master; the collector finds them by CPU, `rcm hot-slots --by
 * cpu` lists them, and `rcm rebalance --cluster-balance-by cpu` moves load
 * off that master with verified moves (on Redis 8.6 through its atomic
 * migration, on Valkey 9 through CLUSTER MIGRATESLOTS).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { collectSlotLoad, hotSlots, loadTopology, openCluster, type SlotLoadReport } from '../../src/engine';
import { createCluster, keySlot, slotOwners, stopAllNodes, type TestCluster } from '../helpers/redisCluster';
import { runRcm } from '../helpers/rcm';

after(() => stopAllNodes());

const SERVERS = [
  { name: 'Redis 8', binary: join(homedir(), '.cache/rcm-servers/redis8/bin/redis-server') },
  { name: 'Valkey 9', binary: join(homedir(), '.cache/rcm-servers/valkey9/bin/valkey-server') },
];
const HOT_SLOTS = 300;

async function collect(cluster: TestCluster): Promise<SlotLoadReport> {
  const session = await openCluster(cluster.entry.host, cluster.entry.port);
  try {
    return await collectSlotLoad(session.topology, session.clients);
  } finally {
    session.close();
  }
}

/** One list in each of slots 0..HOT_SLOTS-1 (master 0's), sorted 300 times each; a few keys everywhere else. */
async function skewedTraffic(cluster: TestCluster): Promise<void> {
  const owners = await slotOwners(cluster);
  const hot = new Map<number, string>();
  const background: [number, string][] = [];
  for (let n = 0; hot.size < HOT_SLOTS || background.length < 3000; n++) {
    const key = `k:${n}`;
    const slot = keySlot(key);
    if (slot < HOT_SLOTS) {
      if (!hot.has(slot)) hot.set(slot, key);
    } else if (background.length < 3000) background.push([slot, key]);
  }
  const byMaster = new Map<number, string[]>();
  for (const [slot, key] of background) {
    const i = cluster.masters.indexOf(owners[slot]!);
    byMaster.set(i, [...(byMaster.get(i) ?? []), key]);
  }
  await Promise.all(
    [...byMaster].map(async ([i, keys]) => {
      const p = cluster.client(cluster.masters[i]!).pipeline();
      for (const k of keys) p.set(k, 'v');
      await p.exec();
    }),
  );
  const c = cluster.client(cluster.masters[0]!);
  // CPU-heavy, small replies: SORT of a 100-number list, 300 times per hot slot.
  const numbers = Array.from({ length: 100 }, (_, i) => String((i * 7919) % 1000));
  const p = c.pipeline();
  for (const key of hot.values()) p.rpush(key, ...numbers);
  await p.exec();
  for (let round = 0; round < 300; round++) {
    const q = c.pipeline();
    for (const key of hot.values()) q.sort(key, 'LIMIT', 0, 1);
    await q.exec();
  }
}

for (const server of SERVERS) {
  describe(`SLOT-STATS on ${server.name}`, { skip: existsSync(server.binary) ? false : `${server.binary} is not built` }, () => {
    let cluster: TestCluster;
    before(async () => {
      cluster = await createCluster({ masters: 3, binary: server.binary, extraConfig: ['cluster-slot-stats-enabled yes'] });
      await skewedTraffic(cluster);
    });
    after(() => cluster?.stop());

    test('the collector reads keys, CPU and network from SLOT-STATS and finds the hot slots', async () => {
      const report = await collect(cluster);
      assert.equal(report.hasCpu, true);
      assert.ok(report.masters.every((m) => m.method === 'slot-stats'));
      const t = await loadTopology(cluster.entry.host, cluster.entry.port);
      for (const m of report.masters) assert.equal(m.keys, t.nodes.find((n) => n.id === m.id)!.dbsize, 'keys per master = DBSIZE');
      const s = report.slots[1]!;
      assert.equal(s.source.cpu, 'measured');
      assert.equal(s.source.net, 'measured');
      assert.ok((s.netIn ?? 0) > 0 && (s.netOut ?? 0) > 0, `slot 1 network in/out ${s.netIn}/${s.netOut}`);
      // CPU is measured time, so on a busy machine a background slot can show a spike (one preempted SET);
      // nearly all of the top 50 are hot ones.
      const top = hotSlots(report, 'cpu', 50);
      assert.ok(top.filter((h) => h.slot < HOT_SLOTS).length >= 40, `the 50 slots with most CPU are hot ones: ${top.map((h) => h.slot).join(',')}`);
      const m0 = report.masters.find((m) => m.port === cluster.masters[0]!.port)!;
      const cpuTotal = report.masters.reduce((n, m) => n + (m.cpuUs ?? 0), 0);
      assert.ok((m0.cpuUs ?? 0) / cpuTotal > 0.7, `master 0 spent ${((100 * (m0.cpuUs ?? 0)) / cpuTotal).toFixed(1)}% of the CPU`);
    });

    test('rcm hot-slots --by cpu lists (mostly) hot slots of the busy master', async () => {
      const res = await runRcm(['hot-slots', cluster.entry.addr, '--by', 'cpu', '--top', '10', '--json']);
      assert.equal(res.code, 0, res.stderr);
      const json = JSON.parse(res.stdout) as { slots: { slot: number; owner: string }[] };
      assert.equal(json.slots.length, 10);
      assert.ok(json.slots.filter((s) => s.slot < HOT_SLOTS && s.owner === cluster.masters[0]!.addr).length >= 7, JSON.stringify(json.slots));
    });

    test('rebalance --cluster-balance-by cpu moves hot slots off the busy master, verified', async (t) => {
      const sim = await runRcm(['rebalance', cluster.entry.addr, '--cluster-balance-by', 'cpu', '--cluster-threshold', '5', '--cluster-simulate', '--json']);
      assert.equal(sim.code, 0, sim.stderr);
      type Plan = {
        kind: string;
        moves: { slot: number; sourceId: string; targetId: string }[];
        load: { withinThreshold: boolean; masters: { id: string; shareBefore: number; shareAfter: number }[] };
      };
      const plan = (JSON.parse(sim.stdout) as { plan: Plan }).plan;
      assert.equal(plan.kind, 'rebalance');
      assert.equal(plan.load.withinThreshold, true);
      const busy = await cluster.nodeId(cluster.masters[0]!);
      const busyShare = plan.load.masters.find((m) => m.id === busy)!;
      assert.ok(
        busyShare.shareBefore > 70 && busyShare.shareAfter < (100 / 3) * 1.05 + 1e-9,
        `busy master ${busyShare.shareBefore.toFixed(2)}% → ${busyShare.shareAfter.toFixed(2)}%`,
      );
      assert.ok(
        plan.moves.every((m) => m.sourceId === busy),
        'only the busy master gives',
      );
      assert.ok(plan.moves.filter((m) => m.slot < HOT_SLOTS).length >= plan.moves.length * 0.9, 'the moves are hot slots');
      const res = await runRcm([
        'rebalance',
        cluster.entry.addr,
        '--cluster-balance-by',
        'cpu',
        '--cluster-threshold',
        '5',
        '--plan-out',
        join(cluster.masters[0]!.dir, 'plan.json'),
      ]);
      assert.equal(res.code, 0, res.stderr);
      const run = await runRcm(['apply', join(cluster.masters[0]!.dir, 'plan.json'), '--cluster-yes', '--verbose'], { timeoutMs: 120_000 });
      assert.equal(run.code, 0, run.stdout.slice(-2000) + run.stderr);
      assert.match(run.stderr, /rcm: moved \d+ slots and \d+ keys .*key counts verified/);
      t.diagnostic(`${busyShare.shareBefore.toFixed(2)}% -> ${busyShare.shareAfter.toFixed(2)}% CPU planned; ${run.stderr.match(/rcm: moved .*/)?.[0] ?? ''}`);
      const owners = await slotOwners(cluster);
      const ids = await Promise.all(cluster.masters.map((m) => cluster.nodeId(m)));
      const applied = JSON.parse((await import('node:fs')).readFileSync(join(cluster.masters[0]!.dir, 'plan.json'), 'utf8')) as Plan;
      for (const m of applied.moves) assert.equal(ids[cluster.masters.indexOf(owners[m.slot]!)], m.targetId, `slot ${m.slot} moved`);
      const check = await runRcm(['check', cluster.entry.addr]);
      assert.equal(check.code, 0, check.stdout);
    });
  });
}
