/**
 * A master that gives away its last slot becomes a replica of the master that
 * took it (Redis 7+: CLUSTER SETSLOT … NODE on a master left without slots,
 * with cluster-allow-replica-migration yes, the default). The plan tells
 * before a run which masters will be emptied; two topologies tell after it
 * which masters turned into replicas. Pure.
 */
import type { MovePlan, Topology } from '../../engine';

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
  return plan.nodes.filter((n) => n.slotsBefore > 0 && n.slotsAfter === 0).map((n) => {
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

/** Nodes that were masters owning slots in `before` and are replicas in `after`. */
export function demotedMasters(before: Topology | undefined, after: Topology): Demoted[] {
  if (!before) return [];
  const out: Demoted[] = [];
  for (const n of after.nodes) {
    if (n.role !== 'replica') continue;
    const was = before.nodes.find((b) => b.id === n.id);
    if (!was || was.role !== 'master' || was.slotCount === 0) continue;
    const m = after.nodes.find((x) => x.id === n.masterId);
    out.push({ nodeId: n.id, addr: `${n.host}:${n.port}`, masterId: n.masterId, ...(m ? { masterAddr: `${m.host}:${m.port}` } : {}) });
  }
  return out;
}
