/**
 * A master that gives away its last slot becomes a replica of the master that
 * took it (Redis 7+: CLUSTER SETSLOT … NODE on a master left without slots,
 * with cluster-allow-replica-migration yes, the default). The plan tells
 * before a run which masters will be emptied; two topologies tell after it
 * which masters turned into replicas, and the slots a run moved which masters
 * it emptied. Pure.
 */
import type { MovePlan, Topology } from '../../engine';
import type { NodeView } from '../../shared/protocol';

export interface Emptied {
  readonly nodeId: string;
  readonly addr: string;
  /** The master receiving its last slot: the one it will replicate. */
  readonly newMasterAddr: string;
}

/** Masters the plan leaves without slots. */
export function emptiedByPlan(plan: MovePlan): Emptied[] {
  const addr = (id: string): string => {
    const n = plan.nodes.find((x) => x.id === id);
    return n ? `${n.host}:${n.port}` : id.slice(0, 8);
  };
  return plan.nodes
    .filter((n) => n.slotsBefore > 0 && n.slotsAfter === 0)
    .map((n) => {
      const last = [...plan.moves].reverse().find((m) => m.sourceId === n.id);
      return { nodeId: n.id, addr: addr(n.id), newMasterAddr: last ? addr(last.targetId) : '?' };
    });
}

export interface Demoted {
  readonly nodeId: string;
  readonly addr: string;
  readonly masterId: string | null;
  readonly masterAddr?: string;
}

/** Of the nodes `ids`, those that are replicas in `after`, with their new master. */
export function replicasAmong(ids: readonly string[], after: Topology): Demoted[] {
  const out: Demoted[] = [];
  for (const id of ids) {
    const n = after.nodes.find((x) => x.id === id);
    if (!n || n.role !== 'replica') continue;
    const m = after.nodes.find((x) => x.id === n.masterId);
    out.push({ nodeId: n.id, addr: `${n.host}:${n.port}`, masterId: n.masterId, ...(m ? { masterAddr: `${m.host}:${m.port}` } : {}) });
  }
  return out;
}

/** Nodes that were masters owning slots in `before` and are replicas in `after`. */
export function demotedMasters(before: Topology | undefined, after: Topology): Demoted[] {
  if (!before) return [];
  return replicasAmong(
    before.nodes.filter((b) => b.role === 'master' && b.slotCount > 0).map((b) => b.id),
    after,
  );
}

/** Masters of a plan view that owned slots and gave every one of them away in the run (`doneSlots`). */
export function drainedByRun(nodes: readonly Pick<NodeView, 'id' | 'slots' | 'slotCount'>[], doneSlots: readonly number[]): string[] {
  const done = new Set(doneSlots);
  return nodes
    .filter(
      (n) =>
        n.slotCount > 0 &&
        n.slots.every((r) => {
          for (let s = r.start; s <= r.end; s++) if (!done.has(s)) return false;
          return true;
        }),
    )
    .map((n) => n.id);
}
