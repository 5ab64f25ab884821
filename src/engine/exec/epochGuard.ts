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
 * The masters' config epochs, to find a source that shares its epoch with another master. Two masters that
 * bumped their epochs without consensus at about the same time (two targets taking slots, each from a view
 * that lacked the other's bump) can end with the same epoch, and Redis settles such a collision only when the
 * two next exchange a packet: the one with the smaller node id then takes an epoch above every epoch it knows.
 * A source doing that after its target claimed a window would claim the window's slots with an epoch above the
 * target's, and the target would give them back and delete their keys, which the source has deleted already.
 * So a source's collision is settled before its slots are claimed.
 *
 * Every master's own epoch is read once per run (the nodes' views of each other may lag); after that, the
 * epochs the guard reads (each window's source and target) keep the book, and a fresh read of all of them
 * follows only when the book shows the source's epoch twice. Within a run, epochs change by the targets'
 * claims (each to one above all it knows) and by this guard's bumps of colliding sources; a master outside
 * the run changes its epoch only by settling a collision the first read saw, or by a failover.
 */
export interface EpochBook {
  /** Waits until no other master shares the source's epoch, bumping the source (CLUSTER BUMPEPOCH) while one does. */
  sourceUnique(sourceId: string): Promise<void>;
  /** An epoch the guard read. */
  note(nodeId: string, mine: number): void;
}

export function createEpochBook(port: SlotPort, clock: Clock): EpochBook {
  let book: Promise<Map<string, number>> | undefined;
  /** Every master's own epoch; a master that does not answer is not settling a collision either: left out. */
  const readAll = async (): Promise<Map<string, number>> => {
    const ids = port.masterIds();
    const read = await Promise.all(ids.map((id) => port.epochs(id).catch(() => null)));
    return new Map(ids.flatMap((id, i) => (read[i]?.master ? [[id, read[i]!.mine] as const] : [])));
  };
  const twinOf = (epochs: ReadonlyMap<string, number>, sourceId: string, mine: number): string | undefined =>
    [...epochs].find(([id, e]) => id !== sourceId && e === mine)?.[0];
  return {
    async sourceUnique(sourceId) {
      book ??= readAll();
      const known = await book;
      const src = await port.epochs(sourceId);
      known.set(sourceId, src.mine);
      if (!src.master || twinOf(known, sourceId, src.mine) === undefined) return;
      const end = clock.now() + DEADLINE_MS;
      for (;;) {
        const fresh = await readAll();
        for (const [id, e] of fresh) known.set(id, e);
        const mine = fresh.get(sourceId) ?? src.mine;
        const twin = twinOf(fresh, sourceId, mine);
        if (twin === undefined) return;
        if (clock.now() > end) {
          throw new EngineError({
            code: 'timeout',
            node: port.nodeAddr(sourceId),
            message: `${port.nodeAddr(sourceId)} and ${port.nodeAddr(twin)} still share config epoch ${mine} after ${DEADLINE_MS / 1000}s (CLUSTER BUMPEPOCH did not part them): is the cluster bus working? No slot was reassigned; resume the journal once it has settled.`,
          });
        }
        await port.bumpEpoch(sourceId);
        await clockSleep(clock, STEP_MS);
      }
    },
    note(nodeId, mine) {
      void book?.then((known) => known.set(nodeId, mine));
    },
  };
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
export async function targetEpochAboveSource(port: SlotPort, clock: Clock, sourceId: string, targetId: string, book?: EpochBook): Promise<void> {
  const end = clock.now() + DEADLINE_MS;
  for (;;) {
    const [src, dst] = await Promise.all([port.epochs(sourceId), port.epochs(targetId)]);
    book?.note(targetId, dst.mine);
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
