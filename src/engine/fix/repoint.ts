/**
 * Open slots left by a run whose source or target failed over (issue #10
 * item 3): a marker `[slot-<-P]` / `[slot->-P]` naming a node P that is no
 * longer a master (a replica now, or gone). Redis never updates an importing
 * slot from gossip, so the importing node keeps P as the slot's owner and its
 * cluster state stays `fail` (every MIGRATE or DUMP there answers CLUSTERDOWN,
 * which made fix fail one slot per run). Each such marker is re-pointed to
 * the current master of P's shard (P's master if P came back as a replica;
 * for an importing slot, else the slot's served owner), after which fix's
 * open-slot cases run against live masters. Pure.
 */
import type { OpenSlot } from '../model/types';

export interface Repoint {
  readonly node: string;
  readonly slot: number;
  readonly kind: 'importing' | 'migrating';
  /** The node the marker named. */
  readonly from: string;
  /** The master it names now. */
  readonly to: string;
}

export function repointOpenSlots(
  masters: readonly { readonly id: string; readonly migrating: readonly OpenSlot[]; readonly importing: readonly OpenSlot[] }[],
  nodes: readonly { readonly id: string; readonly role: 'master' | 'replica'; readonly masterId: string | null }[],
  served: (slot: number) => string | undefined,
): Repoint[] {
  const live = new Set(masters.map((m) => m.id));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const shardMaster = (peer: string): string | undefined => {
    const n = byId.get(peer);
    return n && n.role === 'replica' && n.masterId !== null && live.has(n.masterId) ? n.masterId : undefined;
  };
  const out: Repoint[] = [];
  for (const m of masters) {
    for (const o of m.importing) {
      if (live.has(o.peerId)) continue;
      const to = shardMaster(o.peerId) ?? served(o.slot);
      if (to !== undefined && to !== m.id) out.push({ node: m.id, slot: o.slot, kind: 'importing', from: o.peerId, to });
    }
    for (const o of m.migrating) {
      if (live.has(o.peerId)) continue;
      const to = shardMaster(o.peerId);
      if (to !== undefined && to !== m.id) out.push({ node: m.id, slot: o.slot, kind: 'migrating', from: o.peerId, to });
    }
  }
  return out;
}
