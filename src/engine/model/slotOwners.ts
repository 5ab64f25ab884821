/** For every slot, the first master (in list order) that claims it, as redis-cli's import builds it. Pure. */
import { SLOT_COUNT } from './slots';
import type { ClusterNode, Topology } from './types';

export interface SlotOwnerTable<T> {
  /** Per slot: the owner's target, or undefined. */
  readonly owner: readonly (T | undefined)[];
  /** One target per master with slots, in list order. */
  readonly targets: readonly T[];
}

/** `make` builds a master's target (undefined: the master is left out, e.g. no connection to it). */
export function slotOwnerTable<T>(topology: Topology, make: (master: ClusterNode) => T | undefined): SlotOwnerTable<T> {
  const owner: (T | undefined)[] = new Array(SLOT_COUNT);
  const targets: T[] = [];
  for (const n of topology.nodes) {
    if (n.role !== 'master' || n.slotCount === 0) continue;
    const t = make(n);
    if (t === undefined) continue;
    targets.push(t);
    for (const r of n.slots) for (let s = r.start; s <= r.end; s++) owner[s] ??= t;
  }
  return { owner, targets };
}
