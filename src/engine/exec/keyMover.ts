/**
 * Moves every key of a window of open slots from source to target:
 * GETKEYSINSLOT for all pending slots in one pipeline, then MIGRATE … KEYS,
 * one command per slot (MIGRATE refuses keys of different slots; the batch
 * size caps the keys per command), a few in flight on separate connections,
 * until every slot is empty on the source.
 */
import type { BigKey } from '../model/bigKeys';
import { EngineError } from '../model/errors';
import type { BatchSizer } from './batchSize';
import { targetReplicated } from './durability';
import type { MigrationEvent } from './events';
import type { Pace } from '../model/progress';
import { MIGRATE_COPY_CHANGED, type Clock, type MigrateOptions, type SlotPort } from './port';

export interface KeyMoveContext {
  readonly port: SlotPort;
  readonly clock: Clock;
  readonly sizer: BatchSizer;
  readonly migrate: MigrateOptions;
  readonly emit: (e: MigrationEvent) => void;
  readonly maxRetries?: number;
  /** The live pace (latency-paced runs): caps keys per MIGRATE and MIGRATEs in flight. */
  readonly pace?: () => Pace;
  /** Counts commands sent to a node (the pace probe subtracts them from its ops/s). */
  readonly countOwn?: (nodeId: string, commands: number) => void;
  /** Big keys found before the move, by slot and key name: moved last in their slot, alone, with their own timeout. */
  readonly bigKeys?: ReadonlyMap<number, ReadonlyMap<string, BigKey>>;
}

/** Keys per MIGRATE now: the sizer's latency-budgeted size, capped by the pace. */
export function batchKeys(ctx: KeyMoveContext): number {
  const size = ctx.sizer.current();
  const pace = ctx.pace?.();
  return pace ? Math.max(1, Math.min(size, pace.batchKeys)) : size;
}

interface SlotKeys {
  readonly slot: number;
  readonly keys: readonly Buffer[];
  readonly timeoutMs?: number;
  /** The source may hold more keys of this slot (the lookup was capped, or big keys were held back). */
  readonly more?: boolean;
}

/** Normal keys first; a slot's big keys only once nothing else is left, one MIGRATE each. */
function splitBig(ctx: KeyMoveContext, slot: number, keys: readonly Buffer[], capped: boolean): SlotKeys[] {
  const big = ctx.bigKeys?.get(slot);
  if (!big) return [{ slot, keys, more: capped }];
  const normal = keys.filter((k) => !big.has(k.toString('utf8')));
  if (normal.length > 0) return [{ slot, keys: normal, more: capped || normal.length < keys.length }];
  return keys.map((k, i) => ({ slot, keys: [k], timeoutMs: big.get(k.toString('utf8'))!.timeoutMs, more: capped && i === keys.length - 1 }));
}

/** How many single-slot MIGRATEs run at once on one source (each on its own connection). */
export const MIGRATE_CONCURRENCY = 2;

/** Slots per pipelined GETKEYSINSLOT round trip. */
export const KEY_LOOKUP_SLOTS = 16;

/**
 * Returns keys moved per slot. Throws EngineError('migration-failed' | 'busy-key') leaving the slots open.
 * A worker empties a slot before it takes the next one, so a failure finds at most the slots in flight
 * half-moved (one per worker); every other slot of the window has all its keys on one side.
 */
