/**
 * Benchmark (not a test): times `redis-cli --cluster check` beside `rcm check`
 * on the same real cluster and prints the ratios. Run: npm run bench:check
 * Options (env): BENCH_MASTERS (default 3), BENCH_REPLICAS (1), BENCH_KEYS (100000), BENCH_RUNS (15).
 */
import { performance } from 'node:perf_hooks';
import { createCluster, populate, runRedisCli, stopAllNodes } from '../test/helpers/redisCluster';
import { runRcm } from '../test/helpers/rcm';
import { runCheck } from '../src/engine';

const masters = Number(process.env.BENCH_MASTERS ?? 3);
const replicas = Number(process.env.BENCH_REPLICAS ?? 1);
const keys = Number(process.env.BENCH_KEYS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 15);

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  await fn(); // warm-up
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  console.log(`cluster: ${masters} masters + ${masters * replicas} replicas, ${keys} keys, ${runs} runs each`);
  const cluster = await createCluster({ masters, replicas });
  try {
    await populate(cluster, keys);
    const addr = cluster.entry.addr;
    const [host, port] = [cluster.entry.host, cluster.entry.port];
    const cli = await time(async () => {
      const r = await runRedisCli(['--cluster', 'check', addr]);
      if (r.code !== 0) throw new Error(`redis-cli check failed:\n${r.stdout}`);
    });
    const rcm = await time(async () => {
      const r = await runRcm(['check', addr]);
      if (r.code !== 0) throw new Error(`rcm check failed:\n${r.stdout}${r.stderr}`);
    });
    const engine = await time(async () => {
      const r = await runCheck(host, port);
      if (r.exitCode !== 0) throw new Error('engine check failed');
    });
    const mo = await time(async () => { await runRedisCli(['--cluster', 'check', addr, '--cluster-search-multiple-owners']); });
    const rmo = await time(async () => { await runCheck(host, port, { searchMultipleOwners: true }); });
    const row = (name: string, xs: number[], ref: number[]) =>
      console.log(`${name.padEnd(52)} median ${median(xs).toFixed(1).padStart(7)} ms   redis-cli/this = ${(median(ref) / median(xs)).toFixed(2)}x`);
    row('redis-cli --cluster check (process)', cli, cli);
    row('rcm check (node process, incl. ~40 ms node start)', rcm, cli);
    row('engine runCheck (in process: load + check)', engine, cli);
    row('redis-cli check --cluster-search-multiple-owners', mo, mo);
    row('engine runCheck searchMultipleOwners (pipelined)', rmo, mo);
  } finally {
    await cluster.stop();
    await stopAllNodes();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
