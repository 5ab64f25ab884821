/**
 * The decisions of `fix` (redis-cli's clusterManagerFixOpenSlot, FixSlotsCoverage
 * and FixMultipleSlotOwners, spec §3.4) as pure functions over data gathered
 * beforehand: which case an open slot is, who becomes the owner, how uncovered
 * slots are grouped and in which order. No I/O here: ops/fix.ts gathers the
 * inputs and carries the decisions out (fix/steps.ts).
 */
import { RedisDictOrder } from '../check/redisDict';
import type { DictRehash } from '../model/dialect';

/** One master's view of one slot, as fix needs it. */
export interface SlotNodeState {
  readonly id: string;
  /** The node's own configuration assigns it the slot. */
  readonly claims: boolean;
  /** Its `[slot->-id]` marker: the node it migrates the slot to, else null. */
  readonly migratingTo: string | null;
  /** Its `[slot-<-id]` marker: the node it imports the slot from, else null. */
  readonly importingFrom: string | null;
  /** CLUSTER COUNTKEYSINSLOT on the node. */
  readonly keys: number;
}

/** What fix does with one open slot (spec §3.4.1 step 6). Node ids throughout. */
export type OpenSlotAction =
  /** Exactly one migrating and one importing node: a normal move, then SETSLOT NODE everywhere. */
  | { readonly kind: 'case1'; readonly source: string; readonly target: string }
  /** No migrating node: every importing node's keys are moved cold to the owner, which keeps the slot. */
  | { readonly kind: 'case2'; readonly owner: string; readonly sources: readonly string[] }
  /** One migrating node, several importing ones: move to the one it migrates to, close the others. */
  | { readonly kind: 'case3-move'; readonly source: string; readonly target: string; readonly close: readonly string[] }
  /** As case 3, but the migrating node's destination is not among the importing ones: close everywhere. */
  | { readonly kind: 'case3-close'; readonly close: readonly string[] }
  /** Only a migrating node, which owns the slot or has no key in it: close it there. */
  | { readonly kind: 'case4'; readonly node: string }
  /** A combination redis-cli (and we) do not repair automatically. */
  | { readonly kind: 'unhandled'; readonly owner: string }
  /** No master at all to own the slot. */
  | { readonly kind: 'no-owner' };

export interface OpenSlotAnalysis {
  readonly slot: number;
  /** Masters holding keys of the slot without claiming it (warned "in non-owner node"), list order. */
  readonly nonOwnerKeys: readonly string[];
  /** Masters claiming the slot or holding keys of it, list order. */
  readonly owners: readonly string[];
  /** Masters added to the importing list only because they hold keys (warned "in node"). */
  readonly keyHolders: readonly string[];
  /** The migrating / importing lists as first built (what "Set as … in:" prints). */
  readonly migrating: readonly string[];
  readonly importing: readonly string[];
  /**
   * Set when there was no single owner: the master with most keys, made owner
   * (SETSLOT STABLE + DELSLOTS/ADDSLOTS/BUMPEPOCH on it).
   */
  readonly elected?: string;
  /** The owner the action works with (single owner or elected); null only with 'no-owner'. */
  readonly owner: string | null;
  /** The other owners: DELSLOTS, SETSLOT NODE owner, SETSLOT IMPORTING owner on each (step 5). */
  readonly demoted: readonly string[];
  /** The lists after the election and demotion (what the case was chosen on). */
  readonly finalMigrating: readonly string[];
  readonly finalImporting: readonly string[];
  readonly action: OpenSlotAction;
}

/**
 * redis-cli's "node with most keys in slot": the first node with the strictly
 * greatest count; when all counts are 0, the first node. null for no nodes.
 */
export function nodeWithMostKeys(nodes: readonly { readonly id: string; readonly keys: number }[]): string | null {
  let best: { id: string; keys: number } | null = null;
  for (const n of nodes) if (best === null || n.keys > best.keys) best = n;
  return best?.id ?? null;
}

