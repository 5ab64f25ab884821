/**
 * Benchmark (not a test): rebalance at scale, redis-cli and rcm side by side in
 * one run on the same 50+50 cluster, with a concurrent ioredis Cluster client
 * doing SET/GET in a loop (its p50/p99/max per run).
 *   in:  `rebalance --cluster-weight A=W`: the 49 other masters each give A a share,
 *        W chosen so that about BENCH_SLOTS slots move (49 sources → 1 target)
 *   out: `rebalance` with equal weights: A gives them back (1 source → 49 targets)
 * Each tool runs in, then out, BENCH_RUNS times; the summary prints the medians and
 * how many times faster than redis-cli each rcm variant is.
 * Env: BENCH_MASTERS (50), BENCH_REPLICAS (1), BENCH_KEYS (500000), BENCH_VALUE (100 bytes),
 *      BENCH_SLOTS (2480), BENCH_RUNS (2), BENCH_PHASES ("in,out"),
 *      BENCH_NODE_TIMEOUT: the nodes' cluster-node-timeout, ms (15000, the servers' default; with the tests'
 *      2000 every node pings each of the 99 others at least once a second; the idle line prints what the
 *      servers use before anything moves),
 *      BENCH_VARIANTS: rcm option sets separated by ";" (default ";--fast"),
 *      BENCH_KIND: the servers, redis7 (default), redis8 or valkey9; the CLI beside rcm is that kind's own
 *      (redis-cli 8 moves keys with MIGRATE; rcm picks the server's atomic slot migration where it has one).
 * Every redis-server it started is stopped at the end, on failure and on Ctrl-C.
 * Run: npm run build && npx tsx bench/scale.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { SLOT_COUNT } from '../src/engine/model/slots';
import { createCluster, populate, runRedisCli, stopAllNodes, type ServerKind } from '../test/helpers/redisCluster';
import { runRcm } from '../test/helpers/rcm';
import { formatStats, loadClient, type LoadClient } from './client';
import { cpuMeter, masters, median, stopNodesOnSignals, timed, type Row } from './runs';

const MASTERS = Number(process.env.BENCH_MASTERS ?? 50);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const KEYS = Number(process.env.BENCH_KEYS ?? 500_000);
const VALUE = Number(process.env.BENCH_VALUE ?? 100);
const SLOTS = Number(process.env.BENCH_SLOTS ?? 2480);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const PHASES = (process.env.BENCH_PHASES ?? 'in,out').split(',');
const VARIANTS = (process.env.BENCH_VARIANTS ?? ';--fast').split(';').map((v) => v.split(' ').filter(Boolean));
const NODE_TIMEOUT = Number(process.env.BENCH_NODE_TIMEOUT ?? 15_000);
const KIND = (process.env.BENCH_KIND ?? 'redis7') as ServerKind;
/** The kind's own CLI: the reference every rcm run is compared with. */
const CLI = `${KIND === 'valkey9' ? 'valkey-cli' : 'redis-cli'} rebalance`;
const LONG = { timeoutMs: 3_600_000 };

/** The weight of one master (others 1) for which a rebalance moves about `slots` slots onto it. */
function weightFor(slots: number): number {
  const share = slots + SLOT_COUNT / MASTERS;
  return Number(((share * (MASTERS - 1)) / (SLOT_COUNT - share)).toFixed(3));
}

