/**
 * The reshard planner (redis-cli `--cluster reshard`, spec §3.5): which
 * concrete slots leave which source for the target. Pure and deterministic.
 *
 * Slot choice is redis-cli's (`clusterManagerComputeReshardTable`): sources
 * sorted by slot count descending (stable), each gets the float32 share
 * `N / total × count`, rounded up for the first source and down for the
 * others, taken from its lowest-numbered slots. When that rounding falls
 * short of N (redis/redis#15276: 4 equal sources, N=10 → 9), we top up — see
 * `topUp` below — so the plan always moves exactly N slots. When redis-cli's
 * table already has N entries, our plan is identical to it.
 */
import { EngineError } from '../model/errors';
import { candidatesText } from '../render/candidates';
import { groupMoves, type MovePlan, type PlanNode, type SlotMove } from '../model/plan';
import { normalizeRanges } from '../model/slots';
import type { ClusterNode, Topology } from '../model/types';
import { reshardShare } from './float32';
import { dialectOfTopology, wordsOf, type CliDialect } from '../model/dialect';

export interface ReshardOptions {
  /** Source node ids (exact, case-insensitive), or 'all' for every master except the target. */
  readonly from: readonly string[] | 'all';
  /** Target node id (exact, case-insensitive). */
  readonly to: string;
  /** Number of slots to move: 1 … total owned by the sources. */
  readonly slots: number;
}

export interface ReshardPlanResult {
  /**
   * The plan. For kind 'reshard', `plan.nodes` lists the sources in the order
   * they were given (redis-cli's "Source nodes" order) followed by the target.
   */
  readonly plan: MovePlan;
  /**
   * Lines redis-cli ERR-logs while reading the sources (no trailing newline),
   * e.g. `*** It is not possible to use the target node as source node.`
   */
  readonly warnings: readonly string[];
}

/** A source as the table computation sees it. */
export interface TableSource {
  readonly id: string;
  /** redis-cli's `slots_count` (used for the sort and the share). */
  readonly count: number;
  /** The slots it owns now, ascending. */
  readonly owned: readonly number[];
}

/** Slots taken from one source, ascending. */
export interface TableEntry {
  readonly source: TableSource;
  readonly slots: number[];
}

export const TARGET_AS_SOURCE = '*** It is not possible to use the target node as source node.';
export const NO_SOURCES = '*** No source nodes given, operation aborted.';

export function notKnownOrNotMaster(id: string, dialect?: CliDialect): string {
  return `*** The specified node (${id}) is not known or not a ${wordsOf(dialect).master}, please retry.`;
}

/** redis-cli's node list "master": not flagged replica and no master id. */
export function isPlainMaster(n: ClusterNode): boolean {
  return n.role !== 'replica' && !n.masterId;
}

/** Owned slots of a node, ascending. */
export function ownedSlots(n: ClusterNode): number[] {
  const out: number[] = [];
  for (const r of normalizeRanges(n.slots)) for (let s = r.start; s <= r.end; s++) out.push(s);
  return out;
}

/**
 * redis-cli's `clusterManagerComputeReshardTable`, exactly: entries per source
 * in sorted order (slot count descending, stable), never more than `numSlots`
 * in total. May return fewer than `numSlots` (the upstream rounding bug).
 */
export function reshardTable(sources: readonly TableSource[], numSlots: number): TableEntry[] {
  const total = sources.reduce((a, s) => a + s.count, 0);
  const sorted = [...sources].sort((a, b) => b.count - a.count);
  const table: TableEntry[] = [];
  let planned = 0;
  sorted.forEach((source, i) => {
    const share = reshardShare(numSlots, total, source.count);
    const max = i === 0 ? Math.ceil(share) : Math.floor(share);
    const slots: number[] = [];
    for (const slot of source.owned) {
      if (slots.length >= max || planned >= numSlots) break;
      slots.push(slot);
      planned++;
    }
    table.push({ source, slots });
  });
  return table;
}

/**
 * Completes a short table to exactly `numSlots` entries. Rule: walk the sources
 * in the table's (sorted) order starting with the SECOND one (the first was
 * already rounded up), wrapping around, and give each source that still owns
 * slots outside the plan one more slot — its lowest not yet planned — until the
 * total is reached. With S sources the shortfall is below S, so in practice
 * each of sources 2…S gives at most one extra slot (4 equal sources, N=10:
 * 3+2+2+2 → 3+3+2+2). The caller guarantees numSlots ≤ slots owned.
 */
