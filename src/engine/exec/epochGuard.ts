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

/**
 * Waits until no other master shares the source's config epoch, bumping the source (CLUSTER BUMPEPOCH) while
 * one does. Two masters that bumped their epochs without consensus at about the same time (two targets taking
 * slots, each from a view that lacked the other's bump) can end with the same epoch, and Redis settles such a
 * collision only when the two next exchange a packet: the one with the smaller node id then takes a new epoch
 * above every epoch it knows. A source doing that after its target claimed a window would claim the window's
 * slots with an epoch above the target's, and the target would give them back and delete their keys, which the
 * source has deleted already. So a source's collision is settled before its slots are claimed. Reads every
 * master's own epoch (the nodes' views of each other may lag).
 */
export async function sourceEpochUnique(port: SlotPort, clock: Clock, sourceId: string): Promise<void> {
  const end = clock.now() + DEADLINE_MS;
  for (;;) {
    const others = port.masterIds().filter((id) => id !== sourceId);
    // A master that does not answer is not settling a collision either: it is left out.
    const [src, ...rest] = await Promise.all([port.epochs(sourceId), ...others.map((id) => port.epochs(id).catch(() => null))]);
    const twin = rest.findIndex((e) => e?.master === true && e.mine === src!.mine);
    if (twin < 0 || !src!.master) return;
    if (clock.now() > end) {
      throw new EngineError({
        code: 'timeout',
        node: port.nodeAddr(sourceId),
        message: `${port.nodeAddr(sourceId)} and ${port.nodeAddr(others[twin]!)} still share config epoch ${src!.mine} after ${DEADLINE_MS / 1000}s (CLUSTER BUMPEPOCH did not part them): is the cluster bus working? No slot was reassigned; resume the journal once it has settled.`,
      });
    }
    await port.bumpEpoch(sourceId);
    await clockSleep(clock, STEP_MS);
  }
}

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
