/**
 * Orphan keys: keys a master holds in slots it neither owns nor imports. No
 * client is ever sent there, so they are lost to clients while still taking
 * memory (a move that failed half-way, a fix that moved ownership away, a
 * node that came back with old data). An rcm finding redis-cli does not have.
 * Pure: from topology.foreignKeys (counted by the loader).
 */
import type { Topology } from '../model/types';
import { nodeRef, type NodeRef } from './check';

export interface OrphanFinding {
  readonly node: NodeRef;
  /** All of them, the unplaced included. */
  readonly keys: number;
  readonly slots: readonly number[];
  /** Of `keys`, those the server places in no slot (topology.unplacedKeys: Redis 8); none when absent. */
  readonly unplaced?: number;
}

export function findOrphans(topology: Topology): OrphanFinding[] {
  const out: OrphanFinding[] = [];
  for (const n of topology.nodes) {
    if (n.role !== 'master') continue;
    const importing = new Set(n.importing.map((o) => o.slot));
    const mine = (topology.foreignKeys ?? []).filter((f) => f.nodeId === n.id && f.keys > 0 && !importing.has(f.slot));
    const unplaced = (topology.unplacedKeys ?? []).filter((u) => u.nodeId === n.id).reduce((a, u) => a + u.keys, 0);
    if (mine.length > 0 || unplaced > 0)
      out.push({ node: nodeRef(n), keys: mine.reduce((a, f) => a + f.keys, unplaced), slots: mine.map((f) => f.slot), unplaced });
  }
  return out;
}
