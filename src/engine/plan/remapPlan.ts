/**
 * A resumed plan against the live topology after a failover: each planned
 * node that is no longer a reachable master is replaced by the current master
 * of its shard — its own master if it came back as a replica, else whichever
 * of its replicas (recorded in the journal when the run started) is a master
 * now. Pure. validatePlan then decides, slot by slot, what is left to move.
 */
import type { MovePlan } from '../model/plan';
import type { Topology } from '../model/types';

/** Planned master id → the ids of its replicas when the run started. */
export type ShardMap = Readonly<Record<string, readonly string[]>>;

export interface RemappedPlan {
  readonly plan: MovePlan;
  /** Planned node → the master that now stands for it. */
  readonly remapped: readonly { readonly from: string; readonly to: string }[];
}

/** The replicas of each master, as recorded at the start of a run. Pure. */
export function shardsOf(topology: Topology): Record<string, string[]> {
  const shards: Record<string, string[]> = {};
  for (const n of topology.nodes) if (n.role === 'master') shards[n.id] = [];
  for (const n of topology.nodes) if (n.role !== 'master' && n.masterId && shards[n.masterId]) shards[n.masterId]!.push(n.id);
  return shards;
}

export function remapPlan(plan: MovePlan, topology: Topology, shards: ShardMap = {}): RemappedPlan {
  const byId = new Map(topology.nodes.map((n) => [n.id, n]));
  const liveMaster = (id: string | null | undefined): string | undefined => (id && byId.get(id)?.role === 'master' ? id : undefined);
  const viaReplicaOf = (id: string): string | undefined => {
    const n = byId.get(id);
    return n && n.role !== 'master' ? liveMaster(n.masterId) : undefined;
  };
  const cache = new Map<string, string>();
  const map = (id: string): string => {
    const hit = cache.get(id);
    if (hit) return hit;
    let to = liveMaster(id) ?? viaReplicaOf(id);
    for (const r of shards[id] ?? []) to ??= liveMaster(r) ?? viaReplicaOf(r);
    cache.set(id, to ?? id);
    return to ?? id;
  };
  const moves = plan.moves.map((m) => ({ slot: m.slot, sourceId: map(m.sourceId), targetId: map(m.targetId) }));
  const remapped = [...cache].filter(([from, to]) => from !== to).map(([from, to]) => ({ from, to }));
  if (remapped.length === 0) return { plan, remapped };
  const groups = plan.groups.map((g) => ({ ...g, sourceId: map(g.sourceId), targetId: map(g.targetId) }));
  // A move whose two ends now stand for the same master has nothing left to do.
  const left = moves.filter((m) => m.sourceId !== m.targetId);
  return { plan: { ...plan, moves: left, groups, totalSlots: left.length }, remapped };
}
