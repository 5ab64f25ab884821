/**
 * A reshard of chosen slots: "move these slots to that master" (the tree's
 * slot-range item). redis-cli has no such option; the plan has the reshard
 * shape (sources in slot order, then the target) so the executor, the
 * journal and the panel treat it like any reshard. Pure.
 */
import { EngineError } from '../model/errors';
import { groupMoves, type MovePlan, type SlotMove } from '../model/plan';
import { isValidSlot } from '../model/slots';
import type { ClusterNode, Topology } from '../model/types';
import { dialectOfTopology } from '../model/dialect';
import { notKnownOrNotMaster, reshardNodes } from './reshard';

export interface SlotMoveOptions {
  /** The slots to move (any order, duplicates ignored). */
  readonly slots: readonly number[];
  /** Target master id (exact, case-insensitive). */
  readonly to: string;
}

function owns(n: ClusterNode, slot: number): boolean {
  return n.slots.some((r) => r.start <= slot && slot <= r.end);
}

/**
 * Plans moving exactly `slots` to `to`. Throws EngineError 'no-such-node' for
 * an unknown or replica target, 'usage' for an invalid slot, a slot no loaded
 * master owns, a slot the target already owns, or an empty list.
 */
export function planSlotMove(topology: Topology, options: SlotMoveOptions): MovePlan {
  const lc = options.to.toLowerCase();
  const target = topology.nodes.find((n) => n.id.toLowerCase() === lc);
  if (!target || target.role === 'replica') {
    throw new EngineError({ code: 'no-such-node', message: notKnownOrNotMaster(options.to, dialectOfTopology(topology)) });
  }
  const slots = [...new Set(options.slots)].sort((a, b) => a - b);
  if (slots.length === 0) throw new EngineError({ code: 'usage', message: '*** No slots to move.' });
  const masters = topology.nodes.filter((n) => n.role === 'master');
  const moves: SlotMove[] = [];
  for (const slot of slots) {
    if (!isValidSlot(slot)) throw new EngineError({ code: 'usage', message: `*** Invalid slot ${slot}: slots are 0 to 16383.` });
    if (owns(target, slot)) throw new EngineError({ code: 'usage', message: `*** Slot ${slot} is already owned by the target ${target.host}:${target.port}.` });
    const source = masters.find((m) => owns(m, slot));
    if (!source) throw new EngineError({ code: 'usage', message: `*** Slot ${slot} is not owned by any reachable master: run fix first.` });
    moves.push({ slot, sourceId: source.id, targetId: target.id });
  }
  const from = new Set(moves.map((m) => m.sourceId));
  const sources = masters.filter((m) => from.has(m.id));
  return {
    version: 1,
    kind: 'reshard',
    entry: { host: topology.entry.host, port: topology.entry.port },
    nodes: reshardNodes(sources, target, moves),
    moves,
    groups: groupMoves(moves),
    totalSlots: moves.length,
    requestedSlots: moves.length,
  };
}
