/**
 * Moves one window of slots between one source and one target with the
 * standard protocol, pipelined per node: IMPORTING on the target, MIGRATING on
 * the source, the keys, then SETSLOT NODE on the target, the source and every
 * other master.
 */
import { EngineError } from '../model/errors';
import { targetEpochAboveSource, targetSeesSourceEpoch } from './epochGuard';
import { moveWindowKeys, type KeyMoveContext } from './keyMover';
import type { SetSlotAction } from './port';

const NOT_MASTER = 'ERR Please use SETSLOT only with masters.';

function firstError(errors: readonly (string | null)[], slots: readonly number[]): { slot: number; error: string } | null {
  const i = errors.findIndex((e) => e !== null);
  return i < 0 ? null : { slot: slots[i]!, error: errors[i]! };
}

export async function moveWindow(ctx: KeyMoveContext, sourceId: string, targetId: string, slots: readonly number[]): Promise<Map<number, number>> {
  const { port } = ctx;
  const src = port.nodeAddr(sourceId);
  const dst = port.nodeAddr(targetId);
  const each = (action: 'IMPORTING' | 'MIGRATING' | 'NODE', nodeId: string): SetSlotAction[] =>
    slots.map((slot) => ({ slot, action, nodeId }));
  const stable: SetSlotAction[] = slots.map((slot) => ({ slot, action: 'STABLE' }));

  const imp = firstError(await port.setSlots(targetId, each('IMPORTING', sourceId)), slots);
  if (imp) {
    await port.setSlots(targetId, stable);
    throw new EngineError({ code: 'migration-failed', node: dst, cause: imp.error, message: `${dst} refused to import slot ${imp.slot} from ${src}: ${imp.error}` });
  }
  const mig = firstError(await port.setSlots(sourceId, each('MIGRATING', targetId)), slots);
  if (mig) {
    await Promise.all([port.setSlots(targetId, stable), port.setSlots(sourceId, stable)]);
    throw new EngineError({ code: 'migration-failed', node: src, cause: mig.error, message: `${src} refused to migrate slot ${mig.slot} to ${dst}: ${mig.error}` });
  }

  const moved = await moveWindowKeys(ctx, sourceId, targetId, slots);

  await targetSeesSourceEpoch(port, ctx.clock, sourceId, targetId);
  const own = firstError(await port.setSlots(targetId, each('NODE', targetId)), slots);
  if (own) {
    throw new EngineError({ code: 'migration-failed', node: dst, cause: own.error, message: `Assigning slot ${own.slot} to ${dst} failed: ${own.error}. Its keys are on the target; run "rcm fix" to close it.` });
  }
  await targetEpochAboveSource(port, ctx.clock, sourceId, targetId);
  const srcErr = firstError((await port.setSlots(sourceId, each('NODE', targetId))).map((e) => (e?.startsWith(NOT_MASTER) ? null : e)), slots);
  if (srcErr) {
    throw new EngineError({ code: 'migration-failed', node: src, cause: srcErr.error, message: `Telling ${src} that slot ${srcErr.slot} moved to ${dst} failed: ${srcErr.error}. Run "rcm fix" to close it.` });
  }
  const others = port.masterIds().filter((id) => id !== sourceId && id !== targetId);
  const results = await Promise.all(others.map(async (id) => ({ id, errors: await port.setSlots(id, each('NODE', targetId)).catch((e: unknown) => [String(e)]) })));
  for (const r of results) {
    const e = firstError(r.errors.map((x) => (x?.startsWith(NOT_MASTER) ? null : x)), slots);
    if (e) {
      ctx.emit({ type: 'error', slots, error: { code: 'reply-error', node: port.nodeAddr(r.id), cause: e.error, message: `${port.nodeAddr(r.id)} did not accept the new owner of slot ${e.slot}: ${e.error} (it will learn it from the cluster bus)` } });
    }
  }
  return moved;
}
