/**
 * A fix move INTO a slot's owner (issue #10 items 4 and 5): the keys of the
 * slot on another node (IMPORTING the slot, so ASKING reaches them) are
 * compared with the owner's copies (DUMP payloads) and
 *  - moved (MIGRATE without REPLACE) where the owner lacks them,
 *  - dropped from the other node where the owner holds an equal copy,
 *  - kept on both sides and listed where the copies differ.
 * The owner's copy is the one clients are served, so it is never overwritten:
 * --cluster-replace does not apply here (redis-cli would overwrite it and so
 * roll back acknowledged writes). A key the owner gets meanwhile (BUSYKEY) is
 * compared again in the next round.
 */
import type { FixIo } from './steps';

/** One copy of a key: TYPE, MEMORY USAGE (bytes; null if refused) and PTTL (-1: no TTL). */
export interface CopyInfo {
  readonly type: string;
  readonly bytes: number | null;
  readonly ttlMs: number;
}

/** A key held with different values by the owner (kept: clients are served it) and by another node. */
export interface KeyConflict {
  readonly slot: number;
  readonly key: string;
  /** `host:port` of the owner, whose copy clients are served. */
  readonly served: string;
  /** `host:port` of the node holding the other copy (left where it is). */
  readonly other: string;
  readonly servedCopy: CopyInfo;
  readonly otherCopy: CopyInfo;
}

export interface MergeResult {
  /** false after a command error (printed). */
  readonly ok: boolean;
  readonly moved: number;
  readonly dropped: number;
  readonly conflicts: readonly KeyConflict[];
}

const MAX_ROUNDS = 10;
const CLUSTER_DOWN = 'CLUSTERDOWN';

/** DUMP payloads (null: no such key), or the first error a node replied with. */
async function dumpKeys(io: FixIo, id: string, keys: readonly Buffer[]): Promise<{ values: (Buffer | null)[] } | { error: string }> {
  // ASKING before each DUMP: the node may be importing the slot.
  const res = await io.client(id).pipeline(
    keys.flatMap((k) => [['ASKING'] as const, ['DUMP', k] as const]),
    { buffers: true },
  );
  const values: (Buffer | null)[] = [];
  for (let i = 0; i < keys.length; i++) {
    const r = res[2 * i + 1]!;
    if (!r.ok) return { error: r.error };
    values.push(Buffer.isBuffer(r.value) ? r.value : null);
  }
  return { values };
}

async function copyInfo(io: FixIo, id: string, keys: readonly Buffer[]): Promise<CopyInfo[]> {
  if (keys.length === 0) return [];
  const res = await io
    .client(id)
    .pipeline(
      keys.flatMap((k) => [
        ['ASKING'] as const,
        ['TYPE', k] as const,
        ['ASKING'] as const,
        ['MEMORY', 'USAGE', k] as const,
        ['ASKING'] as const,
        ['PTTL', k] as const,
      ]),
    );
  return keys.map((_, i) => {
    const [type, bytes, ttl] = [res[6 * i + 1]!, res[6 * i + 3]!, res[6 * i + 5]!];
    return {
      type: type.ok ? String(type.value) : '?',
      bytes: bytes.ok && bytes.value !== null ? Number(bytes.value) : null,
      ttlMs: ttl.ok ? Number(ttl.value) : -1,
    };
  });
}

