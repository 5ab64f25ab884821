/**
 * Keeps the target's claim on migrated slots authoritative. SETSLOT NODE on
 * the importing target bumps its config epoch from the target's own view of
 * the cluster; if that view is stale (the source's epoch grew recently), the
 * target's new epoch may not exceed the source's, and a node that still maps
 * the slot to the source can then send the target an UPDATE that takes the
 * slot away — and Redis deletes the keys of a slot it loses that way. So:
 * before the target takes ownership, wait until it has seen the source's
 * epoch; afterwards, make sure its epoch is above the source's.
 */
import { EngineError } from '../model/errors';
import { clockSleep, type Clock, type SlotPort } from './port';

const STEP_MS = 20;
const DEADLINE_MS = 10000;

/** Waits until the target's current epoch is at least the source's config epoch. */
export async function targetSeesSourceEpoch(port: SlotPort, clock: Clock, sourceId: string, targetId: string): Promise<void> {
  const end = clock.now() + DEADLINE_MS;
  for (;;) {
    const [src, dst] = await Promise.all([port.epochs(sourceId), port.epochs(targetId)]);
    if (dst.current >= src.mine) return;
    if (clock.now() > end) {
      throw new EngineError({
        code: 'timeout',
        node: port.nodeAddr(targetId),
        message: `${port.nodeAddr(targetId)} has not learned the config epoch of ${port.nodeAddr(sourceId)} (${src.mine}; it knows ${dst.current}) after ${DEADLINE_MS / 1000}s: is the cluster bus between them working? No slot was reassigned.`,
      });
    }
    await clockSleep(clock, STEP_MS);
  }
}

/** After the target took ownership: its config epoch must be above the source's (CLUSTER BUMPEPOCH if not). */
export async function targetEpochAboveSource(port: SlotPort, clock: Clock, sourceId: string, targetId: string): Promise<void> {
  const end = clock.now() + DEADLINE_MS;
  for (;;) {
    const [src, dst] = await Promise.all([port.epochs(sourceId), port.epochs(targetId)]);
    // A source that gave away its last slot becomes a replica (reporting its master's epoch): nothing to outrank.
    if (dst.mine > src.mine || !src.master) return;
    if (clock.now() > end) {
      throw new EngineError({
        code: 'timeout',
        node: port.nodeAddr(targetId),
        message: `The config epoch of ${port.nodeAddr(targetId)} (${dst.mine}) does not exceed ${port.nodeAddr(sourceId)}'s (${src.mine}) after ${DEADLINE_MS / 1000}s; the slots stay open for "rcm fix".`,
      });
    }
    await port.bumpEpoch(targetId);
    await clockSleep(clock, STEP_MS);
  }
}
