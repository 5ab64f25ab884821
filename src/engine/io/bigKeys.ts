/**
 * Finds the keys of a plan whose MIGRATE would block long, within a time
 * bound: per source, the planned slots' keys (CLUSTER GETKEYSINSLOT, a sample
 * of up to SAMPLE_PER_SLOT per slot), their STRLEN, and for the keys that are
 * no string their TYPE, then their length by type (HLEN/LLEN/SCARD/ZCARD/XLEN),
 * all pipelined; MEMORY USAGE only for
 * the largest few per slot.
 */
import { bigKeyTimeoutMs, bigKeyWarning, BIG_KEY_MS, estimateBlockingMs, type BigKey, type BigKeyReport, type BigKeyWarning } from '../model/bigKeys';
import type { MovePlan } from '../model/plan';
import type { NodeClient } from './connection';

const SAMPLE_PER_SLOT = 256;
const TOP_PER_SLOT = 4;
const SLOTS_PER_ROUND = 32;
const LENGTH_COMMAND: Readonly<Record<string, string>> = { string: 'STRLEN', hash: 'HLEN', list: 'LLEN', set: 'SCARD', zset: 'ZCARD', stream: 'XLEN' };
/** Below this a key is not worth a MEMORY USAGE (strings: bytes; collections: elements). */
const MIN_LENGTH: Readonly<Record<string, number>> = { string: 1_000_000, hash: 10_000, list: 10_000, set: 10_000, zset: 10_000, stream: 10_000 };

export interface BigKeyScanOptions {
  /** Time bound of the whole scan, ms (default 2000). */
  readonly timeBoundMs?: number;
  /** The user's MIGRATE timeout (per-key timeouts never go below it). */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

async function nodeTimeoutMs(client: NodeClient): Promise<number> {
  try {
    const reply = await client.call('CONFIG', 'GET', 'cluster-node-timeout');
    return Array.isArray(reply) ? Number(reply[1]) : 0;
  } catch {
    return 0; // CONFIG may be renamed or forbidden: no failover warning then
  }
}

export async function scanBigKeys(
  clients: ReadonlyMap<string, NodeClient>,
  plan: MovePlan,
  addr: (id: string) => string,
  opts: BigKeyScanOptions = {},
): Promise<BigKeyReport> {
  const now = opts.now ?? Date.now;
  const deadline = now() + (opts.timeBoundMs ?? 2000);
  const bySource = new Map<string, { slot: number; targetId: string }[]>();
  for (const m of plan.moves) {
    let list = bySource.get(m.sourceId);
    if (!list) bySource.set(m.sourceId, (list = []));
    list.push({ slot: m.slot, targetId: m.targetId });
  }
  const keys: BigKey[] = [];
  const warnings: BigKeyWarning[] = [];
  let scanned = 0;
  let truncated = false;
  await Promise.all(
    [...bySource].map(async ([sourceId, moves]) => {
      const c = clients.get(sourceId);
      if (!c) return;
      const nodeTimeout = await nodeTimeoutMs(c);
      for (let i = 0; i < moves.length; i += SLOTS_PER_ROUND) {
        if (now() > deadline) {
          truncated = true;
          return;
        }
        const round = moves.slice(i, i + SLOTS_PER_ROUND);
        const lists = await c.pipeline(
          round.map((m) => ['CLUSTER', 'GETKEYSINSLOT', m.slot, SAMPLE_PER_SLOT] as const),
          { buffers: true },
        );
        const found = round.flatMap((m, j) => (lists[j]!.ok ? (lists[j]!.value as Buffer[]) : []).map((key) => ({ ...m, key })));
        scanned += round.length;
        if (found.length === 0) continue;
        // STRLEN first (most keys are strings): one command per key instead of TYPE then STRLEN. Only the keys it
        // refuses (WRONGTYPE: a collection) get a TYPE and their length command.
        const strlens = await c.pipeline(found.map((f) => ['STRLEN', f.key] as const));
        const strings = found.map((f, j) => ({ ...f, type: 'string', length: strlens[j]!.ok ? Number(strlens[j]!.value) : -1 }));
        const others = found.filter((_, j) => !strlens[j]!.ok);
        const types = others.length > 0 ? await c.pipeline(others.map((f) => ['TYPE', f.key] as const)) : [];
        const typed = others.map((f, j) => ({ ...f, type: types[j]!.ok ? String(types[j]!.value) : 'none' })).filter((f) => LENGTH_COMMAND[f.type]);
        const lengths = typed.length > 0 ? await c.pipeline(typed.map((f) => [LENGTH_COMMAND[f.type]!, f.key] as const)) : [];
        const sized = [
          ...strings.filter((f) => f.length >= 0),
          ...typed.map((f, j) => ({ ...f, length: lengths[j]!.ok ? Number(lengths[j]!.value) : 0 })),
        ].filter((f) => f.length >= MIN_LENGTH[f.type]!);
        // The largest few per slot get a MEMORY USAGE.
        const perSlot = new Map<number, typeof sized>();
        for (const f of sized) {
          let l = perSlot.get(f.slot);
          if (!l) perSlot.set(f.slot, (l = []));
          l.push(f);
        }
        const top = [...perSlot.values()].flatMap((l) => l.sort((a, b) => b.length - a.length).slice(0, TOP_PER_SLOT));
        if (top.length === 0) continue;
        const mem = await c.pipeline(top.map((f) => ['MEMORY', 'USAGE', f.key, 'SAMPLES', 5] as const));
        top.forEach((f, j) => {
          const bytes = mem[j]!.ok ? Number(mem[j]!.value) : 0;
          const estimatedMs = estimateBlockingMs(f.type, f.length, bytes);
          if (estimatedMs < BIG_KEY_MS) return;
          const k: BigKey = {
            slot: f.slot,
            sourceId,
            targetId: f.targetId,
            key: f.key.toString('utf8'),
            type: f.type,
            length: f.length,
            bytes,
            estimatedMs,
            timeoutMs: bigKeyTimeoutMs(estimatedMs, opts.timeoutMs ?? 60000),
          };
          keys.push(k);
          const w = bigKeyWarning(k, nodeTimeout, addr);
          if (w) warnings.push(w);
        });
      }
    }),
  );
  keys.sort((a, b) => b.estimatedMs - a.estimatedMs);
  return { keys, warnings, slotsScanned: scanned, slotsPlanned: plan.moves.length, truncated };
}
