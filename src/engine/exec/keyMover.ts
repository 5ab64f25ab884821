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
import { replicationBarrier, targetReplicated } from './durability';
import type { MigrationEvent } from './events';
import type { EpochBook } from './epochGuard';
import type { OwnerBroadcast } from './ownerBroadcast';
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
  /** Bounds the MIGRATEs in flight: taken before each MIGRATE, given back when its reply is in. */
  readonly gate?: { acquire(): Promise<void>; release(): void };
  /** Called when a batch's copy (MIGRATE … COPY) has replied and waits for the replica: its worker may start the next one. */
  readonly onSent?: () => void;
  /** The shared check that a replica of the target has every copy so far (durability.ts replicationBarrier). */
  readonly replicated?: () => Promise<void>;
  /** The run's SETSLOT NODE to the masters outside a window (ownerBroadcast.ts); without it each window sends its own and waits. */
  readonly broadcast?: OwnerBroadcast;
  /** The run's book of the masters' config epochs (epochGuard.ts); without it each window reads its own. */
  readonly epochs?: EpochBook;
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
 * Keys asked for per slot and lookup (at least the batch size): a lookup is cheap for the source (no value
 * is read), a MIGRATE is not, so one lookup feeds several batches of the pace's size.
 */
export const LOOKUP_KEYS = 256;

/**
 * Batches of copy-then-delete (migrateCopy) one worker keeps in flight: its next MIGRATE starts once the
 * previous one's copy is on the target, while that one waits for the target's replica and deletes.
 */
export const COPIES_IN_FLIGHT = 8;

/** One slot's share of a lookup: its batches, and whether the source may hold more of its keys. */
interface SlotWork {
  readonly slot: number;
  readonly batches: readonly SlotKeys[];
  readonly more: boolean;
}

/** A lookup's keys of one slot in batches of at most `size` keys, as even as possible; big keys alone. */
function slotWork(ctx: KeyMoveContext, slot: number, keys: readonly Buffer[], capped: boolean, size: number): SlotWork {
  const batches: SlotKeys[] = [];
  for (const item of splitBig(ctx, slot, keys, capped)) {
    const n = Math.ceil(item.keys.length / size);
    const per = Math.ceil(item.keys.length / n);
    for (let i = 0; i < item.keys.length; i += per)
      batches.push({ slot, keys: item.keys.slice(i, i + per), ...(item.timeoutMs !== undefined ? { timeoutMs: item.timeoutMs } : {}) });
  }
  return { slot, batches, more: capped || batches.length === 0 || keys.length > batches.reduce((a, b) => a + b.keys.length, 0) };
}

