/** The benchmarks' concurrent client: an ioredis Cluster doing SET/GET in a loop, recording each pair's latency. */
import { performance } from 'node:perf_hooks';
import { Cluster } from 'ioredis';
import type { TestCluster } from '../test/helpers/redisCluster';

export interface ClientStats {
  readonly ops: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
}

export interface LoadClient {
  reset(): void;
  stats(): ClientStats;
  stop(): Promise<void>;
}

/** `keys`: how many `key:N` keys exist (the GETs read them). */
export function loadClient(cluster: TestCluster, keys: number): LoadClient {
  const client = new Cluster([{ host: cluster.entry.host, port: cluster.entry.port }], { maxRedirections: 64 });
  let samples: number[] = [];
  let errors = 0;
  let running = true;
  const loop = (async () => {
    let i = 0;
    while (running) {
      const t0 = performance.now();
      try {
        await client.set(`bench:client:${i % 10000}`, 'x');
        await client.get(`key:${(i * 7919) % keys}`);
      } catch {
        errors++;
      }
      samples.push(performance.now() - t0);
      i++;
    }
  })();
  return {
    reset: () => {
      samples = [];
      errors = 0;
    },
    stats: () => {
      const s = [...samples].sort((a, b) => a - b);
      const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
      return { ops: s.length, p50: q(0.5), p99: q(0.99), max: s[s.length - 1] ?? NaN, errors };
    },
    stop: async () => {
      running = false;
      await loop;
      await client.quit();
    },
  };
}

export function formatStats(st: ClientStats): string {
  return `client p50 ${st.p50.toFixed(2)} ms p99 ${st.p99.toFixed(2)} ms max ${st.max.toFixed(1)} ms (${st.ops} ops, ${st.errors} errors)`;
}