export async function moveWindowKeys(ctx: KeyMoveContext, sourceId: string, targetId: string, slots: readonly number[]): Promise<Map<number, number>> {
  const moved = new Map<number, number>(slots.map((s) => [s, 0]));
  const migrateItem = async (item: SlotKeys): Promise<void> => {
    await migrateRound(ctx, sourceId, targetId, [item], ctx.maxRetries ?? 3);
    moved.set(item.slot, (moved.get(item.slot) ?? 0) + item.keys.length);
  };
  /** The rest of a slot whose first lookup did not return all its keys. */
  const drain = async (slot: number): Promise<void> => {
    for (;;) {
      const count = batchKeys(ctx);
      const [keys] = await ctx.port.getKeysInSlots(sourceId, [slot], count);
      ctx.countOwn?.(sourceId, 1);
      if (!keys || keys.length === 0) return;
      for (const item of splitBig(ctx, slot, keys, keys.length >= count)) await migrateItem(item);
    }
  };
  let pending = [...slots];
  while (pending.length > 0) {
    // GETKEYSINSLOT for a few slots per round trip: one reply for a whole window could hold
    // thousands of keys and stall the source for milliseconds.
    const work: SlotKeys[] = [];
    for (let i = 0; i < pending.length; i += KEY_LOOKUP_SLOTS) {
      const chunk = pending.slice(i, i + KEY_LOOKUP_SLOTS);
      const count = batchKeys(ctx);
      const lists = await ctx.port.getKeysInSlots(sourceId, chunk, count);
      ctx.countOwn?.(sourceId, chunk.length);
      lists.forEach((keys, j) => {
        if (keys.length > 0) work.push(...splitBig(ctx, chunk[j]!, keys, keys.length >= count));
      });
    }
    pending = [...new Set(work.map((w) => w.slot))];
    // A few workers, one MIGRATE (one slot's keys) each in flight: the source stays busy
    // without any single command or pipeline holding it for long.
    let next = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < work.length) {
        const item = work[next++]!;
        try {
          await migrateItem(item);
          if (item.more) await drain(item.slot);
        } catch (e) {
          failure ??= e;
        }
      }
    };
    const inFlight = Math.max(1, Math.min(MIGRATE_CONCURRENCY, ctx.pace?.().inFlight ?? MIGRATE_CONCURRENCY));
    await Promise.all(Array.from({ length: Math.min(inFlight, work.length) }, worker));
    if (failure !== undefined) throw failure;
  }
  return moved;
}

async function migrateRound(ctx: KeyMoveContext, sourceId: string, targetId: string, round: readonly SlotKeys[], retries: number): Promise<void> {
  const keys = round.reduce((a, r) => a + r.keys.length, 0);
  const t0 = ctx.clock.now();
  const opts = round[0]?.timeoutMs !== undefined ? { ...ctx.migrate, timeoutMs: round[0].timeoutMs } : ctx.migrate;
  const errors = await migrateKeys(ctx, sourceId, targetId, round, opts);
  const ms = ctx.clock.now() - t0;
  ctx.countOwn?.(sourceId, round.length);
  ctx.countOwn?.(targetId, keys + round.length); // one RESTORE-ASKING per key, and SELECT/AUTH
  const failed = round.map((r, i) => ({ r, error: errors[i] ?? null })).filter((x) => x.error !== null);
  if (failed.length === 0) {
    ctx.sizer.observe(keys, ms);
    ctx.emit({ type: 'batch', sourceId, targetId, keys, ms });
    return;
  }
  for (const { r, error } of failed) {
    if (error!.includes('BUSYKEY')) {
      await resolveBusyKeys(ctx, sourceId, targetId, r);
      continue;
    }
    if (error === MIGRATE_COPY_CHANGED && retries > 0) {
      // Written on the source between its copy and its deletion: copy the served (source) values again.
      ctx.emit({ type: 'retry', sourceId, reason: 'keys written while they moved', attempt: (ctx.maxRetries ?? 3) - retries + 1 });
      await migrateRound({ ...ctx, migrate: { ...ctx.migrate, replace: true } }, sourceId, targetId, [r], retries - 1);
      continue;
    }
    const transient = /IOERR|timeout|TRYAGAIN|LOADING/i.test(error!);
    if (/timeout/i.test(error!) && ctx.port.finishTimedOut) {
      // The target may have restored keys the source still holds: finish those instead of
      // leaving two copies; move the rest again, with ten times the time.
      // Only while the target still replicates what it acknowledged (exec/durability.ts): a target that was
      // frozen past node-timeout and replaced answers with copies its resync is about to drop.
      const confirm = () =>
        targetReplicated(
          ctx.port,
          ctx.clock,
          targetId,
          `No source copy was deleted; slot ${r.slot} stays open: resume the journal (or run "rcm fix") once the cluster has settled.`,
        );
      const { remaining, replace } = await ctx.port.finishTimedOut(sourceId, targetId, r.keys, confirm);
      ctx.emit({
        type: 'retry',
        sourceId,
        reason: `${error} (${r.keys.length - remaining.length} of ${r.keys.length} key(s) had arrived and were finished)`,
        attempt: (ctx.maxRetries ?? 3) - retries + 1,
      });
      if (remaining.length === 0) continue;
      if (retries <= 0) {
        throw new EngineError({
          code: 'migration-failed',
          node: ctx.port.nodeAddr(sourceId),
          cause: error!,
          message: `MIGRATE of slot ${r.slot} from ${ctx.port.nodeAddr(sourceId)} to ${ctx.port.nodeAddr(targetId)} kept timing out (${error}). The slot stays open; raise --cluster-timeout (now ${opts.timeoutMs} ms) and resume the journal.`,
        });
      }
      const again: SlotKeys = { slot: r.slot, keys: remaining, timeoutMs: opts.timeoutMs * 10 };
      await migrateRound(replace ? { ...ctx, migrate: { ...ctx.migrate, replace: true } } : ctx, sourceId, targetId, [again], retries - 1);
      continue;
    }
    if (transient && retries > 0) {
      ctx.sizer.shrink();
      ctx.emit({ type: 'retry', sourceId, reason: error!, attempt: (ctx.maxRetries ?? 3) - retries + 1 });
      await migrateRound(ctx, sourceId, targetId, [r], retries - 1);
      continue;
    }
    throw new EngineError({
      code: 'migration-failed',
      node: ctx.port.nodeAddr(sourceId),
      cause: error!,
      message: `MIGRATE of slot ${r.slot} from ${ctx.port.nodeAddr(sourceId)} to ${ctx.port.nodeAddr(targetId)} failed: ${error}. The slots in flight stay open; run "rcm fix" or resume the journal to complete them.`,
    });
  }
}

