/**
 * Key counts of many slots in a few commands: `CLUSTER SLOT-STATS SLOTSRANGE a b` (Valkey ≥ 8.0, Redis ≥ 8.2)
 * answers `key-count` (the same countKeysInSlot as COUNTKEYSINSLOT) for every slot of the range that the
 * node's shard owns, in one reply: one command per range instead of one per slot, which in a short rcm run
 * (cold code) costs the most of the counts before and after an atomic move. Slots the node does not own are
 * left out of that reply: those are counted with COUNTKEYSINSLOT. A node without the command (Redis 7) or a
 * user it is refused to answers an error: that node is then counted slot by slot, as before.
 */
import { rangesFromSlots } from '../model/slots';
import { countKeysInSlots } from './bulk';
import type { NodeClient } from './connection';

/** Fewer slots than this: COUNTKEYSINSLOT, one per slot, costs no more. */
const MIN_SLOTS = 32;
/** Ranges per slot above which the slots are too scattered for ranges to save anything. */
const MAX_RANGES_PER_SLOT = 1 / 4;

/** `[[slot, [key-count, n, …]], …]` into slot → count; null when the reply is not that shape. Pure. */
export function parseSlotStats(reply: unknown): Map<number, number> | null {
  if (!Array.isArray(reply)) return null;
  const out = new Map<number, number>();
  for (const entry of reply) {
    if (!Array.isArray(entry) || entry.length < 2 || !Array.isArray(entry[1])) return null;
    const stats = entry[1] as unknown[];
    const at = stats.findIndex((v) => String(v) === 'key-count');
    const n = at >= 0 ? Number(stats[at + 1]) : NaN;
    if (!Number.isInteger(n) || n < 0) return null;
    out.set(Number(entry[0]), n);
  }
  return out;
}

/**
 * COUNTKEYSINSLOT for each slot (-1 where the node answered an error), through SLOT-STATS where the node
 * has it. `noSlotStats` remembers the nodes that refused it (by client), so each is asked once per run.
 */
export async function countKeysByRanges(client: NodeClient, slots: readonly number[], noSlotStats: Set<NodeClient>): Promise<number[]> {
  const ranges = rangesFromSlots(slots);
  if (slots.length < MIN_SLOTS || ranges.length > slots.length * MAX_RANGES_PER_SLOT || noSlotStats.has(client)) return countKeysInSlots(client, slots);
  const replies = await client.pipeline(ranges.map((r) => ['CLUSTER', 'SLOT-STATS', 'SLOTSRANGE', r.start, r.end] as const));
  const counts = new Map<number, number>();
  for (const r of replies) {
    const parsed = r.ok ? parseSlotStats(r.value) : null;
    if (!parsed) {
      noSlotStats.add(client);
      return countKeysInSlots(client, slots);
    }
    for (const [slot, n] of parsed) counts.set(slot, n);
  }
  const rest = slots.filter((s) => !counts.has(s));
  if (rest.length > 0) {
    const more = await countKeysInSlots(client, rest);
    rest.forEach((s, i) => counts.set(s, more[i]!));
  }
  return slots.map((s) => counts.get(s)!);
}
