/**
 * The `create` planner: which nodes become masters, their slot ranges and
 * which master every other node replicates — as redis-cli 7.0 computes them
 * (spec §3.1). Pure: randomness (the anti-affinity optimiser) comes in as a
 * function returning numbers in [0, 1).
 */
import { SLOT_COUNT, type SlotRange } from '../model/slots';
import { antiAffinityScore, optimizeAntiAffinity } from './antiAffinity';

/** A node given to `create`: the host as typed (no DNS), its port and node id. */
export interface CreateNodeInput {
  readonly host: string;
  readonly port: number;
  readonly id: string;
}

/** What one input node becomes. Nodes left over by redis-cli's algorithm stay empty masters. */
export type CreateRole = { readonly role: 'master'; readonly slots: SlotRange | null } | { readonly role: 'replica'; readonly master: number };

export interface CreatePlan {
  readonly masterCount: number;
  readonly replicasPerMaster: number;
  /** Input indexes of the masters, in master order (Master[0], Master[1], …). */
  readonly masters: readonly number[];
  /** Slot range of each master, in master order. */
  readonly slotRanges: readonly SlotRange[];
  /** The pairing redis-cli prints as "Adding replica …" (before the optimiser), input indexes. */
  readonly initialPairs: readonly { readonly replica: number; readonly master: number }[];
  /** Index into initialPairs where "Adding extra replicas..." is printed; -1 when it is not. */
  readonly extraPairsFrom: number;
  /** Final role of every input node, in input order. */
  readonly roles: readonly CreateRole[];
  /** Anti-affinity score before and after optimising (0 = perfect; ≥ 10000 = a replica shares its master's host). */
  readonly initialScore: number;
  readonly finalScore: number;
}

/** redis-cli's master count: floor(N / (R + 1)). */
export function createMasterCount(nodes: number, replicas: number): number {
  return Math.floor(nodes / (replicas + 1));
}

/** C lround for the magnitudes used here: half away from zero. */
function lround(x: number): number {
  return x >= 0 ? Math.floor(x + 0.5) : -Math.floor(-x + 0.5);
}

/** The slot range of each of `masters` masters, computed in float32 exactly as redis-cli (Appendix B). */
export function splitSlots(masters: number): SlotRange[] {
  if (!Number.isInteger(masters) || masters < 1 || masters > SLOT_COUNT) {
    throw new RangeError(`splitSlots: invalid master count ${masters}`);
  }
  const f = Math.fround;
  const step = f(SLOT_COUNT / masters);
  let cursor = f(0);
  let first = 0;
  const out: SlotRange[] = [];
  for (let i = 0; i < masters; i++) {
    let last = lround(f(f(cursor + step) - 1));
    if (last > SLOT_COUNT || i === masters - 1) last = SLOT_COUNT - 1;
    if (last < first) last = first;
    out.push({ start: first, end: last });
    first = last + 1;
    cursor = f(cursor + step);
  }
  return out;
}

/** Round-robin over hosts (grouped by the host string as typed, in first-appearance order). */
export function interleaveByHost(nodes: readonly CreateNodeInput[]): number[] {
  const groups = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    const g = groups.get(n.host);
    if (g) g.push(i);
    else groups.set(n.host, [i]);
  });
  const queues = [...groups.values()];
  const out: number[] = [];
  while (out.length < nodes.length) {
    for (const q of queues) {
      const next = q.shift();
      if (next !== undefined) out.push(next);
    }
  }
  return out;
}

/**
 * Plans a cluster of `nodes` with `replicas` replicas per master. The caller
 * must have checked createMasterCount(...) >= 1 (redis-cli refuses fewer than 3; valkey-cli 9 asks).
 */
export function planCreate(nodes: readonly CreateNodeInput[], replicas: number, random: () => number): CreatePlan {
  const masterCount = createMasterCount(nodes.length, replicas);
  if (replicas < 0 || masterCount < 1) throw new RangeError(`planCreate: ${nodes.length} nodes cannot hold masters with ${replicas} replicas each`);
  const order = interleaveByHost(nodes);
  const masters = order.slice(0, masterCount);
  const slotRanges = splitSlots(masterCount);

  // The replica pool, rotated left by one ("sometimes helps the initial anti-affinity").
  const pool: (number | null)[] = order.slice(masterCount);
  if (pool.length > 1) pool.push(pool.shift()!);
  let start = 0;
  let available = pool.length;
  const masterOf = new Map<number, number>();
  const initialPairs: { replica: number; master: number }[] = [];

  /** The next replica for `master`: first pooled node on another host, else the first pooled node. */
  const take = (master: number): number | null => {
    let firstIdx = -1;
    for (let j = start; j < pool.length; j++) {
      const n = pool[j];
      if (n === null || n === undefined) continue;
      if (nodes[n]!.host !== nodes[master]!.host) {
        pool[j] = null;
        return n;
      }
      if (firstIdx < 0) firstIdx = j;
    }
    if (firstIdx < 0) return null;
    start = firstIdx + 1;
    return pool[firstIdx]!;
  };

  let extraPairsFrom = -1;
  for (const extraPass of [false, true]) {
    if (extraPass) {
      if (available === 0) break;
      extraPairsFrom = initialPairs.length;
    }
    for (const m of masters) {
      for (let assigned = 0; assigned < replicas && available > 0; assigned++) {
        const r = take(m);
        if (r === null) break;
        available--;
        masterOf.set(r, m);
        initialPairs.push({ replica: r, master: m });
        if (extraPass) break;
      }
    }
  }

  const keys = nodes.map((_, i) => masterOf.get(i) ?? i);
  const hosts = nodes.map((n) => n.host);
  const initialScore = antiAffinityScore(hosts, keys).score;
  const finalKeys = initialScore === 0 ? keys : optimizeAntiAffinity(hosts, keys, random);
  const finalScore = antiAffinityScore(hosts, finalKeys).score;

  const masterIndex = new Map(masters.map((m, i) => [m, i]));
  const roles: CreateRole[] = nodes.map((_, i) => {
    const mi = masterIndex.get(i);
    if (mi !== undefined) return { role: 'master', slots: slotRanges[mi]! };
    if (finalKeys[i] !== i) return { role: 'replica', master: finalKeys[i]! };
    return { role: 'master', slots: null };
  });
  return { masterCount, replicasPerMaster: replicas, masters, slotRanges, initialPairs, extraPairsFrom, roles, initialScore, finalScore };
}

/** A small seeded PRNG (mulberry32) for reproducible plans in tests and UIs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