/**
 * MIGRATE of one slot's keys. With a port that can (migrateCopy), the source's copies are deleted
 * only once a replica of the target has them (exec/durability.ts): MIGRATE deletes them as soon as
 * the target says OK, and a target frozen right then (before its replication stream left) is
 * replaced by a replica that never had them. That was the SIGSTOP fault trial's loss (issue #10).
 */
async function migrateKeys(
  ctx: KeyMoveContext,
  sourceId: string,
  targetId: string,
  round: readonly SlotKeys[],
  opts: MigrateOptions,
): Promise<(string | null)[]> {
  if (!ctx.port.migrateCopy || round.length !== 1)
    return ctx.port.migrate(
      sourceId,
      targetId,
      round.map((r) => r.keys),
      opts,
    );
  const slot = round[0]!.slot;
  const confirm = () =>
    targetReplicated(
      ctx.port,
      ctx.clock,
      targetId,
      `The keys of slot ${slot} stay on ${ctx.port.nodeAddr(sourceId)} (copies on the target too); resume the journal (or run "rcm fix") once the cluster has settled.`,
    );
  return [await ctx.port.migrateCopy(sourceId, targetId, round[0]!.keys, opts, confirm)];
}

/**
 * BUSYKEY: some keys exist on the target. With --cluster-replace, overwrite.
 * Without it, compare DUMP payloads (redis-cli uses DEBUG DIGEST-VALUE, which
 * Redis ≥ 7 disables by default): identical values are replaced, different
 * ones stop the move with the key names.
 */
async function resolveBusyKeys(ctx: KeyMoveContext, sourceId: string, targetId: string, group: SlotKeys): Promise<void> {
  const { keys, slot } = group;
  if (!ctx.migrate.replace) {
    const [src, dst] = await Promise.all([ctx.port.dump(sourceId, keys), ctx.port.dump(targetId, keys)]);
    const differing = keys.filter((_, i) => dst[i] !== null && src[i] !== null && !src[i]!.equals(dst[i]!));
    if (differing.length > 0) {
      const names = differing.map((k) => k.toString('utf8'));
      ctx.emit({ type: 'busy-keys', slot, keys: names, action: 'refused' });
      throw new EngineError({
        code: 'busy-key',
        node: ctx.port.nodeAddr(targetId),
        cause: names.join(', '),
        message: `Found ${names.length} key(s) in slot ${slot} on both ${ctx.port.nodeAddr(sourceId)} and ${ctx.port.nodeAddr(targetId)} with different values: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}. Fix them by hand, or run again with --cluster-replace to overwrite the target's values.`,
      });
    }
    ctx.emit({ type: 'busy-keys', slot, keys: keys.filter((_, i) => dst[i] !== null).map((k) => k.toString('utf8')), action: 'identical-replaced' });
  } else {
    ctx.emit({ type: 'busy-keys', slot, keys: keys.map((k) => k.toString('utf8')), action: 'replaced' });
  }
  const [error] = await migrateKeys(ctx, sourceId, targetId, [group], { ...ctx.migrate, replace: true });
  if (error) {
    throw new EngineError({
      code: 'migration-failed',
      node: ctx.port.nodeAddr(sourceId),
      cause: error,
      message: `MIGRATE … REPLACE of slot ${slot} from ${ctx.port.nodeAddr(sourceId)} failed: ${error}`,
    });
  }
}
