/**
 * Checks a plan against the cluster as it is now, before anything moves.
 * Pure: topology + plan → the moves still to run, the moves already done
 * (the target owns the slot: only the final SETSLOTs may be missing), or a
 * typed error naming what changed.
 */
import { EngineError } from '../model/errors';
import { planShapeProblem, type MovePlan, type SlotMove } from '../model/plan';
import { SLOT_COUNT } from '../model/slots';
import type { Topology } from '../model/types';

export interface ValidatedPlan {
  readonly toMove: readonly SlotMove[];
  readonly alreadyMoved: readonly SlotMove[];
}

export function validatePlan(plan: MovePlan, topology: Topology): ValidatedPlan {
  const problem = planShapeProblem(plan);
  if (problem) throw new EngineError({ code: 'usage', message: `This is not a plan written by rcm (version 1): ${problem}.` });
  const byId = new Map(topology.nodes.map((n) => [n.id, n]));
  // Each slot's owner, and for the few slots more than one master claims, all of them (a Set per slot for all
  // 16384 slots was most of this function's time in a short run).
  const owner: (string | undefined)[] = new Array(SLOT_COUNT);
  const more = new Map<number, Set<string>>();
  for (const n of topology.nodes) {
    if (n.role !== 'master') continue;
    for (const r of n.slots)
      for (let s = r.start; s <= r.end; s++) {
        const first = owner[s];
        if (first === undefined) owner[s] = n.id;
        else if (first !== n.id) more.set(s, (more.get(s) ?? new Set([first])).add(n.id));
      }
  }
  const ownersOf = (slot: number): ReadonlySet<string> => more.get(slot) ?? new Set(owner[slot] === undefined ? [] : [owner[slot]!]);
  const seen = new Set<number>();
  const toMove: SlotMove[] = [];
  const alreadyMoved: SlotMove[] = [];
  for (const m of plan.moves) {
    if (!Number.isInteger(m.slot) || m.slot < 0 || m.slot >= SLOT_COUNT) {
      throw new EngineError({ code: 'usage', message: `The plan moves slot ${m.slot}, which is not a hash slot (0-16383).` });
    }
    if (seen.has(m.slot)) throw new EngineError({ code: 'usage', message: `The plan moves slot ${m.slot} twice.` });
    seen.add(m.slot);
    for (const id of [m.sourceId, m.targetId]) {
      const n = byId.get(id);
      if (!n) throw new EngineError({ code: 'no-such-node', message: `The plan names node ${id}, which is not in the cluster (or not reachable) any more.` });
      if (n.role !== 'master')
        throw new EngineError({ code: 'plan-stale', message: `The plan names node ${id} (${n.host}:${n.port}) as a master, but it is now a replica.` });
    }
    const o = ownersOf(m.slot);
    if (o.has(m.targetId)) alreadyMoved.push(m);
    else if (o.has(m.sourceId)) toMove.push(m);
    else {
      const who =
        [...o]
          .map((id) => byId.get(id))
          .map((n) => (n ? `${n.host}:${n.port}` : '?'))
          .join(', ') || 'no node';
      throw new EngineError({
        code: 'plan-stale',
        message: `Slot ${m.slot} should move from ${m.sourceId} but is owned by ${who} now: the cluster changed since the plan was made. Make a new plan.`,
      });
    }
  }
  return { toMove, alreadyMoved };
}
