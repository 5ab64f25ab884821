/**
 * Keys a master holds in slots it does not own (orphans, and a fix's
 * multiple-owner search): CLUSTER COUNTKEYSINSLOT of every slot it does not
 * own. Redis 8 hides such keys: COUNTKEYSINSLOT answers 0, GETKEYSINSLOT,
 * SCAN, KEYS and INFO keyspace show nothing, only DBSIZE counts them (and they
 * reappear once the node imports the slot). So when DBSIZE exceeds the keys
 * counted in every slot, the caller's `probe` (fix: each slot counted under a
 * brief IMPORTING) finds them; without a probe, a SCAN (servers that list
 * them there), else they are reported as `hidden`.
 */
import { keyHashSlot } from '../data/keySlot';
import { SLOT_COUNT } from '../model/slots';
import { countKeysInSlots } from './bulk';
import type { NodeClient } from './connection';

export interface ForeignKeys {
  readonly slot: number;
  readonly keys: number;
}

export interface ForeignKeyCount {
  readonly slots: ForeignKeys[];
  /** Keys DBSIZE counts that no slot count, probe or SCAN accounted for (Redis 8 without a probe). */
  readonly hidden: number;
}

/** Counts per not-owned slot, e.g. under IMPORTING; -1 where it failed. */
export type HiddenKeysProbe = (slots: readonly number[]) => Promise<number[]>;

/** Per slot the node does not own (`owned[slot]` 0), its key count; only slots with keys. */
export async function foreignKeysOf(client: NodeClient, owned: Uint8Array, probe?: HiddenKeysProbe): Promise<ForeignKeyCount> {
  const all = Array.from({ length: SLOT_COUNT }, (_, s) => s);
  const [counts, size] = await Promise.all([countKeysInSlots(client, all), client.call('DBSIZE')]);
  const counted = counts.reduce((a, b) => a + Math.max(0, b), 0);
  const visible = all.filter((s) => !owned[s] && counts[s]! > 0).map((slot) => ({ slot, keys: counts[slot]! }));
  const missing = Number(size) - counted;
  if (missing <= 0) return { slots: visible, hidden: 0 };
  if (probe) {
    const dark = all.filter((s) => !owned[s] && counts[s]! <= 0);
    const found = await probe(dark);
    const more = dark.map((slot, i) => ({ slot, keys: found[i]! })).filter((f) => f.keys > 0);
    const slots = [...visible, ...more].sort((a, b) => a.slot - b.slot);
    return { slots, hidden: Math.max(0, missing - more.reduce((a, f) => a + f.keys, 0)) };
  }
  const scanned = await scanForeign(client, owned);
  const extra = scanned.reduce((a, f) => a + f.keys, 0) - visible.reduce((a, f) => a + f.keys, 0);
  return extra > 0 ? { slots: scanned, hidden: Math.max(0, missing - extra) } : { slots: visible, hidden: missing };
}

async function scanForeign(client: NodeClient, owned: Uint8Array): Promise<ForeignKeys[]> {
  const perSlot = new Map<number, number>();
  let cursor = '0';
  do {
    const [r] = await client.pipeline([['SCAN', cursor, 'COUNT', 1000]], { buffers: true });
    if (!r!.ok) break;
    const [next, keys] = r!.value as [Buffer, Buffer[]];
    cursor = next.toString();
    for (const k of keys) {
      const slot = keyHashSlot(k);
      if (!owned[slot]) perSlot.set(slot, (perSlot.get(slot) ?? 0) + 1);
    }
  } while (cursor !== '0');
  return [...perSlot].sort((a, b) => a[0] - b[0]).map(([slot, keys]) => ({ slot, keys }));
}