/** At most `n` holders at once; waiters in arrival order. */
function semaphore(n: number): { acquire(): Promise<void>; release(): void } {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    acquire: () => {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise<void>((r) => waiting.push(r));
    },
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

/**
 * Returns keys moved per slot. Throws EngineError('migration-failed' | 'busy-key') leaving the slots open.
 * A worker empties a slot before it takes the next one, so a failure finds at most the slots in flight
 * half-moved (one per worker, plus those whose copies still waited for the target's replica); every other
 * slot of the window has all its keys on one side.
 *
 * MIGRATEs in flight stay within the pace (a gate around every MIGRATE, released when its reply is in):
 * what a client feels is the MIGRATE that blocks the source. What follows a copy (the target's replica
 * catching up, the source's DEL) runs in the background, up to COPIES_IN_FLIGHT batches per worker, and
 * the replica checks of all the batches waiting are one shared check (durability.ts replicationBarrier).
 */
export async function moveWindowKeys(ctx: KeyMoveContext, sourceId: string, targetId: string, slots: readonly number[]): Promise<Map<number, number>> {
  const moved = new Map<number, number>(slots.map((s) => [s, 0]));
  const inFlight = Math.max(1, Math.min(MIGRATE_CONCURRENCY, ctx.pace?.().inFlight ?? MIGRATE_CONCURRENCY));
  const gate = semaphore(inFlight);
  const run: KeyMoveContext = {
    ...ctx,
    gate,
    replicated: replicationBarrier(
      ctx.port,
      ctx.clock,
      targetId,
      `The keys of the slots in flight stay on ${ctx.port.nodeAddr(sourceId)} (copies on the target too); resume the journal (or run "rcm fix") once the cluster has settled.`,
    ),
  };
  /** The first failure of any batch, also of one still finishing in the background: no worker starts another. */
  let failure: unknown;
  /**
   * Starts one batch; returns once its copy is on the target and waits for the target's replica (the rest,
   * DEL included, is `done`), or once the whole batch is done (a plain MIGRATE). Throws what the batch threw.
   */
  const startBatch = async (item: SlotKeys): Promise<{ done: Promise<void> }> => {
    let copied!: () => void;
    const wasCopied = new Promise<void>((r) => (copied = r));
    const done = migrateRound({ ...run, onSent: copied }, sourceId, targetId, [item], ctx.maxRetries ?? 3).then(() => {
      moved.set(item.slot, (moved.get(item.slot) ?? 0) + item.keys.length);
    });
    done.catch((e: unknown) => {
      failure ??= e;
    });
    await Promise.race([done, wasCopied]);
    return { done };
  };
  /** Moves a lookup's batches of one slot: each MIGRATE as soon as the gate allows, the copies' ends in `background`. */
  const moveBatches = async (work: SlotWork, background: Promise<void>[]): Promise<void> => {
    for (const b of work.batches) {
      if (failure !== undefined) throw failure;
      background.push((await startBatch(b)).done);
      if (background.length >= COPIES_IN_FLIGHT) await background.shift();
    }
  };
  /** Waits for every batch of a worker; the first failure is thrown once all have settled. */
  const settle = async (background: Promise<void>[]): Promise<void> => {
    const results = await Promise.allSettled(background.splice(0));
    const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (bad) throw bad.reason;
  };
  /** The rest of a slot whose first lookup did not return all its keys (after its batches so far were deleted). */
  const drain = async (slot: number, background: Promise<void>[]): Promise<void> => {
    for (;;) {
      await settle(background);
      const size = batchKeys(ctx);
      const count = Math.max(size, LOOKUP_KEYS);
      const [keys] = await ctx.port.getKeysInSlots(sourceId, [slot], count);
      ctx.countOwn?.(sourceId, 1);
      if (!keys || keys.length === 0) return;
      const work = slotWork(ctx, slot, keys, keys.length >= count, size);
      await moveBatches(work, background);
      if (!work.more) return;
    }
  };
  let pending = [...slots];
  while (pending.length > 0) {
    // GETKEYSINSLOT for a few slots per round trip: one reply for a whole window could hold
    // thousands of keys and stall the source for milliseconds.
    const work: SlotWork[] = [];
    for (let i = 0; i < pending.length; i += KEY_LOOKUP_SLOTS) {
      const chunk = pending.slice(i, i + KEY_LOOKUP_SLOTS);
      const size = batchKeys(ctx);
      const count = Math.max(size, LOOKUP_KEYS);
      const lists = await ctx.port.getKeysInSlots(sourceId, chunk, count);
      ctx.countOwn?.(sourceId, chunk.length);
      lists.forEach((keys, j) => {
        if (keys.length > 0) work.push(slotWork(ctx, chunk[j]!, keys, keys.length >= count, size));
      });
    }
    pending = work.map((w) => w.slot);
    // A few workers, one slot each: the source stays busy without any single command or pipeline
    // holding it for long.
    let next = 0;
    const worker = async (): Promise<void> => {
      const background: Promise<void>[] = [];
      while (failure === undefined && next < work.length) {
        const item = work[next++]!;
        try {
          await moveBatches(item, background);
          if (item.more) await drain(item.slot, background);
        } catch (e) {
          failure ??= e;
        }
      }
      await settle(background).catch((e: unknown) => {
        failure ??= e;
      });
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, work.length) }, worker));
    if (failure !== undefined) throw failure;
  }
  return moved;
}

async function migrateRound(ctx: KeyMoveContext, sourceId: string, targetId: string, round: readonly SlotKeys[], retries: number): Promise<void> {
  const keys = round.reduce((a, r) => a + r.keys.length, 0);
  const opts = round[0]?.timeoutMs !== undefined ? { ...ctx.migrate, timeoutMs: round[0].timeoutMs } : ctx.migrate;
  // The MIGRATE's own time (what blocks the source), not the wait for the gate, the replica and the DEL.
  const { errors, ms } = await migrateKeys(ctx, sourceId, targetId, round, opts);
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
 * Every MIGRATE passes the context's gate (the pace's MIGRATEs in flight); `ms` is the MIGRATE's own time.
 */
async function migrateKeys(
  ctx: KeyMoveContext,
  sourceId: string,
  targetId: string,
  round: readonly SlotKeys[],
  opts: MigrateOptions,
): Promise<{ errors: (string | null)[]; ms: number }> {
  await ctx.gate?.acquire();
  const t0 = ctx.clock.now();
  let ms: number | undefined;
  const sent = (): void => {
    if (ms !== undefined) return;
    ms = ctx.clock.now() - t0;
    ctx.gate?.release();
  };
  try {
    if (!ctx.port.migrateCopy || round.length !== 1) {
      const errors = await ctx.port.migrate(
        sourceId,
        targetId,
        round.map((r) => r.keys),
        opts,
      );
      sent();
      return { errors, ms: ms! };
    }
    const slot = round[0]!.slot;
    const confirm = async (): Promise<void> => {
      sent();
      ctx.onSent?.();
      await (
        ctx.replicated ??
        (() =>
          targetReplicated(
            ctx.port,
            ctx.clock,
            targetId,
            `The keys of slot ${slot} stay on ${ctx.port.nodeAddr(sourceId)} (copies on the target too); resume the journal (or run "rcm fix") once the cluster has settled.`,
          ))
      )();
    };
    const error = await ctx.port.migrateCopy(sourceId, targetId, round[0]!.keys, opts, confirm);
    sent();
    return { errors: [error], ms: ms! };
  } finally {
    sent();
  }
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
  const {
    errors: [error],
  } = await migrateKeys(ctx, sourceId, targetId, [group], { ...ctx.migrate, replace: true });
  if (error) {
    throw new EngineError({
      code: 'migration-failed',
      node: ctx.port.nodeAddr(sourceId),
      cause: error,
      message: `MIGRATE … REPLACE of slot ${slot} from ${ctx.port.nodeAddr(sourceId)} failed: ${error}`,
    });
  }
}