/**
 * Case selection for one open slot. `masters` in node-list order (replicas excluded).
 * `served`: the master clients are served the slot from (fix/served.ts) when
 * it must stay the owner because another holder has keys of the same name
 * (possibly another copy): then it is elected instead of the node with most
 * keys (deliberate difference: redis-cli's pick would move the served copies
 * under the other node's, rolling back acknowledged writes).
 */
export function analyzeOpenSlot(slot: number, masters: readonly SlotNodeState[], served?: string): OpenSlotAnalysis {
  const byId = new Map(masters.map((m) => [m.id, m]));
  const keysOf = (id: string): number => byId.get(id)?.keys ?? 0;

  const owners = masters.filter((m) => m.claims || m.keys > 0).map((m) => m.id);
  const nonOwnerKeys = masters.filter((m) => !m.claims && m.keys > 0).map((m) => m.id);
  const singleOwner = owners.length === 1 ? owners[0]! : null;

  const migrating: string[] = [];
  const importing: string[] = [];
  const keyHolders: string[] = [];
  for (const m of masters) {
    if (m.migratingTo !== null) migrating.push(m.id);
    else if (m.importingFrom !== null) importing.push(m.id);
    else if (m.id !== singleOwner && m.keys > 0) {
      keyHolders.push(m.id);
      importing.push(m.id);
    }
  }

  let mig = [...migrating];
  let imp = [...importing];
  let owner = singleOwner;
  let elected: string | undefined;
  const base = { slot, nonOwnerKeys, owners, keyHolders, migrating, importing };
  if (owner === null) {
    const chosen = served !== undefined && byId.has(served) ? served : nodeWithMostKeys(masters);
    if (chosen === null) {
      return { ...base, owner: null, demoted: [], finalMigrating: mig, finalImporting: imp, action: { kind: 'no-owner' } };
    }
    owner = elected = chosen;
    mig = mig.filter((id) => id !== chosen);
    imp = imp.filter((id) => id !== chosen);
  }
  const demoted: string[] = [];
  if (owners.length > 1) {
    for (const id of owners) {
      if (id === owner) continue;
      demoted.push(id);
      imp = [...imp.filter((x) => x !== id), id];
      mig = mig.filter((x) => x !== id);
    }
  }

  const result = (action: OpenSlotAction): OpenSlotAnalysis => ({
    ...base,
    ...(elected !== undefined ? { elected } : {}),
    owner,
    demoted,
    finalMigrating: mig,
    finalImporting: imp,
    action,
  });

  if (mig.length === 1 && imp.length === 1) return result({ kind: 'case1', source: mig[0]!, target: imp[0]! });
  if (mig.length === 0 && imp.length > 0) {
    const o = owner;
    return result({ kind: 'case2', owner: o, sources: imp.filter((id) => id !== o) });
  }
  if (mig.length === 1 && imp.length > 1) {
    const source = mig[0]!;
    const destination = byId.get(source)?.migratingTo ?? null;
    let target: string | null = null;
    for (const id of imp) {
      // redis-cli gives up as soon as an importing node holds keys.
      if (keysOf(id) > 0) return result({ kind: 'unhandled', owner });
      if (id === destination) target = id;
    }
    if (target !== null) {
      const t = target;
      return result({ kind: 'case3-move', source, target: t, close: imp.filter((id) => id !== t) });
    }
    return result({ kind: 'case3-close', close: [source, ...imp] });
  }
  if (imp.length === 0 && mig.length === 1 && (mig[0] === owner || keysOf(mig[0]!) === 0)) {
    return result({ kind: 'case4', node: mig[0]! });
  }
  return result({ kind: 'unhandled', owner });
}

/** Uncovered slots grouped by who holds keys of them, each group in redis-cli's dict order (Appendix A). */
export interface UncoveredPartition {
  /** No master holds a key: covered by a chosen master. */
  readonly none: readonly number[];
  /** Keys on exactly one master: that master takes the slot. */
  readonly single: readonly { readonly slot: number; readonly holder: string }[];
  /** Keys on several masters: the one with most keys takes the slot, the others' keys move to it. */
  readonly multi: readonly { readonly slot: number; readonly holders: readonly string[] }[];
}

