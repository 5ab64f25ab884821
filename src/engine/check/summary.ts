/** The cluster summary printed by `info` and `check`. Pure. */
import { dialectOfTopology, type CliDialect } from '../model/dialect';
import type { Topology } from '../model/types';
import { isReplicaNode, nodeRef, type NodeRef } from './check';

export interface MasterSummary {
  readonly node: NodeRef;
  readonly keys: number | { readonly error: string };
  readonly slots: number;
  readonly replicas: number;
}

export interface ClusterSummary {
  readonly masters: readonly MasterSummary[];
  /** Set when every master answered DBSIZE. */
  readonly totalKeys?: number;
  /** float32(total) / 16384 in float32, as redis-cli computes it. */
  readonly keysPerSlot?: number;
  /**
   * Whose CLI's words the summary uses: 'valkey' when every master that said is Valkey (valkey-cli 9 prints
   * `N replicas.` / `keys in N primaries.`; redis-cli 7 and 8 print `slaves` / `masters`).
   */
  readonly dialect?: CliDialect;
}

export function summarizeCluster(topology: Topology): ClusterSummary {
  const masters: MasterSummary[] = [];
  let total = 0;
  let failed = false;
  for (const n of topology.nodes) {
    if (isReplicaNode(n) || !n.id) continue;
    const replicas = topology.nodes.filter((r) => r !== n && isReplicaNode(r) && r.masterId === n.id).length;
    masters.push({ node: nodeRef(n), keys: n.dbsize, slots: n.slotCount, replicas });
    if (typeof n.dbsize === 'number') total += n.dbsize;
    else failed = true;
  }
  const dialect = dialectOfTopology(topology);
  if (failed) return { masters, dialect };
  const f = Math.fround;
  return { masters, totalKeys: total, keysPerSlot: f(f(total) / 16384), dialect };
}