/** Moves, drops or keeps every key of `slot` on `from` against the owner `to`; `progress` gets the keys handled. */
export async function mergeInto(io: FixIo, from: string, to: string, slot: number, progress: (keys: number) => void): Promise<MergeResult> {
  const differing = new Map<string, Buffer>();
  let initial = -1;
  let left = 0;
  let moved = 0;
  let dropped = 0;
  const fail = (error: string): MergeResult => {
    io.emitReplyError(from, error);
    return { ok: false, moved, dropped, conflicts: [] };
  };
  let downDeadline: number | null = null;
  // A node that has not heard yet that the slot was just covered answers CLUSTERDOWN: wait for it (up to clusterDownWaitMs).
  const waitedOut = async (id: string, error: string): Promise<boolean> => {
    if (!error.startsWith(CLUSTER_DOWN)) return false;
    downDeadline ??= io.clock.now() + (io.opts.clusterDownWaitMs ?? 10_000);
    return io.waitClusterOk(id, downDeadline);
  };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const [count] = await io.countKeys([from], slot);
    if (count! < 0) return { ok: false, moved, dropped, conflicts: [] };
    if (initial < 0) initial = count!;
    left = count!;
    if (count! === 0) break;
    const [all] = await io.port.getKeysInSlots(from, [slot], count!);
    const keys = (all ?? []).filter((k) => !differing.has(k.toString('hex')));
    if (keys.length === 0) break;
    const [a, b] = await Promise.all([dumpKeys(io, from, keys), dumpKeys(io, to, keys)]);
    if ('error' in a || 'error' in b) {
      const [id, error] = 'error' in a ? [from, a.error] : [to, (b as { error: string }).error];
      if (await waitedOut(id, error)) {
        round--;
        continue;
      }
      io.emitReplyError(id, error);
      return { ok: false, moved, dropped, conflicts: [] };
    }
    const [mine, theirs] = [a.values, b.values];
    const move: Buffer[] = [];
    const drop: Buffer[] = [];
    keys.forEach((k, i) => {
      const [m, t] = [mine[i], theirs[i]];
      if (m === null || m === undefined) return; // expired or deleted meanwhile
      if (t === null || t === undefined) move.push(k);
      else if (m.equals(t)) drop.push(k);
      else differing.set(k.toString('hex'), k);
    });
    if (move.length === 0 && drop.length === 0) break;
    const batch = io.opts.pipeline ?? 100;
    const groups: Buffer[][] = [];
    for (let i = 0; i < move.length; i += batch) groups.push(move.slice(i, i + batch));
    const results = groups.length > 0 ? await io.port.migrate(from, to, groups, { timeoutMs: io.opts.timeoutMs ?? 60000, replace: false }) : [];
    let again = false;
    for (let g = 0; g < groups.length; g++) {
      const e = results[g];
      if (e === null || e === undefined) {
        moved += groups[g]!.length;
        progress(groups[g]!.length);
      } else if (await waitedOut(from, e)) again = true;
      else if (!e.includes('BUSYKEY')) return fail(e); // BUSYKEY: the owner got some of them meanwhile; compared again next round
    }
    if (again) round--;
    left = -1; // counted again at the top of the next round
    if (drop.length > 0) {
      // Race-free: the other node's copy is reachable by no client (the slot is not its own), so it cannot change.
      const res = await io.client(from).pipeline(drop.flatMap((k) => [['ASKING'] as const, ['DEL', k] as const]));
      for (let i = 0; i < drop.length; i++) {
        const r = res[2 * i + 1]!;
        if (!r.ok) return fail(r.error);
      }
      dropped += drop.length;
      progress(drop.length);
    }
  }
  if (left < 0) {
    const [count] = await io.countKeys([from], slot);
    left = Math.max(0, count!);
  }
  // A MIGRATE answering BUSYKEY still moved its group's other keys: count them from what is left.
  const all = Math.max(moved, initial - left - dropped);
  if (all > moved) progress(all - moved);
  moved = all;
  const keys = [...differing.values()];
  const [servedInfo, otherInfo] = await Promise.all([copyInfo(io, to, keys), copyInfo(io, from, keys)]);
  const conflicts = keys.map((k, i) => ({
    slot,
    key: k.toString('utf8'),
    served: io.addr(to),
    other: io.addr(from),
    servedCopy: servedInfo[i]!,
    otherCopy: otherInfo[i]!,
  }));
  return { ok: true, moved, dropped, conflicts };
}
