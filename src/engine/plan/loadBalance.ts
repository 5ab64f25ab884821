/**
 * Rebalance by load (`rebalance --cluster-balance-by keys|memory|cpu`). Pure
 * and deterministic.
 *
 * Each involved master i has a target T_i = total × w_i / Σw and may end
 * anywhere in [T_i × (1 − t), T_i × (1 + t)] (t = --cluster-threshold %).
 * Greedy: while some master is outside its band, take the worst one (masters
 * over their band first, the hottest by load/target first); an over master
 * gives its largest slot that fits both its own slack above its lower bound
 * and the room below the upper bound of the receiver with the most room; an
 * under master takes, the same way, from the master with the most slack.
 * No move ever takes a master outside its band (never overshoots), and each
 * move strictly reduces the total distance to the bands, so the loop ends.
 * Largest-fit keeps the move count low; test/unit/loadBalance.test.ts
 * compares it with a brute-force optimum. A master of weight 0 gives away
 * every slot (drain), the largest first, each to the master furthest below
 * its target. Slots with no load never move otherwise, and a master of
 * non-zero weight keeps at least one slot (a master without slots becomes a
 * replica of another when drained).
 */
import { EngineError } from '../model/errors';
import { loadValue, type LoadMeasure, type SlotLoadReport } from '../model/load';
import { groupMoves, type LoadBalanceDetails, type LoadShare, type MovePlan, type NothingToDo, type PlanNode, type SlotMove } from '../model/plan';
import type { ClusterNode, Topology } from '../model/types';
import { DEFAULT_THRESHOLD, parseWeights } from './rebalance';
import { isPlainMaster } from './reshard';

export interface LoadMaster {
  readonly id: string;
  readonly weight: number;
  /** Owned slots with their load. */
  readonly slots: readonly { readonly slot: number; readonly value: number }[];
}

export interface LoadMovesResult {
  readonly moves: SlotMove[];
  /** Load per master after the moves (same order as the input). */
  readonly after: number[];
  readonly before: number[];
  readonly targets: number[];
  readonly withinThreshold: boolean;
}

interface Bin {
  readonly id: string;
  readonly weight: number;
  readonly target: number;
  readonly lo: number;
  readonly hi: number;
  load: number;
  /** Slots, value descending (ties: slot ascending). */
  slots: { slot: number; value: number }[];
}

/** Slots per master considered for moves and swaps once largest-fit is stuck. */
const SWAP_CANDIDATES = 64;
/** A bound on local-search steps (each is one move or one swap). */
const MAX_SEARCH_STEPS = 16384;

const byValueDesc = (a: { slot: number; value: number }, b: { slot: number; value: number }) => b.value - a.value || a.slot - b.slot;

