/**
 * Hot slots: the slots carrying most of a measure, with their owner and the
 * share of that owner's load they carry; and "Move Hot Slots Away": a plan
 * moving a master's hottest slots to the least-loaded masters. Pure.
 */
import { EngineError } from '../model/errors';
import { loadValue, type LoadMeasure, type SlotLoadReport } from '../model/load';
import type { MovePlan, NothingToDo, SlotMove } from '../model/plan';
import type { Topology } from '../model/types';
import { loadPlanFrom, requireMeasure } from './loadBalance';
import { isPlainMaster } from './reshard';
import { dialectOfTopology, wordsOf } from '../model/dialect';

export interface HotSlot {
  readonly slot: number;
  readonly ownerId: string;
  readonly value: number;
  /** Percent of the owner's load of this measure. */
  readonly shareOfOwner: number;
  /** Percent of the whole cluster's load of this measure. */
  readonly shareOfCluster: number;
}

/** The `top` slots by `measure` (ties: lower slot first), slots with no load left out. */
export function hotSlots(report: SlotLoadReport, measure: LoadMeasure, top: number): HotSlot[] {
  requireMeasure(report, measure);
  const ownerTotal = new Map(report.masters.map((m) => [m.id, loadValue(m, measure)]));
  const total = report.masters.reduce((n, m) => n + loadValue(m, measure), 0);
  return report.slots
    .map((s) => ({ slot: s.slot, ownerId: s.ownerId, value: loadValue(s, measure) }))
    .filter((s) => s.value > 0)
    .sort((a, b) => b.value - a.value || a.slot - b.slot)
    .slice(0, Math.max(0, top))
    .map((s) => {
      const owner = ownerTotal.get(s.ownerId) ?? 0;
      return { ...s, shareOfOwner: owner > 0 ? (100 * s.value) / owner : 0, shareOfCluster: total > 0 ? (100 * s.value) / total : 0 };
    });
}

export interface HotSlotMoveOptions {
  readonly measure: LoadMeasure;
  /** The master to relieve (full id or unique prefix). */
  readonly from: string;
  /** At most this many slots (default 16). */
  readonly count?: number;
}

/**
 * Moves up to `count` of the hottest slots of `from`, each to the master
 * with the least load at that point, while the move leaves that master below
 * what `from` keeps (so the hot master never trades places). A reshard-shaped
 * plan with `load` details; NothingToDo when no slot can move that way.
 */
export function planHotSlotMoves(topology: Topology, report: SlotLoadReport, options: HotSlotMoveOptions): MovePlan | NothingToDo {
  requireMeasure(report, options.measure);
  const lc = options.from.toLowerCase();
  const matches = topology.nodes.filter((n) => n.id.startsWith(lc) && isPlainMaster(n));
  if (matches.length !== 1)
    throw new EngineError({ code: 'no-such-node', message: `*** No such ${wordsOf(dialectOfTopology(topology)).master} node ${options.from}` });
  const source = matches[0]!;
  const involved = topology.nodes.filter((n) => isPlainMaster(n) && (n.slotCount > 0 || n.id === source.id));
  if (involved.length < 2) throw new EngineError({ code: 'usage', message: '*** There is no other master to move the slots to.' });
  const values = new Map(report.slots.map((s) => [s.slot, loadValue(s, options.measure)]));
  const before = involved.map((n) => report.slots.filter((s) => s.ownerId === n.id).reduce((k, s) => k + loadValue(s, options.measure), 0));
  const load = [...before];
  const src = involved.indexOf(source);
  const hot = report.slots
    .filter((s) => s.ownerId === source.id && values.get(s.slot)! > 0)
    .sort((a, b) => values.get(b.slot)! - values.get(a.slot)! || a.slot - b.slot);
  const moves: SlotMove[] = [];
  let left = source.slotCount;
  for (const s of hot) {
    if (moves.length >= (options.count ?? 16) || left <= 1) break;
    const v = values.get(s.slot)!;
    let best = -1;
    involved.forEach((_, i) => {
      if (i !== src && (best < 0 || load[i]! < load[best]!)) best = i;
    });
    if (load[best]! + v >= load[src]! - v) continue; // would make the receiver the hotter one: try a smaller slot
    load[best]! += v;
    load[src]! -= v;
    left--;
    moves.push({ slot: s.slot, sourceId: source.id, targetId: involved[best]!.id });
  }
  const total = before.reduce((a, b) => a + b, 0);
  const targets = involved.map(() => total / involved.length);
  const weights = involved.map(() => 1);
  return loadPlanFrom(topology, involved, { moves, before, after: load, targets, withinThreshold: false }, weights, options.measure, 0, 'reshard');
}
