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
  if (size <= sum(counts)) return found;
  // More keys than counted: hidden keys, or only keys written between the counts and DBSIZE (a cluster with
  // clients writing always has some). The probe is costly (two SETSLOTs per slot; on Valkey each waits for the
  // replicas: a fix under writes once spent more than a minute in it, and a fix killed meanwhile left slots
  // IMPORTING), so one MULTI of every count and DBSIZE, which no write can come between, decides.
  const snap = await countSnapshot(client, slots);
  if (snap !== undefined && snap.dbsize <= sum(snap.counts)) return found;
  const basis = snap?.counts ?? counts;
  const dark = slots.filter((s, i) => !owned[s] && basis[i]! <= 0);
  const more = await probe(dark);
  return [...found, ...dark.map((slot, i) => ({ slot, keys: more[i]! })).filter((f) => f.keys > 0)].sort((a, b) => a.slot - b.slot);
}

const sum = (counts: readonly number[]): number => counts.reduce((a, b) => a + Math.max(0, b), 0);

/** COUNTKEYSINSLOT of `slots` and DBSIZE at one instant (MULTI/EXEC); undefined when the node refused it (the probe runs then). */
async function countSnapshot(client: NodeClient, slots: readonly number[]): Promise<{ counts: number[]; dbsize: number } | undefined> {
  const res = await client.pipeline([['MULTI'], ...slots.map((s) => ['CLUSTER', 'COUNTKEYSINSLOT', s] as const), ['DBSIZE'], ['EXEC']]);
  const exec = res[res.length - 1]!;
  if (!exec.ok || !Array.isArray(exec.value) || exec.value.length !== slots.length + 1) return undefined;
  const values = exec.value as unknown[];
  const num = (v: unknown): number => (v instanceof Error ? -1 : Number(v));
  return { counts: values.slice(0, slots.length).map(num), dbsize: num(values[slots.length]) };
}
