/**
 * Benchmark (not a test): redis-cli and rcm doing the same migration work on
 * the same 3+3 cluster, with a concurrent client measuring latency.
 *   1. reshard N slots A→B with redis-cli, then N slots B→A with rcm
 *   2. move 4000 slots to one master, rebalance with redis-cli; again, rebalance with rcm
 * Prints keys/s for each, the ratio, and the client's p50/p99 latency.
 * Env: BENCH_KEYS (default 1000000), BENCH_VALUE (100 bytes), BENCH_SLOTS (1000).
 */
import { performance } from 'node:perf_hooks';
import { loadTopology } from '../src/engine';
import { createCluster, populate, runRedisCli, stopAllNodes, type TestCluster } from '../test/helpers/redisCluster';
import { runRcm } from '../test/helpers/rcm';
import { loadClient, type LoadClient } from './client';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const VALUE = Number(process.env.BENCH_VALUE ?? 100);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 1000);
/** Extra rcm options to compare settings, e.g. BENCH_RCM_ARGS='--budget-ms 1'. */
const RCM_ARGS = (process.env.BENCH_RCM_ARGS ?? '').split(' ').filter(Boolean);

async function masters(cluster: TestCluster) {
  const t = await loadTopology(cluster.entry.host, cluster.entry.port);
  return t.nodes.filter((n) => n.role === 'master');
}

async function keysIn(cluster: TestCluster): Promise<number> {
  return (await masters(cluster)).reduce((a, n) => a + (n.dbsize as number), 0);
}

async function timed(
  name: string,
  cluster: TestCluster,
  client: LoadClient,
  run: () => Promise<{ code: number; stdout: string; stderr: string }>,
  keysMoved: () => Promise<number>,
) {
  client.reset();
  const t0 = performance.now();
  const res = await run();
  const secs = (performance.now() - t0) / 1000;
  if (res.code !== 0) throw new Error(`${name} failed (${res.code}):\n${res.stdout.slice(-2000)}\n${res.stderr}`);
  const moved = await keysMoved();
  const st = client.stats();
  const total = await keysIn(cluster);
  console.log(
    `${name.padEnd(28)} ${secs.toFixed(2).padStart(7)} s  ${String(moved).padStart(8)} keys  ${Math.round(moved / secs)
      .toString()
      .padStart(
        8,
      )} keys/s   client p50 ${st.p50.toFixed(2)} ms p99 ${st.p99.toFixed(2)} ms max ${st.max.toFixed(1)} ms errors ${st.errors}  (cluster keys ${total})`,
  );
  return moved / secs;
}

async function countKeysInSlots(cluster: TestCluster, nodeId: string, slots: number[]): Promise<number> {
  const handle = (await Promise.all(cluster.masters.map(async (m) => [m, await cluster.nodeId(m)] as const))).find(([, id]) => id === nodeId)![0];
  const p = cluster.client(handle).pipeline();
  for (const s of slots) p.call('CLUSTER', 'COUNTKEYSINSLOT', s);
  return ((await p.exec()) ?? []).reduce((a, [, v]) => a + Number(v), 0);
}

async function main(): Promise<void> {
  console.log(`3+3 cluster, ${KEYS} keys of ${VALUE} bytes; reshard ${SLOTS} slots; rebalance after moving 4000 slots to one master`);
  const cluster = await createCluster({ masters: 3, replicas: 1 });
  const client = loadClient(cluster, KEYS);
  try {
    const t0 = performance.now();
    await populate(cluster, KEYS, { valueSize: VALUE, batchSize: 5000 });
    console.log(`loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const [a, b] = await Promise.all(cluster.masters.slice(0, 2).map((m) => cluster.nodeId(m)));
    const firstSlots = async (id: string, n: number) => {
      const node = (await masters(cluster)).find((m) => m.id === id)!;
      const out: number[] = [];
      for (const r of node.slots) for (let s = r.start; s <= r.end && out.length < n; s++) out.push(s);
      return out;
    };
    let slotsA = await firstSlots(a!, SLOTS);
    const cli = await timed(
      'redis-cli reshard',
      cluster,
      client,
      () =>
        runRedisCli(['--cluster', 'reshard', cluster.entry.addr, '--cluster-from', a!, '--cluster-to', b!, '--cluster-slots', String(SLOTS), '--cluster-yes'], {
          timeoutMs: 3_600_000,
        }),
      () => countKeysInSlots(cluster, b!, slotsA),
    );
    slotsA = await firstSlots(b!, SLOTS);
    const ours = await timed(
      'rcm reshard',
      cluster,
      client,
      () =>
        runRcm(['reshard', cluster.entry.addr, '--cluster-from', b!, '--cluster-to', a!, '--cluster-slots', String(SLOTS), '--cluster-yes', ...RCM_ARGS], {
          timeoutMs: 3_600_000,
        }),
      () => countKeysInSlots(cluster, a!, slotsA),
    );
    console.log(`reshard: rcm/redis-cli = ${(ours / cli).toFixed(2)}x`);

    const unbalance = async () => {
      const r = await runRcm(['reshard', cluster.entry.addr, '--cluster-from', 'all', '--cluster-to', a!, '--cluster-slots', '4000', '--cluster-yes'], {
        timeoutMs: 3_600_000,
      });
      if (r.code !== 0) throw new Error(r.stderr);
    };
    const movedByRebalance = async (before: Record<string, number>) => {
      const after = await masters(cluster);
      return after.reduce((acc, n) => acc + Math.max(0, (before[n.id] ?? 0) - (n.dbsize as number)), 0);
    };
    const snapshot = async () => Object.fromEntries((await masters(cluster)).map((n) => [n.id, n.dbsize as number]));
    await unbalance();
    let before = await snapshot();
    const cliR = await timed(
      'redis-cli rebalance',
      cluster,
      client,
      () => runRedisCli(['--cluster', 'rebalance', cluster.entry.addr], { timeoutMs: 3_600_000 }),
      () => movedByRebalance(before),
    );
    await unbalance();
    before = await snapshot();
    const oursR = await timed(
      'rcm rebalance',
      cluster,
      client,
      () => runRcm(['rebalance', cluster.entry.addr, ...RCM_ARGS], { timeoutMs: 3_600_000 }),
      () => movedByRebalance(before),
    );
    console.log(`rebalance: rcm/redis-cli = ${(oursR / cliR).toFixed(2)}x`);
    console.log(`keys in the cluster at the end: ${await keysIn(cluster)} (expected ${KEYS} + client keys)`);
  } finally {
    await client.stop();
    await cluster.stop();
    await stopAllNodes();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
