/**
 * Whether a master holds keys only in the slots it owns or imports: DBSIZE
 * against the sum of CLUSTER COUNTKEYSINSLOT over those slots, counted at one
 * moment so that a concurrent write cannot make them agree by chance. On 50
 * masters that is ~330 slots each instead of COUNTKEYSINSLOT for the ~16,000
 * slots each does not own (seconds). Counted by one read-only script (EVAL_RO:
 * one command and one small reply per master; the server keeps the one script
 * body in its script cache); where scripts are refused (an ACL, an old server),
 * in one MULTI/EXEC. Only a master for which it is not known to hold (a
 * difference, an error) is then searched slot by slot. The difference itself
 * counts too: Redis 8 keeps the keys of a slot its node neither owns nor
 * imports in DBSIZE but shows them to no per-slot command (COUNTKEYSINSLOT 0,
 * GETKEYSINSLOT and SCAN skip them).
 */
import type { SlotRange } from '../model/slots';
import type { ClusterNode } from '../model/types';
import type { NodeClient } from './connection';

/** Returns {DBSIZE, keys in the slot ranges given as start, end pairs in ARGV}. */
const COUNT_SCRIPT =
  "local n = 0 for i = 1, #ARGV, 2 do for s = tonumber(ARGV[i]), tonumber(ARGV[i + 1]) do n = n + redis.call('CLUSTER', 'COUNTKEYSINSLOT', s) end end return {redis.call('DBSIZE'), n}";

/** The slot ranges a master's own keys may be in: those it owns, and the slots it imports. */
export function ownOrImportedRanges(master: Pick<ClusterNode, 'slots' | 'importing'>): SlotRange[] {
  if (master.importing.length === 0) return [...master.slots];
  const own = new Set<number>();
  for (const r of master.slots) for (let s = r.start; s <= r.end; s++) own.add(s);
  return [...master.slots, ...master.importing.filter((o) => !own.has(o.slot)).map((o) => ({ start: o.slot, end: o.slot }))];
}

const isCount = (v: unknown): boolean => /^\d+$/.test(String(v));

/** The one command counting the keys outside `ranges` (for a pipeline: the loader sends it beside its probe). */
export function keysOutsideCommand(ranges: readonly SlotRange[]): [string, ...(string | number)[]] {
  return ['EVAL_RO', COUNT_SCRIPT, 0, ...ranges.flatMap((x) => [x.start, x.end])];
}

/** keysOutsideCommand's reply as the count outside; undefined for any other reply. */
export function keysOutsideOf(reply: unknown): number | undefined {
  return Array.isArray(reply) && reply.length === 2 && reply.every(isCount) ? Number(reply[0]) - Number(reply[1]) : undefined;
}

/** Whether two lists of slot ranges are the same list. */
export function sameRanges(a: readonly SlotRange[], b: readonly SlotRange[]): boolean {
  return a.length === b.length && a.every((r, i) => r.start === b[i]!.start && r.end === b[i]!.end);
}

/** How many keys of the master are outside `ranges` (its own and imported slots): DBSIZE minus theirs; undefined when not known. */
export async function keysOutside(client: NodeClient, ranges: readonly SlotRange[]): Promise<number | undefined> {
  try {
    const [command, ...args] = keysOutsideCommand(ranges);
    const out = keysOutsideOf(await client.call(command, ...args));
    if (out !== undefined) return out;
  } catch {
    /* scripts refused: counted in a transaction */
  }
  const slots = ranges.flatMap((x) => Array.from({ length: x.end - x.start + 1 }, (_, i) => x.start + i));
  let res;
  try {
    res = await client.pipeline([['MULTI'], ['DBSIZE'], ...slots.map((s) => ['CLUSTER', 'COUNTKEYSINSLOT', s] as const), ['EXEC']]);
  } catch {
    return undefined;
  }
  const exec = res[res.length - 1];
  if (!exec?.ok || !Array.isArray(exec.value) || exec.value.length !== slots.length + 1) return undefined;
  const replies = exec.value as unknown[];
  if (!replies.every(isCount)) return undefined;
  let inSlots = 0;
  for (let i = 1; i < replies.length; i++) inSlots += Number(replies[i]);
  return Number(replies[0]) - inSlots;
}