/**
 * Partitions uncovered slots as redis-cli does: slot → key holders inserted
 * in ascending slot order into a Redis dict, then walked in dict order.
 * `holders` lists, per slot, the masters (list order) answering GETKEYSINSLOT slot 1 with a key.
 */
export function partitionUncovered(slots: readonly number[], holders: (slot: number) => readonly string[], rehash?: DictRehash): UncoveredPartition {
  const dict = new RedisDictOrder<readonly string[]>(rehash);
  for (const s of [...slots].sort((a, b) => a - b)) dict.set(String(s), holders(s));
  const none: number[] = [];
  const single: { slot: number; holder: string }[] = [];
  const multi: { slot: number; holders: readonly string[] }[] = [];
  for (const [key, h] of dict.entries()) {
    const slot = Number(key);
    if (h.length === 0) none.push(slot);
    else if (h.length === 1) single.push({ slot, holder: h[0]! });
    else multi.push({ slot, holders: h });
  }
  return { none, single, multi };
}

/**
 * The master that takes an uncovered slot without keys. redis-cli picks
 * `rand() % masters` after reseeding with the time on every call (so all picks
 * within a second go to one node). Deliberate difference: we pick the master
 * with the fewest slots, ties by list order, so the result is reproducible and
 * several slots spread over the masters (see assignUncoveredWithoutKeys).
 */
export function pickCoverMaster(masters: readonly { readonly id: string; readonly slotCount: number }[]): string | null {
  let best: { id: string; slotCount: number } | null = null;
  for (const m of masters) if (best === null || m.slotCount < best.slotCount) best = m;
  return best?.id ?? null;
}

/**
 * Owners for all the uncovered slots without keys, each as pickCoverMaster
 * would choose one after the other (so the counts end as even as possible),
 * but handed out as contiguous runs of ascending slots, masters in list
 * order — a dead master's range comes back as a few ranges, not as
 * thousands of alternating single slots.
 */
export function assignUncoveredWithoutKeys(
  slots: readonly number[],
  masters: readonly { readonly id: string; readonly slotCount: number }[],
): Map<number, string> {
  const counts = masters.map((m) => ({ id: m.id, slotCount: m.slotCount }));
  const share = new Map<string, number>();
  for (let i = 0; i < slots.length; i++) {
    const id = pickCoverMaster(counts);
    if (id === null) break;
    counts.find((c) => c.id === id)!.slotCount++;
    share.set(id, (share.get(id) ?? 0) + 1);
  }
  const sorted = [...slots].sort((a, b) => a - b);
  const out = new Map<number, string>();
  let next = 0;
  for (const m of masters) {
    for (let k = share.get(m.id) ?? 0; k > 0; k--) out.set(sorted[next++]!, m.id);
  }
  return out;
}

/** For --cluster-search-multiple-owners: slots claimed by, or holding keys on, more than one master. */
export function findMultipleOwners(
  masters: readonly { readonly id: string; readonly claims: Uint8Array }[],
  foreignKeys: readonly { readonly nodeId: string; readonly slot: number; readonly keys: number }[],
): { slot: number; owners: string[] }[] {
  const foreign = new Map<string, Set<number>>();
  for (const f of foreignKeys) {
    if (f.keys <= 0) continue;
    let set = foreign.get(f.nodeId);
    if (!set) foreign.set(f.nodeId, (set = new Set()));
    set.add(f.slot);
  }
  const out: { slot: number; owners: string[] }[] = [];
  const slotCount = masters[0]?.claims.length ?? 0;
  for (let s = 0; s < slotCount; s++) {
    const owners = masters.filter((m) => m.claims[s] || foreign.get(m.id)?.has(s)).map((m) => m.id);
    if (owners.length > 1) out.push({ slot: s, owners });
  }
  return out;
}
