/**
 * Keys a master holds in slots it does not own (orphans, and a fix's
 * multiple-owner search): CLUSTER COUNTKEYSINSLOT of every slot it does not
 * own. Redis 8 hides such keys: COUNTKEYSINSLOT answers 0, GETKEYSINSLOT,
 * SCAN, KEYS and INFO keyspace show nothing, only DBSIZE counts them (and they
 * reappear once the node imports the slot). So with a `probe` (fix: each slot
 * counted under a brief IMPORTING) every slot is counted and, when DBSIZE
 * (read after the counts, so that writes meanwhile can only make it larger)
 * exceeds their sum, the probe finds the hidden ones. Without a probe (a
 * read-only load) only the visible keys are counted.
 */
import { SLOT_COUNT } from '../model/slots';
import { countKeysInSlots } from './bulk';
import type { NodeClient } from './connection';

export interface ForeignKeys {
  readonly slot: number;
  readonly keys: number;
}

/** Counts per not-owned slot, e.g. under IMPORTING; -1 where it failed. */
export type HiddenKeysProbe = (slots: readonly number[]) => Promise<number[]>;

/** Per slot the node does not own (`owned[slot]` 0), its key count; only slots with keys. */
export async function foreignKeysOf(client: NodeClient, owned: Uint8Array, probe?: HiddenKeysProbe): Promise<ForeignKeys[]> {
  const slots = Array.from({ length: SLOT_COUNT }, (_, s) => s).filter((s) => probe !== undefined || !owned[s]);
  const counts = await countKeysInSlots(client, slots);
  const found = slots.map((slot, i) => ({ slot, keys: counts[i]! })).filter((f) => !owned[f.slot] && f.keys > 0);
  if (!probe) return found;
  const size = Number(await client.call('DBSIZE'));
  if (size <= counts.reduce((a, b) => a + Math.max(0, b), 0)) return found;
  const dark = slots.filter((s, i) => !owned[s] && counts[i]! <= 0);
  const more = await probe(dark);
  return [...found, ...dark.map((slot, i) => ({ slot, keys: more[i]! })).filter((f) => f.keys > 0)].sort((a, b) => a.slot - b.slot);
}
