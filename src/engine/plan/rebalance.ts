/**
 * The rebalance planner (redis-cli `--cluster rebalance`, spec §3.6). Pure and
 * deterministic; reproduces redis-cli's float32 arithmetic, rounding fix-up,
 * stable sort by balance and two-pointer donor/receiver pairing, and the slots
 * a real (non-simulated) redis-cli run would move: each pair takes the lowest
 * slots the donor owns at that moment, with ownership updated after each pair
 * exactly as redis-cli updates its in-memory slot maps.
 *
 * Divergences (we refuse where redis-cli silently misbehaves): malformed
 * weight entries, negative or non-finite weights, an empty id prefix, a total
 * weight of 0, and a threshold ≤ 0 (with which redis-cli never rebalances) are
 * 'usage' errors.
 */
import { EngineError } from '../model/errors';
import { candidatesText } from '../render/candidates';
import type { MoveGroup, MovePlan, NothingToDo, PlanNode, SlotMove } from '../model/plan';
import type { ClusterNode, Topology } from '../model/types';
import { expectedSlots, f32, overThreshold, sumWeights } from './float32';
import { isPlainMaster, ownedSlots, reshardTable } from './reshard';
import { dialectOfTopology, wordsOf } from '../model/dialect';

export interface RebalanceOptions {
  /** `--cluster-weight` entries: `idprefix=weight` (prefix matched as redis-cli: first node in list order). */
  readonly weights?: readonly string[];
  /** `--cluster-use-empty-masters`: masters without slots take part (and receive slots). */
  readonly useEmptyMasters?: boolean;
  /** `--cluster-threshold`, percent; default 2. Must be > 0. */
  readonly threshold?: number;
}

export const DEFAULT_THRESHOLD = 2;

/** Full-string decimal number as C atof would read it (no hex, inf or nan). */
const WEIGHT_NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface Parsed {
  readonly node: ClusterNode;
  readonly weight: number;
}

/** Parses `--cluster-weight` entries; later entries for the same node win (as redis-cli). */
export function parseWeights(topology: Topology, entries: readonly string[]): Parsed[] {
  const out: Parsed[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq < 0) {
      throw new EngineError({ code: 'usage', message: `*** Invalid --cluster-weight entry '${entry}': expected <node id prefix>=<weight>.` });
    }
    const name = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (name === '') {
      throw new EngineError({ code: 'usage', message: `*** Invalid --cluster-weight entry '${entry}': the node id prefix is empty.` });
    }
    if (!WEIGHT_NUMBER.test(value)) {
      throw new EngineError({ code: 'usage', message: `*** Invalid --cluster-weight entry '${entry}': '${value}' is not a number.` });
    }
    const weight = f32(Number.parseFloat(value.trim()));
    if (!Number.isFinite(weight) || weight < 0) {
      throw new EngineError({
        code: 'usage',
        message: `*** Invalid --cluster-weight entry '${entry}': the weight must be a finite number ≥ 0.`,
      });
    }
    const lc = name.toLowerCase();
    const matches = topology.nodes.filter((n) => n.id.startsWith(lc));
    const masters = topology.nodes.filter((n) => n.role === 'master');
    const node = matches[0];
    if (!node)
      throw new EngineError({
        code: 'no-such-node',
        message: `*** No such ${wordsOf(dialectOfTopology(topology)).master} node ${name}`,
        cause: `the masters are: ${candidatesText(masters)}`,
      });
    // redis-cli takes the first node whose id starts with the prefix, whichever it is.
    if (matches.length > 1) {
      throw new EngineError({
        code: 'usage',
        message: `*** Invalid --cluster-weight entry '${entry}': the prefix '${name}' matches ${matches.length} nodes (${candidatesText(matches)}); give more of the id.`,
      });
    }
    out.push({ node, weight: weight === 0 ? 0 : weight }); // no -0
  }
  return out;
}

interface Involved {
  readonly node: ClusterNode;
  readonly weight: number;
  readonly expected: number;
  balance: number;
}

/**
 * Plans `rebalance`. Returns NothingToDo (reason 'balanced') when every
 * involved master is within the threshold — redis-cli's
 * `*** No rebalancing needed!`. Throws EngineError 'no-such-node' for a weight
 * naming no node, 'usage' for bad weights / threshold / a zero total weight.
 */
