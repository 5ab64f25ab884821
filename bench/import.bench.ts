/**
 * Benchmark (not a test): redis-cli and rcm importing the same data from a
 * standalone server into the same 3-master cluster (with replicas), each
 * with its per-key output discarded (/dev/null), as a user would run them.
 *   1. fill the source, `redis-cli --cluster import` (move), verify, empty the cluster
 *   2. fill the source again, `rcm import` (move), verify
 *   3. fill again, `rcm import --cluster-copy`, verify
 * Prints keys/s for each and the ratio. Every key carries a TTL (kept by both).
 * Env: BENCH_KEYS (default 100000), BENCH_VALUE (value bytes, default 64),
 * BENCH_REPLICAS (per master, default 1), BENCH_MIN_RATIO (exit 1 below it, default off).
 * Run with `npm run bench:import` (builds dist/cli.js first).
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createCluster, startStandalone, stopAllNodes, type TestCluster } from '../test/helpers/redisCluster';
import { RCM_PATH } from '../test/helpers/rcm';

const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const VALUE = Number(process.env.BENCH_VALUE ?? 64);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
const MIN_RATIO = process.env.BENCH_MIN_RATIO ? Number(process.env.BENCH_MIN_RATIO) : undefined;

async function fill(source: Redis): Promise<void> {
  for (let start = 0; start < KEYS; start += 5000) {
    const p = source.pipeline();
    for (let i = start; i < Math.min(KEYS, start + 5000); i++) p.set(`bench:${i}`, `v${i}:`.padEnd(VALUE, 'x'), 'EX', 3600 + (i % 3600));
    await p.exec();
  }
}

async function clusterKeys(cluster: TestCluster): Promise<number> {
  let n = 0;
  for (const m of cluster.masters) n += Number(await cluster.client(m).dbsize());
  return n;
}

/** Runs a command with stdout discarded; resolves with its exit code and stderr. */
function run(cmd: string, args: readonly string[]): Promise<{ code: number; stderr: string; secs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TERM: 'dumb' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stderr, secs: (performance.now() - t0) / 1000 }));
  });
}

async function main(): Promise<void> {
  console.log(
    `import of ${KEYS} string keys (${VALUE}-byte values, all with a TTL) from a standalone server into a 3-master cluster with ${REPLICAS} replica(s) each`,
  );
  const cluster = await createCluster({ masters: 3, replicas: REPLICAS });
  const sourceNode = await startStandalone();
  const source = new Redis({ host: sourceNode.host, port: sourceNode.port });
  const results: Record<string, number> = {};
  try {
    const cases: [string, string, string[]][] = [
      ['redis-cli import', 'redis-cli', ['--cluster', 'import', cluster.entry.addr, '--cluster-from', sourceNode.addr]],
      ['rcm import', process.execPath, [RCM_PATH, 'import', cluster.entry.addr, '--cluster-from', sourceNode.addr]],
      ['rcm import --cluster-copy', process.execPath, [RCM_PATH, 'import', cluster.entry.addr, '--cluster-from', sourceNode.addr, '--cluster-copy']],
    ];
    for (const [name, cmd, args] of cases) {
      await Promise.all(cluster.masters.map((m) => cluster.client(m).flushall()));
      await source.flushall();
      await fill(source);
      const res = await run(cmd, args);
      if (res.code !== 0) throw new Error(`${name} exited ${res.code}:\n${res.stderr}`);
      const inCluster = await clusterKeys(cluster);
      const left = await source.dbsize();
      const expectLeft = name.includes('copy') ? KEYS : 0;
      if (inCluster !== KEYS || left !== expectLeft)
        throw new Error(`${name}: ${inCluster} keys in the cluster, ${left} in the source (expected ${KEYS} and ${expectLeft})`);
      results[name] = KEYS / res.secs;
      console.log(`${name.padEnd(28)} ${res.secs.toFixed(2).padStart(7)} s  ${Math.round(results[name]!).toString().padStart(8)} keys/s`);
    }
    const ratio = results['rcm import']! / results['redis-cli import']!;
    console.log(`rcm/redis-cli = ${ratio.toFixed(1)}x (move), ${(results['rcm import --cluster-copy']! / results['redis-cli import']!).toFixed(1)}x (copy)`);
    if (MIN_RATIO !== undefined && ratio < MIN_RATIO) {
      console.error(`ratio ${ratio.toFixed(2)} is below BENCH_MIN_RATIO=${MIN_RATIO}`);
      process.exitCode = 1;
    }
  } finally {
    source.disconnect();
    await cluster.stop();
    await stopAllNodes();
  }
}

main().catch(async (e) => {
  console.error(e);
  await stopAllNodes();
  process.exit(1);
});