export function topUp(table: readonly TableEntry[], numSlots: number): TableEntry[] {
  const out = table.map((e) => ({ source: e.source, slots: [...e.slots] }));
  let planned = out.reduce((a, e) => a + e.slots.length, 0);
  if (out.length === 0) return out;
  const available = out.reduce((a, e) => a + e.source.owned.length, 0);
  if (numSlots > available) throw new Error(`topUp: ${numSlots} slots requested, ${available} owned`);
  let i = out.length > 1 ? 1 : 0;
  while (planned < numSlots) {
    const e = out[i]!;
    // Slots are taken as a prefix of `owned`, so the next one is at index slots.length.
    const next = e.source.owned[e.slots.length];
    if (next !== undefined) {
      e.slots.push(next);
      planned++;
    }
    i = (i + 1) % out.length;
  }
  return out;
}

/**
 * redis-cli's `clusterNodeForResharding` lookup: exact id, case-insensitive,
 * among loaded nodes. Unknown id or replica → EngineError 'no-such-node'.
 * (For interactive source prompts: validate each answer as it is typed.)
 */
export function findNodeForResharding(topology: Topology, id: string): ClusterNode {
  const lc = id.toLowerCase();
  const node = topology.nodes.find((n) => n.id.toLowerCase() === lc);
  if (!node || node.role === 'replica') {
    throw new EngineError({
      code: 'no-such-node',
      message: notKnownOrNotMaster(id, dialectOfTopology(topology)),
      cause: `the masters are: ${candidatesText(topology.nodes.filter((n) => n.role === 'master'))}`,
    });
  }
  return node;
}

/**
 * Plans `reshard --cluster-from … --cluster-to … --cluster-slots N`.
 * Throws EngineError 'no-such-node' (unknown id or replica, as redis-cli) or
 * 'usage' (no sources; N not an integer in 1 … slots owned by the sources).
 */
export function planReshard(topology: Topology, options: ReshardOptions): ReshardPlanResult {
  const n = options.slots;
  if (!Number.isInteger(n)) {
    throw new EngineError({ code: 'usage', message: `*** Invalid number of slots to move: ${String(n)} (a whole number is required).` });
  }
  const target = findNodeForResharding(topology, options.to);
  const warnings: string[] = [];
  let all = options.from === 'all';
  const sources: ClusterNode[] = [];
  if (options.from !== 'all') {
    const tokens = options.from;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token === '' && i === tokens.length - 1) break; // `a,b,` — an empty last token is ignored
      if (token === 'all') {
        all = true;
        break;
      }
      const node = findNodeForResharding(topology, token);
      if (node.id === target.id) {
        warnings.push(TARGET_AS_SOURCE);
        continue;
      }
      // redis-cli would list (and plan) a repeated id twice; we keep the first.
      if (!sources.includes(node)) sources.push(node);
    }
  }
  if (all) {
    sources.length = 0;
    for (const node of topology.nodes) if (isPlainMaster(node) && node.id !== target.id) sources.push(node);
  }
  if (sources.length === 0) throw new EngineError({ code: 'usage', message: NO_SOURCES });

  const available = sources.reduce((a, s) => a + s.slotCount, 0);
  if (n <= 0 || n > available) {
    const who = sources.length > 1 ? 'the source nodes own' : 'the source node owns';
    const owned = available === 0 ? 'no slots' : `${available} slots`;
    const range = available === 0 ? 'there is nothing to move' : `give a number from 1 to ${available}`;
    throw new EngineError({ code: 'usage', message: `*** Cannot move ${n} slots: ${who} ${owned}; ${range}.` });
  }

  const tableSources = sources.map((s) => ({ id: s.id, count: s.slotCount, owned: ownedSlots(s) }));
  const table = topUp(reshardTable(tableSources, n), n);
  const moves: SlotMove[] = [];
  for (const e of table) for (const slot of e.slots) moves.push({ slot, sourceId: e.source.id, targetId: target.id });

  const nodes = reshardNodes(sources, target, moves);
  const plan: MovePlan = {
    version: 1,
    kind: 'reshard',
    entry: { host: topology.entry.host, port: topology.entry.port },
    nodes,
    moves,
    groups: groupMoves(moves),
    totalSlots: moves.length,
    requestedSlots: n,
  };
  return { plan, warnings };
}

/** The plan's nodes of a move of `moves` to one target: each source's and the target's slot counts before and after. */
export function reshardNodes(sources: readonly ClusterNode[], target: ClusterNode, moves: readonly SlotMove[]): PlanNode[] {
  const given = new Map<string, number>();
  for (const m of moves) given.set(m.sourceId, (given.get(m.sourceId) ?? 0) + 1);
  const planNode = (node: ClusterNode, after: number): PlanNode => ({
    id: node.id,
    host: node.host,
    port: node.port,
    slotsBefore: node.slotCount,
    slotsAfter: after,
  });
  return [...sources.map((s) => planNode(s, s.slotCount - (given.get(s.id) ?? 0))), planNode(target, target.slotCount + moves.length)];
}
