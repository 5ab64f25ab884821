/** Bulk-loading keys straight into the owning masters (no cluster client). */

import { clusterNodesOf, type TestCluster } from './cluster';
import { SLOT_COUNT, keySlot } from './crc16';
import type { NodeHandle } from './registry';

export interface PopulateOptions {
  /** Key prefix (default 'key:'); keys are `${prefix}${i}` for i in 0..count-1. */
  prefix?: string;
  /** Give every key a TTL between 3600 and 7199 s (default false). */
  ttl?: boolean;
  /** SETs per pipeline (default 1000). */
  batchSize?: number;
  /** Pad every value to this many bytes (default: `value:${i}` as is). */
  valueSize?: number;
}

/** Slot → owning master, as the first live master sees it (undefined = uncovered). */
export async function slotOwners(cluster: TestCluster): Promise<(NodeHandle | undefined)[]> {
  const live = cluster.liveNodes();
  const viewer = cluster.masters.find((m) => live.includes(m));
  if (!viewer) throw new Error('slotOwners: no live master');
  const byAddr = new Map(cluster.nodes.map((n) => [n.addr, n]));
  const owners = new Array<NodeHandle | undefined>(SLOT_COUNT).fill(undefined);
  for (const line of await clusterNodesOf(cluster, viewer)) {
    if (!line.flags.includes('master')) continue;
    const handle = byAddr.get(line.addr);
    for (const token of line.slotTokens) {
      const [from, to] = token.split('-').map(Number) as [number, number | undefined];
      for (let s = from; s <= (to ?? from); s++) owners[s] = handle;
    }
  }
  return owners;
}

/** The master owning `slot` (throws if uncovered or owned by a foreign node). */
export async function slotOwner(cluster: TestCluster, slot: number): Promise<NodeHandle> {
  const owner = (await slotOwners(cluster))[slot];
  if (!owner) throw new Error(`slot ${slot} has no owner known to the harness`);
  return owner;
}

/**
 * Writes `count` string keys, each pipelined to the master owning its slot
 * in batches. Returns how many keys went to each master addr.
 */
export async function populate(cluster: TestCluster, count: number, opts: PopulateOptions = {}): Promise<Record<string, number>> {
  const prefix = opts.prefix ?? 'key:';
  const batchSize = opts.batchSize ?? 1000;
  const owners = await slotOwners(cluster);
  const perMaster = new Map<NodeHandle, number[]>();
  for (let i = 0; i < count; i++) {
    const slot = keySlot(prefix + i);
    const owner = owners[slot];
    if (!owner) throw new Error(`populate: slot ${slot} (key ${prefix}${i}) is not covered`);
    let list = perMaster.get(owner);
    if (!list) perMaster.set(owner, (list = []));
    list.push(i);
  }
  await Promise.all(
    [...perMaster].map(async ([master, indexes]) => {
      const client = cluster.client(master);
      const value = (i: number): string => (opts.valueSize ? `value:${i}:`.padEnd(opts.valueSize, 'x') : `value:${i}`);
      for (let start = 0; start < indexes.length; start += batchSize) {
        const pipeline = client.pipeline();
        for (const i of indexes.slice(start, start + batchSize)) {
          if (opts.ttl) pipeline.set(prefix + i, value(i), 'EX', 3600 + (i % 3600));
          else pipeline.set(prefix + i, value(i));
        }
        const results = (await pipeline.exec()) ?? [];
        const failed = results.find(([err]) => err);
        if (failed) throw new Error(`populate: SET on ${master.addr} failed: ${failed[0]!.message}`);
      }
    }),
  );
  const counts: Record<string, number> = {};
  for (const master of cluster.masters) counts[master.addr] = 0;
  for (const [master, indexes] of perMaster) counts[master.addr] = indexes.length;
  return counts;
}
