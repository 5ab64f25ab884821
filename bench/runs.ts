/** Shared pieces of the migration benchmarks: timing a tool run beside the concurrent client, and the ratio lines. */
import { performance } from 'node:perf_hooks';
import { loadTopology } from '../src/engine';
import { stopAllNodes, type TestCluster } from '../test/helpers/redisCluster';
import { formatStats, type ClientStats, type LoadClient } from './client';

export interface Row {
  readonly name: string;
  readonly secs: number;
  readonly keys: number;
  readonly st: ClientStats;
}

export async function masters(cluster: TestCluster) {
  const t = await loadTopology(cluster.entry.host, cluster.entry.port);
  return t.nodes.filter((n) => n.role === 'master');
}

/** Runs one tool with the client's samples reset before; prints and returns its row. */
export async function timed(
  name: string,
  client: LoadClient,
  run: () => Promise<{ code: number; stdout: string; stderr: string }>,
  keysMoved: () => Promise<number>,
): Promise<Row> {
  client.reset();
  const t0 = performance.now();
  const res = await run();
  const secs = (performance.now() - t0) / 1000;
  const st = client.stats();
  if (res.code !== 0) throw new Error(`${name} failed (${res.code}):\n${res.stdout.slice(-2000)}\n${res.stderr}`);
  const keys = await keysMoved();
  const row = { name, secs, keys, st };
  // RCM_PROFILE=1: rcm prints its round trips and time per phase on stderr (exec/profile.ts).
  const profile = res.stderr.split('\n').filter((l) => l.startsWith('rcm: profile'));
  if (profile.length > 0) console.log(profile.map((l) => `  ${l}`).join('\n'));
  console.log(
    `${name.padEnd(40)} ${secs.toFixed(2).padStart(7)} s ${String(keys).padStart(8)} keys ${Math.round(keys / secs)
      .toString()
      .padStart(7)} keys/s  ${formatStats(st)}`,
  );
  return row;
}

/** The first row is redis-cli's; every other row against it. */
export function ratios(rows: readonly Row[]): void {
  const [cli, ...ours] = rows;
  for (const r of ours) {
    const speed = r.keys / r.secs / (cli!.keys / cli!.secs);
    console.log(
      `  ${r.name.padEnd(38)} keys/s ${speed.toFixed(2)}x redis-cli's; client p99 ${(r.st.p99 / cli!.st.p99).toFixed(2)}x, p50 ${(r.st.p50 / cli!.st.p50).toFixed(2)}x, max ${(r.st.max / cli!.st.max).toFixed(2)}x redis-cli's`,
    );
  }
}

/** Stops every redis-server this process started on Ctrl-C / kill too (the nodes are daemons: they outlive us otherwise). */
export function stopNodesOnSignals(): void {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      console.error(`\n${sig}: stopping the benchmark's redis-servers…`);
      void stopAllNodes().finally(() => process.exit(130));
    });
  }
}
