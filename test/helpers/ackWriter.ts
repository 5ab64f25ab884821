/**
 * A writer child process for fault trials: SETs of unique keys with unique
 * values through an ioredis Cluster client, recording each acknowledged write;
 * on SIGTERM it writes `{ acked, attempts, failures }` to its output file.
 * With `waitReplicas` > 0 a write counts as acknowledged only once WAIT says
 * that many replicas have it (what survives a master's kill -9: Redis
 * replicates asynchronously, so a master-only ack can be lost by the server
 * itself, whatever any tool does).
 *
 * Parent side: startAckWriter() spawns it; verifyAcked() reads every acked key
 * from the master that owns its slot now.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Cluster, Redis } from 'ioredis';
import { keySlot } from './crc16';

export interface WriterResult {
  readonly acked: readonly (readonly [string, string])[];
  readonly attempts: number;
  readonly failures: number;
}

export interface RunningWriter {
  /** Stops the writer (SIGTERM) and returns what it recorded. */
  stop(): Promise<WriterResult>;
}

const running = new Set<import('node:child_process').ChildProcess>();

/** SIGKILLs every writer this process started that is still running (after a failed trial). */
export function killWriters(): void {
  for (const c of running) c.kill('SIGKILL');
  running.clear();
}

/** Spawns the writer against `seeds` ('host:port'); resolves once it has its first acknowledged write. */
export async function startAckWriter(seeds: readonly string[], outFile: string, prefix: string, waitReplicas = 0): Promise<RunningWriter> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, outFile, prefix, String(waitReplicas), ...seeds], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the writer did not start writing within 20 s')), 20_000);
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the writer exited with ${code} before writing`));
    });
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`the writer exited with ${code}`);
      return JSON.parse(readFileSync(outFile, 'utf8')) as WriterResult;
    },
  };
}

/** Acked writes whose key is missing or holds another value, read from each slot's owner (no redirects). */
export async function verifyAcked(owners: (slot: number) => { host: string; port: number }, pairs: readonly (readonly [string, string])[]): Promise<string[]> {
  const byNode = new Map<string, (readonly [string, string])[]>();
  for (const p of pairs) {
    const o = owners(keySlot(p[0]));
    const k = `${o.host}:${o.port}`;
    let list = byNode.get(k);
    if (!list) byNode.set(k, (list = []));
    list.push(p);
  }
  const bad: string[] = [];
  await Promise.all(
    [...byNode].map(async ([addr, list]) => {
      const [host, port] = addr.split(':');
      const c = new Redis({ host, port: Number(port), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        for (let i = 0; i < list.length; i += 1000) {
          const chunk = list.slice(i, i + 1000);
          const values = await c.pipeline(chunk.map(([k]) => ['get', k])).exec();
          chunk.forEach(([k, v], j) => {
            const [err, got] = values![j]!;
            if (err || got !== v) bad.push(`${k} on ${addr}: ${err ? err.message : got === null ? 'missing' : `holds ${String(got)}`}`);
          });
        }
      } finally {
        c.disconnect();
      }
    }),
  );
  return bad;
}

async function child(outFile: string, prefix: string, waitReplicas: number, seeds: string[]): Promise<void> {
  const cluster = new Cluster(
    seeds.map((s) => ({ host: s.split(':')[0]!, port: Number(s.split(':')[1]) })),
    {
      maxRedirections: 32,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      retryDelayOnMoved: 20,
      slotsRefreshTimeout: 1000,
      clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
      redisOptions: { connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 2 },
    },
  );
  cluster.on('error', () => undefined);
  let stop = false;
  const acked: [string, string][] = [];
  let attempts = 0;
  let failures = 0;
  const finish = (): never => {
    writeFileSync(outFile, JSON.stringify({ acked, attempts, failures }));
    cluster.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => {
    stop = true;
    // Writes still in flight then were never acknowledged: they are not recorded.
    setTimeout(finish, 3000).unref();
  });
  const within = <T>(p: Promise<T>): Promise<T> =>
    Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000).unref())]);
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const key = `ack:${prefix}:${w}:${i}`;
      const value = `${prefix}/${w}/${i}/${process.hrtime.bigint()}`;
      attempts++;
      try {
        let ok: boolean;
        if (waitReplicas > 0) {
          const res = await within(cluster.pipeline().set(key, value).call('WAIT', String(waitReplicas), '1000').exec());
          ok = !!res && !res[0]![0] && res[0]![1] === 'OK' && !res[1]![0] && Number(res[1]![1]) >= waitReplicas;
        } else {
          ok = (await within(cluster.set(key, value))) === 'OK';
        }
        if (ok && acked.push([key, value]) === 1) process.stdout.write('ready\n');
        else failures++;
      } catch {
        failures++;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
  finish();
}

if (require.main === module) {
  const [outFile, prefix, waitReplicas, ...seeds] = process.argv.slice(2);
  void child(outFile!, prefix!, Number(waitReplicas), seeds);
}
