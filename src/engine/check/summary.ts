/** The cluster summary printed by `info` and `check`. Pure. */
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
  readonly dialect?: 'redis' | 'valkey';
}

/** 'valkey' when the masters are Valkey servers (INFO server_name / valkey_version). Pure. */
export function cliDialect(topology: Topology): 'redis' | 'valkey' {
  const names = topology.nodes.filter((n) => !isReplicaNode(n) && n.stats?.serverName !== undefined).map((n) => n.stats!.serverName);
  return names.length > 0 && names.every((s) => s === 'valkey') ? 'valkey' : 'redis';
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
  const dialect = cliDialect(topology);
  if (failed) return { masters, dialect };
  const f = Math.fround;
  return { masters, totalKeys: total, keysPerSlot: f(f(total) / 16384), dialect };
}