async function main(): Promise<void> {
  stopNodesOnSignals();
  const weight = weightFor(SLOTS);
  console.log(
    `${KIND}: ${MASTERS}+${MASTERS * REPLICAS} cluster, ${KEYS} keys of ${VALUE} bytes; cluster-node-timeout ${NODE_TIMEOUT} ms; rebalance in (weight ${weight} on one master, ~${SLOTS} slots from ${MASTERS - 1} sources) and out; ${RUNS} run(s) per tool; rcm variants: ${VARIANTS.map((v) => `[${v.join(' ') || 'default'}]`).join(' ')}`,
  );
  const t0 = performance.now();
  const cluster = await createCluster({ kind: KIND, masters: MASTERS, replicas: REPLICAS, nodeTimeout: NODE_TIMEOUT, timeoutMs: 180_000 });
  let client: LoadClient | undefined;
  try {
    await populate(cluster, KEYS, { valueSize: VALUE, batchSize: 5000 });
    console.log(`cluster up and loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    client = loadClient(cluster, KEYS);
    await new Promise((r) => setTimeout(r, 1000));
    client.reset();
    const idle = cpuMeter(cluster.nodes.map((n) => n.pid));
    await new Promise((r) => setTimeout(r, 3000));
    const idleCpu = idle.stop();
    console.log(`${'idle (nothing moving), 3 s'.padEnd(40)} ${formatStats(client.stats())}`);
    console.log(
      `  ${''.padEnd(38)} machine busy ${(idleCpu.machineBusy * 100).toFixed(0)}%; the servers (gossip and the client's commands): ${(idleCpu.serversMs / 3000).toFixed(2)} cores`,
    );
    const a = await cluster.nodeId(cluster.entry);
    const addr = cluster.entry.addr;

    const snapshot = async () => Object.fromEntries((await masters(cluster)).map((n) => [n.id, n.dbsize as number]));
    const run = async (name: string, tool: 'cli' | 'rcm', extra: string[], phase: string): Promise<Row> => {
      const args = ['rebalance', addr, ...(phase === 'in' ? ['--cluster-weight', `${a}=${weight}`] : [])];
      const before = await snapshot();
      const moved = async () => (await masters(cluster)).reduce((acc, n) => acc + Math.max(0, (before[n.id] ?? 0) - (n.dbsize as number)), 0);
      return timed(
        `${name} ${phase}`,
        client!,
        () => (tool === 'cli' ? runRedisCli(['--cluster', ...args, ...extra], { ...LONG, kind: KIND }) : runRcm([...args, ...extra], LONG)),
        moved,
        cluster.nodes.map((n) => n.pid),
      );
    };

    const tools: { name: string; tool: 'cli' | 'rcm'; extra: string[] }[] = [
      { name: CLI, tool: 'cli', extra: [] },
      // valkey-cli 9 can move slots with the server's atomic slot migration too (not its default).
      ...(KIND === 'valkey9' ? [{ name: 'valkey-cli atomic rebalance', tool: 'cli' as const, extra: ['--cluster-use-atomic-slot-migration'] }] : []),
      ...VARIANTS.map((v) => ({ name: `rcm rebalance ${v.join(' ') || '(default)'}`, tool: 'rcm' as const, extra: v })),
    ];
    const rows = new Map<string, Row[]>();
    // Rounds alternate the tools so that a change in the machine's load hits all of them.
    for (let r = 0; r < RUNS; r++) {
      for (const t of tools) {
        for (const phase of ['in', 'out']) {
          const row = await run(t.name, t.tool, t.extra, phase);
          if (!PHASES.includes(phase)) continue;
          const key = `${t.name} ${phase}`;
          rows.set(key, [...(rows.get(key) ?? []), row]);
        }
      }
    }

    console.log('\nmedians:');
    for (const phase of PHASES) {
      const cli = rows.get(`${CLI} ${phase}`)!;
      const cliSecs = median(cli.map((x) => x.secs));
      for (const t of tools) {
        const rs = rows.get(`${t.name} ${phase}`)!;
        const secs = median(rs.map((x) => x.secs));
        const p = (f: (x: Row) => number) => median(rs.map(f)).toFixed(2);
        console.log(
          `  ${`${t.name} ${phase}`.padEnd(40)} ${secs.toFixed(2).padStart(7)} s (${rs.map((x) => x.secs.toFixed(2)).join(', ')}) ${String(median(rs.map((x) => x.keys))).padStart(7)} keys  client p50 ${p((x) => x.st.p50)} p99 ${p((x) => x.st.p99)} max ${p((x) => x.st.max)} ms${t.name !== CLI ? `  => ${(cliSecs / secs).toFixed(1)}x faster than ${CLI}` : ''}`,
        );
      }
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