/** Index of the first slot with value ≤ cap in a value-descending list. */
function firstAtMost(slots: readonly { value: number }[], cap: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (slots[mid]!.value > cap) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(slots: { slot: number; value: number }[], item: { slot: number; value: number }): void {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byValueDesc(slots[mid]!, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  slots.splice(lo, 0, item);
}

/**
 * The fewest-moves heuristic over plain numbers (exported for the brute-force
 * comparison): largest-fit then local search, and local search alone; the
 * better result wins (within the threshold first, then fewer moves).
 */
export function chooseLoadMoves(masters: readonly LoadMaster[], thresholdPercent: number): LoadMovesResult {
  const a = searchMoves(masters, thresholdPercent, true);
  if (a.withinThreshold && a.moves.length <= 1) return a;
  const b = searchMoves(masters, thresholdPercent, false);
  const better = (x: LoadMovesResult, y: LoadMovesResult) => (x.withinThreshold !== y.withinThreshold ? x.withinThreshold : x.moves.length <= y.moves.length);
  return better(a, b) ? a : b;
}

function searchMoves(masters: readonly LoadMaster[], thresholdPercent: number, largestFit: boolean): LoadMovesResult {
  const total = masters.reduce((n, m) => n + m.slots.reduce((k, s) => k + s.value, 0), 0);
  const totalWeight = masters.reduce((n, m) => n + m.weight, 0);
  const t = thresholdPercent / 100;
  const eps = Math.max(1e-9, total * 1e-12);
  const bins: Bin[] = masters.map((m) => {
    const target = totalWeight > 0 ? (total * m.weight) / totalWeight : 0;
    return {
      id: m.id,
      weight: m.weight,
      target,
      lo: target * (1 - t),
      hi: target * (1 + t),
      load: m.slots.reduce((k, s) => k + s.value, 0),
      slots: m.slots.map((s) => ({ slot: s.slot, value: s.value })).sort(byValueDesc),
    };
  });
  const before = bins.map((b) => b.load);
  const home = new Map<number, Bin>();
  for (const b of bins) for (const s of b.slots) home.set(s.slot, b);
  const move = (from: Bin, to: Bin, index: number): void => {
    const [item] = from.slots.splice(index, 1);
    from.load -= item!.value;
    to.load += item!.value;
    insertSorted(to.slots, item!);
  };
  const receivers = bins.filter((b) => b.weight > 0);

  // Drain: weight-0 masters give every slot away.
  for (const d of bins.filter((b) => b.weight === 0)) {
    while (d.slots.length > 0 && receivers.length > 0) {
      let best = receivers[0]!;
      for (const r of receivers) if (r.target - r.load > best.target - best.load) best = r;
      move(d, best, 0);
    }
  }

  const over = (b: Bin) => b.load - b.hi > eps;
  const under = (b: Bin) => b.lo - b.load > eps;
  const canGive = (b: Bin) => b.slots.length > (b.weight > 0 ? 1 : 0);
  /** The largest slot of `from` that keeps both within their bands, or -1. */
  const fit = (from: Bin, to: Bin): number => {
    if (from === to || !canGive(from) || to.weight === 0) return -1;
    const cap = Math.min(from.load - from.lo, to.hi - to.load) + eps;
    const i = firstAtMost(from.slots, cap);
    return i < from.slots.length && from.slots[i]!.value > 0 ? i : -1;
  };

  /** How far a master with `load` is outside its band. */
  const outside = (b: Bin, load: number) => (b.weight === 0 ? 0 : Math.max(0, load - b.hi, b.lo - load));
  /** Best single move or swap by the reduction of the distance to the bands (largest first, fewest moves); applies it. */
  const improve = (): boolean => {
    let best: { gain: number; from: Bin; to: Bin; i: number; j: number } | null = null;
    for (const from of bins) {
      if (!canGive(from)) continue;
      const cand = from.slots.slice(0, SWAP_CANDIDATES);
      for (const to of receivers) {
        if (to === from) continue;
        const base = outside(from, from.load) + outside(to, to.load);
        const back = to.slots.slice(0, SWAP_CANDIDATES);
        for (let i = 0; i < cand.length; i++) {
          const a = cand[i]!.value;
          if (!(a > 0)) break;
          // A move: counts as one; a swap (a for b) as two, so it must gain more than twice as much per move.
          const gain = base - outside(from, from.load - a) - outside(to, to.load + a);
          if (gain > eps && (!best || gain > best.gain)) best = { gain, from, to, i, j: -1 };
          for (let j = 0; j < back.length; j++) {
            const b = back[j]!.value;
            if (b >= a) continue;
            const g2 = (base - outside(from, from.load - a + b) - outside(to, to.load + a - b)) / 2;
            if (g2 > eps && (!best || g2 > best.gain)) best = { gain: g2, from, to, i, j };
          }
        }
      }
    }
    if (!best) return false;
    const { from, to, i, j } = best;
    const back = j >= 0 ? to.slots[j]! : null;
    move(from, to, i);
    if (back) move(to, from, to.slots.indexOf(back));
    return true;
  };

  const stuck = new Set<Bin>();
  while (largestFit) {
    const candidates = bins.filter((b) => b.weight > 0 && !stuck.has(b) && (over(b) || under(b)));
    if (candidates.length === 0) break;
    const rank = (b: Bin) => (over(b) ? 2 + b.load / b.target : 1 - b.load / Math.max(b.target, eps));
    candidates.sort((a, b) => rank(b) - rank(a) || a.id.localeCompare(b.id));
    const worst = candidates[0]!;
    let moved = false;
    if (over(worst)) {
      const partners = receivers.filter((r) => r !== worst).sort((a, b) => b.hi - b.load - (a.hi - a.load) || a.id.localeCompare(b.id));
      for (const r of partners) {
        const i = fit(worst, r);
        if (i >= 0) {
          move(worst, r, i);
          moved = true;
          break;
        }
      }
    } else {
      const partners = bins.filter((d) => d !== worst).sort((a, b) => b.load - b.lo - (a.load - a.lo) || a.id.localeCompare(b.id));
      for (const d of partners) {
        const i = fit(d, worst);
        if (i >= 0) {
          move(d, worst, i);
          moved = true;
          break;
        }
      }
    }
    if (moved) stuck.clear();
    else stuck.add(worst);
  }
  // Stuck with masters outside their bands: single moves or swaps that reduce the total distance to the bands.
  for (let steps = 0; steps < MAX_SEARCH_STEPS && bins.some((b) => b.weight > 0 && (over(b) || under(b))) && improve(); steps++) {
    // each step strictly reduces the distance to the bands
  }

  // A slot that went back home costs nothing; one that moved twice is one move. Then undo moves that are not needed.
  const distance = () => bins.reduce((n, b) => n + outside(b, b.load), 0);
  for (let pass = 0, changed = true; changed && pass < 4; pass++) {
    changed = false;
    for (const b of bins) {
      for (const item of [...b.slots].reverse()) {
        // small slots first: they are the likeliest to be unneeded
        const h = home.get(item.slot)!;
        if (h === b || h.weight === 0) continue;
        const d0 = distance();
        move(b, h, b.slots.indexOf(item));
        if (distance() > d0 + eps) move(h, b, h.slots.indexOf(item));
        else changed = true;
      }
    }
  }
  const moves: SlotMove[] = [];
  for (const b of bins)
    for (const item of b.slots) {
      const h = home.get(item.slot)!;
      if (h !== b) moves.push({ slot: item.slot, sourceId: h.id, targetId: b.id });
    }
  moves.sort((a, b) => a.slot - b.slot);

  const withinThreshold = bins.every((b) => (b.weight === 0 ? b.slots.length === 0 : !over(b) && !under(b)));
  return { moves, after: bins.map((b) => b.load), before, targets: bins.map((b) => b.target), withinThreshold };
}

/** Moves grouped by (source, target) in first-seen order, slots ascending within a group. */
export function orderMoves(moves: readonly SlotMove[]): SlotMove[] {
  const order = new Map<string, SlotMove[]>();
  for (const m of moves) {
    const key = `${m.sourceId} ${m.targetId}`;
    let list = order.get(key);
    if (!list) order.set(key, (list = []));
    list.push(m);
  }
  return [...order.values()].flatMap((list) => [...list].sort((a, b) => a.slot - b.slot));
}

export interface LoadRebalanceOptions {
  readonly measure: LoadMeasure;
  readonly weights?: readonly string[];
  readonly useEmptyMasters?: boolean;
  readonly threshold?: number;
}

/** Per-slot values of `measure` (index = slot; 0 where the report has nothing). */
export function slotValues(report: SlotLoadReport, measure: LoadMeasure): Float64Array {
  const values = new Float64Array(16384);
  for (const s of report.slots) values[s.slot] = loadValue(s, measure);
  return values;
}

/** Throws 'usage' when `measure` is CPU and the report has no CPU figures. */
export function requireMeasure(report: SlotLoadReport, measure: LoadMeasure): void {
  if (measure === 'cpu' && !report.hasCpu) {
    throw new EngineError({
      code: 'usage',
      message:
        '*** CPU per slot is not measured on this cluster: it needs CLUSTER SLOT-STATS (Redis 8.2+, Valkey 8+) with cluster-slot-stats-enabled yes on every master.',
    });
  }
}

function ownedList(n: ClusterNode, values: Float64Array): { slot: number; value: number }[] {
  const out: { slot: number; value: number }[] = [];
  for (const r of n.slots) for (let s = r.start; s <= r.end; s++) out.push({ slot: s, value: values[s]! });
  return out;
}

/** Shares and slot counts before/after, and the MovePlan (or NothingToDo) for a set of moves. */
export function loadPlanFrom(
  topology: Topology,
  involved: readonly ClusterNode[],
  result: LoadMovesResult,
  weights: readonly number[],
  measure: LoadMeasure,
  threshold: number,
  kind: MovePlan['kind'],
): MovePlan | NothingToDo {
  const total = result.before.reduce((a, b) => a + b, 0);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const pct = (x: number) => (total > 0 ? (100 * x) / total : 0);
  const given = new Map<string, number>();
  for (const m of result.moves) {
    given.set(m.sourceId, (given.get(m.sourceId) ?? 0) - 1);
    given.set(m.targetId, (given.get(m.targetId) ?? 0) + 1);
  }
  const masters: LoadShare[] = involved.map((n, i) => ({
    id: n.id,
    weight: weights[i]!,
    target: result.targets[i]!,
    before: result.before[i]!,
    after: result.after[i]!,
    targetShare: pct(result.targets[i]!),
    shareBefore: pct(result.before[i]!),
    shareAfter: pct(result.after[i]!),
    slotsBefore: n.slotCount,
    slotsAfter: n.slotCount + (given.get(n.id) ?? 0),
  }));
  const load: LoadBalanceDetails = { measure, threshold, total, totalWeight, withinThreshold: result.withinThreshold, masters };
  if (result.moves.length === 0) return { kind: 'nothing-to-do', reason: 'balanced', threshold, load };
  const moves = orderMoves(result.moves);
  const nodes: PlanNode[] = involved.map((n, i) => ({
    id: n.id,
    host: n.host,
    port: n.port,
    slotsBefore: masters[i]!.slotsBefore,
    slotsAfter: masters[i]!.slotsAfter,
  }));
  return {
    version: 1,
    kind,
    entry: { host: topology.entry.host, port: topology.entry.port },
    nodes,
    moves,
    groups: groupMoves(moves),
    totalSlots: moves.length,
    ...(kind === 'reshard' ? { requestedSlots: moves.length } : {}),
    load,
  };
}

/**
 * Plans a rebalance of `measure`. NothingToDo (reason 'balanced') when every
 * master is within the threshold or no move can bring one closer without
 * overshooting; `load.withinThreshold` tells which. Same weight and threshold
 * rules (and errors) as planRebalance.
 */
export function planLoadRebalance(topology: Topology, report: SlotLoadReport, options: LoadRebalanceOptions): MovePlan | NothingToDo {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isFinite(threshold) || !(threshold > 0)) {
    throw new EngineError({ code: 'usage', message: `*** Invalid --cluster-threshold ${String(threshold)}: it must be a percentage greater than 0.` });
  }
  requireMeasure(report, options.measure);
  const weightOf = new Map<string, number>();
  for (const { node, weight } of parseWeights(topology, options.weights ?? [])) weightOf.set(node.id, weight);
  const involved = topology.nodes.filter((n) => isPlainMaster(n) && (options.useEmptyMasters || n.slotCount > 0));
  const weights = involved.map((n) => weightOf.get(n.id) ?? 1);
  if (involved.length > 0 && !(weights.reduce((a, b) => a + b, 0) > 0)) {
    throw new EngineError({ code: 'usage', message: '*** The total weight of the masters taking part is 0: there is nowhere to put the slots.' });
  }
  const values = slotValues(report, options.measure);
  const result = chooseLoadMoves(
    involved.map((n, i) => ({ id: n.id, weight: weights[i]!, slots: ownedList(n, values) })),
    threshold,
  );
  return loadPlanFrom(topology, involved, result, weights, options.measure, threshold, 'rebalance');
}
