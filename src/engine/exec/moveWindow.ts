/**
 * Moves one window of slots between one source and one target with the
 * standard protocol, pipelined per node: IMPORTING on the target, MIGRATING on
 * the source, the keys, then SETSLOT NODE on the target, the source and every
 * other master (in a plan run that last step is the run's broadcast, amortised
 * across windows: ownerBroadcast.ts).
 */
import { EngineError } from '../model/errors';
import { targetReplicated } from './durability';
import { createEpochBook, targetEpochAboveSource, targetSeesSourceEpoch } from './epochGuard';
import { moveWindowKeys, type KeyMoveContext } from './keyMover';
import { createOwnerBroadcast, NOT_MASTER } from './ownerBroadcast';
import type { SetSlotAction } from './port';

function firstError(errors: readonly (string | null)[], slots: readonly number[]): { slot: number; error: string } | null {
  const i = errors.findIndex((e) => e !== null);
  return i < 0 ? null : { slot: slots[i]!, error: errors[i]! };
}

export async function moveWindow(ctx: KeyMoveContext, sourceId: string, targetId: string, slots: readonly number[]): Promise<Map<number, number>> {
  const { port } = ctx;
  const src = port.nodeAddr(sourceId);
  const dst = port.nodeAddr(targetId);
  const each = (action: 'IMPORTING' | 'MIGRATING' | 'NODE', nodeId: string): SetSlotAction[] => slots.map((slot) => ({ slot, action, nodeId }));
  const stable: SetSlotAction[] = slots.map((slot) => ({ slot, action: 'STABLE' }));

  // A slot moved earlier in the run is told to every master before it moves again.
  await ctx.broadcast?.settled(slots);
  // A target that is no master any more, or whose replica took over, gets no keys (exec/durability.ts).
  await targetReplicated(port, ctx.clock, targetId, `No slot of this window was opened; resume the journal (or run "rcm fix") once the cluster has settled.`);
  const imp = firstError(await port.setSlots(targetId, each('IMPORTING', sourceId)), slots);
  if (imp) {
    await port.setSlots(targetId, stable);
    throw new EngineError({
      code: 'migration-failed',
      node: dst,
      cause: imp.error,
      message: `${dst} refused to import slot ${imp.slot} from ${src}: ${imp.error}`,
    });
  }
  const mig = firstError(await port.setSlots(sourceId, each('MIGRATING', targetId)), slots);
  if (mig) {
    await Promise.all([port.setSlots(targetId, stable), port.setSlots(sourceId, stable)]);
    throw new EngineError({
      code: 'migration-failed',
      node: src,
      cause: mig.error,
      message: `${src} refused to migrate slot ${mig.slot} to ${dst}: ${mig.error}`,
    });
  }

  let moved: Map<number, number>;
  try {
    moved = await moveWindowKeys(ctx, sourceId, targetId, slots);
  } catch (e) {
    await settleWindow(ctx, sourceId, targetId, slots);
    throw e;
  }
  await commitWindow(ctx, sourceId, targetId, slots);
  return moved;
}

/**
 * After the keys of a window failed to move: only the slots in flight stay open (as redis-cli leaves
 * one). A slot the target holds no key of goes back to the source (STABLE on the source first, so it
 * stops redirecting clients, then on the target if it still holds none); a slot whose keys all
 * reached the target is given to it. Best effort: whatever cannot be settled stays open for
 * resume / fix, and the caller rethrows the move's own error.
 */
async function settleWindow(ctx: KeyMoveContext, sourceId: string, targetId: string, slots: readonly number[]): Promise<void> {
  const { port } = ctx;
  const stable = (list: readonly number[]): SetSlotAction[] => list.map((slot) => ({ slot, action: 'STABLE' }));
  try {
    // A target that was replaced (or is resyncing as a replica) may count 0 keys where its successor holds
    // them: settle nothing then; resume / fix re-point the window at the shard's new master.
    const state = await port.replicationState?.(targetId);
    if (state && (!state.master || state.replicas.some((r) => r.role === 'master'))) return;
    const [onSource, onTarget] = await Promise.all([port.countKeysInSlots(sourceId, slots), port.countKeysInSlots(targetId, slots)]);
    const untouched = slots.filter((_, i) => onTarget[i] === 0);
    const arrived = slots.filter((_, i) => onTarget[i]! > 0 && onSource[i] === 0);
    if (untouched.length > 0) {
      const srcErr = await port.setSlots(sourceId, stable(untouched));
      const back = untouched.filter((_, i) => srcErr[i] === null);
      // A client redirected (ASK) just before the source's STABLE may have written to the target meanwhile.
      const again = back.length > 0 ? await port.countKeysInSlots(targetId, back) : [];
      const clean = back.filter((_, i) => again[i] === 0);
      const raced = back.filter((_, i) => again[i] !== 0);
      if (clean.length > 0) await port.setSlots(targetId, stable(clean));
      if (raced.length > 0)
        await port.setSlots(
          sourceId,
          raced.map((slot) => ({ slot, action: 'MIGRATING', nodeId: targetId })),
        );
    }
    if (arrived.length > 0) await commitWindow(ctx, sourceId, targetId, arrived);
  } catch {
    // The slots not settled stay open; resume or fix closes them.
  }
}

/** Gives a window's slots, whose keys are all on the target, to the target: the target, the source, every other master. */
async function commitWindow(ctx: KeyMoveContext, sourceId: string, targetId: string, slots: readonly number[]): Promise<void> {
  const { port } = ctx;
  const src = port.nodeAddr(sourceId);
  const dst = port.nodeAddr(targetId);
  const each = (action: 'NODE', nodeId: string): SetSlotAction[] => slots.map((slot) => ({ slot, action, nodeId }));
  // The window's keys are on the target's replica before the target owns them: a failover of the target
  // after this point cannot take them away, and a target replaced meanwhile never gets the slots.
  await targetReplicated(port, ctx.clock, targetId, `Its window's slots stay open; resume the journal (or run "rcm fix") once the cluster has settled.`);
  const epochs = ctx.epochs ?? createEpochBook(port, ctx.clock);
  await epochs.sourceUnique(sourceId);
  await targetSeesSourceEpoch(port, ctx.clock, sourceId, targetId);
  const own = firstError(await port.setSlots(targetId, each('NODE', targetId)), slots);
  if (own) {
    throw new EngineError({
      code: 'migration-failed',
      node: dst,
      cause: own.error,
      message: `Assigning slot ${own.slot} to ${dst} failed: ${own.error}. Its keys are on the target; run "rcm fix" to close it.`,
    });
  }
  await targetEpochAboveSource(port, ctx.clock, sourceId, targetId, epochs);
  const srcErr = firstError(
    (await port.setSlots(sourceId, each('NODE', targetId))).map((e) => (e?.startsWith(NOT_MASTER) ? null : e)),
    slots,
  );
  if (srcErr) {
    throw new EngineError({
      code: 'migration-failed',
      node: src,
      cause: srcErr.error,
      message: `Telling ${src} that slot ${srcErr.slot} moved to ${dst} failed: ${srcErr.error}. Run "rcm fix" to close it.`,
    });
  }
  // Every other master is told by the run's broadcast (amortised across windows); without one (a lone window),
  // by a broadcast of its own that this window waits for.
  const broadcast = ctx.broadcast ?? createOwnerBroadcast(port, ctx.emit);
  broadcast.send(slots, targetId, [sourceId, targetId]);
  if (!ctx.broadcast) await broadcast.flush();
}