export function planRebalance(topology: Topology, options: RebalanceOptions = {}): MovePlan | NothingToDo {
  const thresholdOpt = options.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isFinite(thresholdOpt) || !(f32(thresholdOpt) > 0)) {
    throw new EngineError({
      code: 'usage',
      message: `*** Invalid --cluster-threshold ${String(thresholdOpt)}: it must be a percentage greater than 0 (redis-cli never rebalances with a threshold of 0 or less).`,
    });
  }
  const threshold = f32(thresholdOpt);

  const weightOf = new Map<string, number>();
  for (const { node, weight } of parseWeights(topology, options.weights ?? [])) weightOf.set(node.id, weight);

  const involvedNodes = topology.nodes.filter((n) => isPlainMaster(n) && (options.useEmptyMasters || n.slotCount > 0));
  const weights = involvedNodes.map((n) => weightOf.get(n.id) ?? 1);
  const totalWeight = sumWeights(weights);
  if (involvedNodes.length > 0 && !(totalWeight > 0)) {
    throw new EngineError({ code: 'usage', message: '*** The total weight of the masters taking part is 0: there is nowhere to put the slots.' });
  }

  let thresholdReached = false;
  let totalBalance = 0;
  const involved: Involved[] = involvedNodes.map((node, i) => {
    const weight = weights[i]!;
    const expected = expectedSlots(totalWeight, weight);
    const balance = node.slotCount - expected;
    totalBalance += balance;
    if (overThreshold(node.slotCount, expected, threshold)) thresholdReached = true;
    return { node, weight, expected, balance };
  });
  if (!thresholdReached) return { kind: 'nothing-to-do', reason: 'balanced', threshold };

  // Rounding fix-up: receivers (balance ≤ 0), in list order, take the surplus one slot at a time.
  while (totalBalance > 0) {
    let changed = false;
    for (const n of involved) {
      if (n.balance <= 0 && totalBalance > 0) {
        n.balance--;
        totalBalance--;
        changed = true;
      }
    }
    if (!changed) throw new Error('planRebalance: rounding fix-up found no receiving node');
  }

  const sorted = [...involved].sort((a, b) => a.balance - b.balance);
  const balances = sorted.map((n) => ({ id: n.node.id, weight: n.weight, expected: n.expected, balance: n.balance }));

  // Current ownership, updated after each pair as redis-cli's moveSlot(UPDATE) does.
  const owned = new Map<string, number[]>(involved.map((n) => [n.node.id, ownedSlots(n.node)]));
  const moves: SlotMove[] = [];
  // One group per pair, as redis-cli prints one "Moving k slots" line per pair.
  // Equal to groupMoves(moves): consecutive pairs differ in every state a clean
  // check allows (only a negative total balance could repeat a pair).
  const groups: MoveGroup[] = [];
  let dst = 0;
  let src = sorted.length - 1;
  while (dst < src) {
    const d = sorted[dst]!;
    const s = sorted[src]!;
    const k = Math.min(Math.abs(d.balance), Math.abs(s.balance));
    if (k > 0) {
      const srcOwned = owned.get(s.node.id)!;
      const [entry] = reshardTable([{ id: s.node.id, count: srcOwned.length, owned: srcOwned }], k);
      if (!entry || entry.slots.length !== k) {
        throw new Error(`planRebalance: ${s.node.host}:${s.node.port} cannot give ${k} slots (reshard table != number of slots)`);
      }
      const taken = new Set(entry.slots);
      owned.set(
        s.node.id,
        srcOwned.filter((slot) => !taken.has(slot)),
      );
      const dstOwned = owned.get(d.node.id)!;
      owned.set(
        d.node.id,
        [...dstOwned, ...entry.slots].sort((a, b) => a - b),
      );
      for (const slot of entry.slots) moves.push({ slot, sourceId: s.node.id, targetId: d.node.id });
      groups.push({ sourceId: s.node.id, targetId: d.node.id, slots: k });
    }
    d.balance += k;
    s.balance -= k;
    if (d.balance === 0) dst++;
    if (s.balance === 0) src--;
  }

  const nodes: PlanNode[] = involved.map((n) => ({
    id: n.node.id,
    host: n.node.host,
    port: n.node.port,
    slotsBefore: n.node.slotCount,
    slotsAfter: owned.get(n.node.id)!.length,
  }));
  return {
    version: 1,
    kind: 'rebalance',
    entry: { host: topology.entry.host, port: topology.entry.port },
    nodes,
    moves,
    groups,
    totalSlots: moves.length,
    rebalance: { totalWeight, threshold, balances },
  };
}
