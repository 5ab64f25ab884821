/**
 * Benchmark (not a test): what a migration costs a concurrent client, redis-cli
 * and rcm side by side in one run on the same cluster. A concurrent ioredis
 * Cluster client does SET/GET in a loop; for each run it prints keys/s and the
 * client's p50/p99/max, then the ratios against redis-cli.
 *   reshard:   redis-cli moves BENCH_SLOTS slots A→B, then each rcm variant moves BENCH_SLOTS back and forth
 *   rebalance: before each run `rcm reshard --fast` piles BENCH_UNBALANCE slots from all masters onto A
 *              (not measured); then the tool rebalances
 * Env: BENCH_MASTERS (3), BENCH_REPLICAS (1), BENCH_KEYS (1000000), BENCH_VALUE (100 bytes),
 *      BENCH_SLOTS (2000), BENCH_UNBALANCE (4000), BENCH_PHASES ("reshard,rebalance"),
 *      BENCH_VARIANTS: rcm option sets separated by ";" (default ";--fast": the default pace, then --fast),
 *      BENCH_ROUNDS (1): rounds of redis-cli and every variant, interleaved; the ratios pool each tool's rounds.
 *      RCM_PROFILE=1: each rcm run's round trips and busy time per phase (exec/profile.ts) under its row.
 * Run: npm run build && npx tsx bench/latency.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { createCluster, populate, runRedisCli, stopAllNodes, type TestCluster } from '../test/helpers/redisCluster';
import { runRcm } from '../test/helpers/rcm';
import { formatStats, loadClient, type LoadClient } from './client';
import { masters, ratios, stopNodesOnSignals, timed, type Row } from './runs';

const MASTERS = Number(process.env.BENCH_MASTERS ?? 3);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const VALUE = Number(process.env.BENCH_VALUE ?? 100);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 2000);
const UNBALANCE = Number(process.env.BENCH_UNBALANCE ?? 4000);
const PHASES = (process.env.BENCH_PHASES ?? 'reshard,rebalance').split(',');
const VARIANTS = (process.env.BENCH_VARIANTS ?? ';--fast').split(';').map((v) => v.split(' ').filter(Boolean));
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const LONG = { timeoutMs: 3_600_000 };

async function ownedSlots(cluster: TestCluster, id: string, n: number): Promise<number[]> {
  const node = (await masters(cluster)).find((m) => m.id === id)!;
  const out: number[] = [];
  for (const r of node.slots) for (let s = r.start; s <= r.end && out.length < n; s++) out.push(s);
  return out;
}

async function keysInSlots(cluster: TestCluster, nodeId: string, slots: number[]): Promise<number> {
  const handle = (await Promise.all(cluster.masters.map(async (m) => [m, await cluster.nodeId(m)] as const))).find(([, id]) => id === nodeId)![0];
  const p = cluster.client(handle).pipeline();
  for (const s of slots) p.call('CLUSTER', 'COUNTKEYSINSLOT', s);
  return ((await p.exec()) ?? []).reduce((a, [, v]) => a + Number(v), 0);
}

async function main(): Promise<void> {
  stopNodesOnSignals();
  console.log(
    `${MASTERS}+${MASTERS * REPLICAS} cluster, ${KEYS} keys of ${VALUE} bytes; reshard ${SLOTS} slots; rebalance after piling ${UNBALANCE} slots on one master; rcm variants: ${VARIANTS.map((v) => `[${v.join(' ') || 'default'}]`).join(' ')}`,
  );
  const cluster = await createCluster({ masters: MASTERS, replicas: REPLICAS, timeoutMs: 120_000 });
  let client: LoadClient | undefined;
  try {
    const t0 = performance.now();
    await populate(cluster, KEYS, { valueSize: VALUE, batchSize: 5000 });
    console.log(`loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    client = loadClient(cluster, KEYS);
    await new Promise((r) => setTimeout(r, 1000));
    client.reset();
    await new Promise((r) => setTimeout(r, 3000));
    console.log(`${'idle (nothing moving), 3 s'.padEnd(40)} ${formatStats(client.stats())}`);
    const [a, b] = (await Promise.all(cluster.masters.slice(0, 2).map((m) => cluster.nodeId(m)))) as [string, string];
    const addr = cluster.entry.addr;

    if (PHASES.includes('reshard')) {
      const rows: Row[] = [];
      let [from, to] = [a, b];
      const reshard = async (name: string, tool: 'cli' | 'rcm', extra: string[]) => {
        const slots = await ownedSlots(cluster, from, SLOTS);
        const args = ['reshard', addr, '--cluster-from', from, '--cluster-to', to, '--cluster-slots', String(SLOTS), '--cluster-yes'];
        const target = to;
        rows.push(
          await timed(
            name,
            client!,
            () => (tool === 'cli' ? runRedisCli(['--cluster', ...args], LONG) : runRcm([...args, ...extra], LONG)),
            () => keysInSlots(cluster, target, slots),
            cluster.nodes.map((n) => n.pid),
          ),
        );
        [from, to] = [to, from];
      };
      for (let round = 0; round < ROUNDS; round++) {
        await reshard('redis-cli reshard', 'cli', []);
        for (const v of VARIANTS) await reshard(`rcm reshard ${v.join(' ') || '(default)'}`, 'rcm', v);
      }
      ratios(rows);
    }

    if (PHASES.includes('rebalance')) {
      const rows: Row[] = [];
      const unbalance = async () => {
        const r = await runRcm(
          ['reshard', addr, '--cluster-from', 'all', '--cluster-to', a, '--cluster-slots', String(UNBALANCE), '--cluster-yes', '--fast'],
          LONG,
        );
        if (r.code !== 0) throw new Error(r.stderr);
      };
      const snapshot = async () => Object.fromEntries((await masters(cluster)).map((n) => [n.id, n.dbsize as number]));
      const rebalance = async (name: string, tool: 'cli' | 'rcm', extra: string[]) => {
        await unbalance();
        const before = await snapshot();
        const moved = async () => (await masters(cluster)).reduce((acc, n) => acc + Math.max(0, (before[n.id] ?? 0) - (n.dbsize as number)), 0);
        rows.push(
          await timed(
            name,
            client!,
            () => (tool === 'cli' ? runRedisCli(['--cluster', 'rebalance', addr], LONG) : runRcm(['rebalance', addr, ...extra], LONG)),
            moved,
            cluster.nodes.map((n) => n.pid),
          ),
        );
      };
      for (let round = 0; round < ROUNDS; round++) {
        await rebalance('redis-cli rebalance', 'cli', []);
        for (const v of VARIANTS) await rebalance(`rcm rebalance ${v.join(' ') || '(default)'}`, 'rcm', v);
      }
      ratios(rows);
    }
    const total = (await masters(cluster)).reduce((acc, n) => acc + (n.dbsize as number), 0);
    console.log(`keys in the cluster at the end: ${total} (${KEYS} + up to 10000 client keys)`);
  } finally {
    await client?.stop();
    await cluster.stop();
    await stopAllNodes();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
