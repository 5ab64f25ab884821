/** Shared pieces of the migration benchmarks: timing a tool run beside the concurrent client, and the ratio lines. */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadTopology } from '../src/engine';
import { stopAllNodes, type TestCluster } from '../test/helpers/redisCluster';
import { formatStats, type ClientStats, type LoadClient } from './client';

export interface Row {
  readonly name: string;
  readonly secs: number;
  readonly keys: number;
  readonly st: ClientStats;
  /**
   * CPU spent during the run, ms: by the servers, by the tool (this process's children that ended meanwhile: the
   * tool's process), by this process (the concurrent client); and the machine's busy share of all its cores (0..1).
   */
  readonly cpu?: { readonly serversMs: number; readonly toolMs: number; readonly clientMs: number; readonly machineBusy: number };
}

/** Clock ticks per second of /proc (USER_HZ: 100 on Linux). */
const TICK_MS = 10;

/** Busy and total ticks of all cores (/proc/stat's first line). */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** /proc/PID/stat's fields after the command name (utime is [11], stime [12], cutime [13], cstime [14]); none for a process gone. */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of the processes, ticks (a process gone counts 0). */
function processTicks(pids: readonly number[]): number {
  let n = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) n += Number(f[11]) + Number(f[12]);
  }
  return n;
}

/** utime + stime of this process's children that ended and were waited for (execFile waits: the tool's run), ticks. */
function childTicks(): number {
  const f = statFields('self')!;
  return Number(f[13]) + Number(f[14]);
}

const ownCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Starts counting CPU: the servers' (by pid) and the machine's; `stop` returns what the run used. */
export function cpuMeter(pids: readonly number[]): { stop(): NonNullable<Row['cpu']> } {
  const m0 = machineTicks();
  const p0 = processTicks(pids);
  const c0 = childTicks();
  const o0 = ownCpuMs();
  return {
    stop() {
      const m1 = machineTicks();
      return {
        serversMs: (processTicks(pids) - p0) * TICK_MS,
        toolMs: (childTicks() - c0) * TICK_MS,
        clientMs: ownCpuMs() - o0,
        machineBusy: (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total),
      };
    },
  };
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
  /** The cluster's redis-server pids: their CPU time during the run is printed (per 1000 keys moved). */
  serverPids: readonly number[] = [],
): Promise<Row> {
  client.reset();
  const meter = cpuMeter(serverPids);
  const t0 = performance.now();
  const res = await run();
  const secs = (performance.now() - t0) / 1000;
  const cpu = meter.stop();
  const st = client.stats();
  if (res.code !== 0) throw new Error(`${name} failed (${res.code}):\n${res.stdout.slice(-2000)}\n${res.stderr}`);
  const keys = await keysMoved();
  const row = { name, secs, keys, st, cpu };
  // RCM_PROFILE=1: rcm prints its round trips and time per phase on stderr (exec/profile.ts).
  const profile = res.stderr.split('\n').filter((l) => l.startsWith('rcm: profile'));
  if (profile.length > 0) console.log(profile.map((l) => `  ${l}`).join('\n'));
  console.log(
    `${name.padEnd(40)} ${secs.toFixed(2).padStart(7)} s ${String(keys).padStart(8)} keys ${Math.round(keys / secs)
      .toString()
      .padStart(7)} keys/s  ${formatStats(st)}`,
  );
  // Whether the machine, not the tool, set the pace: its cores' busy share, and what the servers, the tool and the client spent per key.
  const perKey = (ms: number): string => (keys > 0 ? `${((ms * 1000) / keys).toFixed(1)} µs per key moved` : '-');
  console.log(
    `  ${''.padEnd(38)} machine busy ${(cpu.machineBusy * 100).toFixed(0)}% of ${cpus().length} cores; servers' CPU ${(cpu.serversMs / 1000).toFixed(2)} s (${perKey(cpu.serversMs)}); ` +
      `the tool's ${(cpu.toolMs / 1000).toFixed(2)} s (${perKey(cpu.toolMs)}); the client's ${(cpu.clientMs / 1000).toFixed(2)} s`,
  );
  return row;
}

/** The median (the mean of the middle two for an even count; NaN for none). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Each way's ratios against redis-cli: the first row is redis-cli's, every other row is against it. Rows of the same name (BENCH_ROUNDS > 1:
 * the tools interleaved, round after round) are pooled: keys over seconds, and the median of their p50,
 * p99 and max.
 */
export function ratios(rows: readonly Row[]): void {
  const byName = new Map<string, Row[]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const pooled = [...byName].map(([name, rs]) => ({
    name,
    runs: rs.length,
    rate: rs.reduce((a, r) => a + r.keys, 0) / rs.reduce((a, r) => a + r.secs, 0),
    p50: median(rs.map((r) => r.st.p50)),
    p99: median(rs.map((r) => r.st.p99)),
    max: median(rs.map((r) => r.st.max)),
  }));
  const [cli, ...ours] = pooled;
  const runs = (n: number): string => (n > 1 ? ` (${n} runs pooled)` : '');
  if (cli && cli.runs > 1) console.log(`  ${cli.name}${runs(cli.runs)}: ${Math.round(cli.rate)} keys/s, client p99 ${cli.p99.toFixed(2)} ms (median)`);
  for (const r of ours) {
    console.log(
      `  ${r.name.padEnd(38)} keys/s ${(r.rate / cli!.rate).toFixed(2)}x redis-cli's; client p99 ${(r.p99 / cli!.p99).toFixed(2)}x, p50 ${(r.p50 / cli!.p50).toFixed(2)}x, max ${(r.max / cli!.max).toFixed(2)}x redis-cli's${runs(r.runs)}`,
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
