/**
 * Orphan keys: keys a master holds in slots it neither owns nor imports. No
 * client is ever sent there, so they are lost to clients while still taking
 * memory (a move that failed half-way, a fix that moved ownership away, a
 * node that came back with old data). An rcm finding redis-cli does not have.
 * Pure: from topology.foreignKeys (counted by the loader).
 */
import { formatRangesPlain, rangesFromSlots } from '../model/slots';
import type { Topology } from '../model/types';
import { nodeRef, type NodeRef } from './check';
import { out, type OutputChunk } from '../render/output';

export interface OrphanFinding {
  readonly node: NodeRef;
  readonly keys: number;
  readonly slots: readonly number[];
}

export function findOrphans(topology: Topology): OrphanFinding[] {
  const out: OrphanFinding[] = [];
  for (const n of topology.nodes) {
    if (n.role !== 'master') continue;
    const importing = new Set(n.importing.map((o) => o.slot));
    const mine = (topology.foreignKeys ?? []).filter((f) => f.nodeId === n.id && f.keys > 0 && !importing.has(f.slot));
    if (mine.length > 0) out.push({ node: nodeRef(n), keys: mine.reduce((a, f) => a + f.keys, 0), slots: mine.map((f) => f.slot) });
  }
  return out;
}

/** One `[ERR]` line per node, on stdout after the check's own findings (none on a healthy cluster). */
export function renderOrphans(orphans: readonly OrphanFinding[]): OutputChunk[] {
  return orphans.map((o) => out(`[ERR] Node ${o.node.addr} holds ${o.keys} key(s) in ${o.slots.length} slot(s) it does not own (slots ${formatRangesPlain(rangesFromSlots(o.slots))}): no client can reach them.\n`, 'error'));
}
