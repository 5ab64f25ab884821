/**
 * Benchmark (not a test): `redis-cli --cluster check|info` beside `rcm check|info`
 * as whole processes on the same real cluster (default 50 masters + 50 replicas),
 * hyperfine-like: a warm-up, then BENCH_RUNS runs of each, interleaved so that a
 * change in the machine's load hits both; prints medians and the ratio rcm/redis-cli
 * (the goal: ≤ 2x). Also the in-process engine time and a bare `node -e 0` start.
 * (--cluster-search-multiple-owners is left out: redis-cli sends COUNTKEYSINSLOT for
 * every slot to every master one by one, over 30 s a run on 50 masters.)
 * Run: npm run build && npm run bench:check
 * Options (env): BENCH_MASTERS (50), BENCH_REPLICAS (1), BENCH_KEYS (100000), BENCH_RUNS (21),
 * BENCH_NODE_TIMEOUT (the nodes' cluster-node-timeout, ms; default 2000, the tests' own: 100 nodes then ping
 * each other at least once a second and keep most of a 2-core machine busy; 15000 is the servers' default).
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createCluster, populate, runRedisCli, stopAllNodes } from '../test/helpers/redisCluster';
import { runRcm } from '../test/helpers/rcm';
import { runCheck } from '../src/engine';
import { median, stopNodesOnSignals } from './runs';

const masters = Number(process.env.BENCH_MASTERS ?? 50);
const replicas = Number(process.env.BENCH_REPLICAS ?? 1);
const keys = Number(process.env.BENCH_KEYS ?? 100_000);
const runs = Number(process.env.BENCH_RUNS ?? 21);
const nodeTimeout = Number(process.env.BENCH_NODE_TIMEOUT ?? 2000);

type Run = () => Promise<unknown>;

/** Times each function `runs` times, round-robin after one warm-up each; sorted durations per function, ms. */
async function interleaved(fns: readonly Run[]): Promise<number[][]> {
  for (const fn of fns) await fn();
  const out = fns.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [j, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      out[j]!.push(performance.now() - t0);
    }
  }
  return out.map((xs) => xs.sort((a, b) => a - b));
}

const nodeStart: Run = () =>
  new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', '0'], (err) => (err ? reject(err) : resolve(undefined)));
  });

async function main(): Promise<void> {
  stopNodesOnSignals();
  console.log(
    `cluster: ${masters} masters + ${masters * replicas} replicas, ${keys} keys, cluster-node-timeout ${nodeTimeout} ms, ${runs} runs each (interleaved)`,
  );
  const cluster = await createCluster({ masters, replicas, nodeTimeout, timeoutMs: 180_000 });
  try {
    await populate(cluster, keys, { batchSize: 5000 });
    const addr = cluster.entry.addr;
    const [host, port] = [cluster.entry.host, cluster.entry.port];
    const ok = (name: string, r: { code: number; stdout: string; stderr: string }) => {
      if (r.code !== 0) throw new Error(`${name} failed:\n${r.stdout}${r.stderr}`);
    };
    const [cliCheck, rcmCheck, cliInfo, rcmInfo, engine, bare] = await interleaved([
      async () => ok('redis-cli check', await runRedisCli(['--cluster', 'check', addr])),
      async () => ok('rcm check', await runRcm(['check', addr])),
      async () => ok('redis-cli info', await runRedisCli(['--cluster', 'info', addr])),
      async () => ok('rcm info', await runRcm(['info', addr])),
      async () => {
        if ((await runCheck({ host, port })).exitCode !== 0) throw new Error('engine check failed');
      },
      nodeStart,
    ]);
    const row = (name: string, xs: number[], ref?: number[]) =>
      console.log(
        `${name.padEnd(44)} median ${median(xs).toFixed(1).padStart(7)} ms  (min ${xs[0]!.toFixed(1)}, max ${xs[xs.length - 1]!.toFixed(1)})${ref ? `   ${(median(xs) / median(ref)).toFixed(2)}x redis-cli's time` : ''}`,
      );
    row('redis-cli --cluster check (process)', cliCheck!);
    row('rcm check (process)', rcmCheck!, cliCheck);
    row('redis-cli --cluster info (process)', cliInfo!);
    row('rcm info (process)', rcmInfo!, cliInfo);
    row('engine runCheck (in process: load + check)', engine!, cliCheck);
    row('node -e 0 (a bare node start)', bare!);
  } finally {
    await cluster.stop();
    await stopAllNodes();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
