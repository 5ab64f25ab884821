/**
 * Server-side slot migrations still running on a cluster's masters (a Valkey 9 job or a Redis 8 task that a
 * killed rcm or another tool left behind): the job decides where its slots end up, and while it finalises
 * the nodes may briefly disagree about the configuration. fix waits for them before it reads the cluster.
 * A server without the commands (Redis 7) or a user refused them answers an error: that node runs none.
 */
import { redisTasksInProgress } from '../exec/atomicRedis';
import { valkeyJobsInProgress } from '../exec/atomicValkey';
import { clockSleep, type Clock } from '../exec/port';
import type { Topology } from '../model/types';
import type { NodeClient } from './connection';

const POLL_MS = 50;

async function busy(client: NodeClient): Promise<boolean> {
  const [valkey, redis] = await client.pipeline([
    ['CLUSTER', 'GETSLOTMIGRATIONS'],
    ['CLUSTER', 'MIGRATION', 'STATUS', 'ALL'],
  ]);
  return (valkey!.ok && valkeyJobsInProgress(valkey!.value)) || (redis!.ok && redisTasksInProgress(redis!.value));
}

/**
 * Waits until no master runs a slot migration job, up to `timeoutMs`. `seen`: some job was running when asked
 * first; `running`: the addresses of the masters still running one at the deadline.
 */
export async function waitServerJobs(
  topology: Topology,
  clients: ReadonlyMap<string, NodeClient>,
  clock: Clock,
  timeoutMs: number,
): Promise<{ seen: boolean; running: string[] }> {
  const masters = topology.nodes.filter((n) => n.role === 'master' && clients.has(n.id));
  const deadline = clock.now() + timeoutMs;
  let seen = false;
  for (;;) {
    const running = (await Promise.all(masters.map(async (m) => ((await busy(clients.get(m.id)!).catch(() => false)) ? `${m.host}:${m.port}` : null)))).filter(
      (a): a is string => a !== null,
    );
    seen ||= running.length > 0;
    if (running.length === 0 || clock.now() > deadline) return { seen, running };
    await clockSleep(clock, POLL_MS);
  }
}
