/**
 * Stale views of a master before its config epoch rises. A node that bumps its epoch (fix's BUMPEPOCH) rises
 * above the masters it gave slots to; a node whose view still gives one of those slots to it (a replica the new
 * owner has not pinged yet, a master not yet told) then answers the new owner's claim with an UPDATE, and the new
 * owner gives the slot back and deletes its keys (Redis's dirty slots). So fix waits until no view gives the node
 * a slot it no longer claims itself before it bumps. Pure.
 */
import { SLOT_COUNT } from '../model/slots';
import type { ClusterNodesLine } from '../model/types';

/**
 * The slots some view in `views` (each node's CLUSTER NODES, parsed) gives to `nodeId` while its own view
 * (`own`, its myself line) does not, `except` the slot being fixed.
 */
export function staleSlotsOf(nodeId: string, own: ClusterNodesLine, views: readonly (readonly ClusterNodesLine[])[], except: number): number[] {
  const claimed = new Uint8Array(SLOT_COUNT);
  for (const r of own.slots) claimed.fill(1, r.start, r.end + 1);
  const stale = new Set<number>();
  for (const view of views) {
    const line = view.find((l) => l.id === nodeId);
    if (!line) continue;
    for (const r of line.slots) for (let s = r.start; s <= r.end; s++) if (!claimed[s] && s !== except) stale.add(s);
  }
  return [...stale].sort((a, b) => a - b);
}
