/**
 * Is what a target acknowledged also on its replica? MIGRATE deletes the
 * source's copy as soon as the target says OK, and the target replicates
 * asynchronously. A target frozen (SIGSTOP, a long stall) past node-timeout
 * is replaced by its replica; when it wakes up it is still a master in its
 * own eyes for a moment and acknowledges RESTOREs (MIGRATE's, and the ones
 * queued while it was frozen), then learns of the failover, turns replica and
 * resyncs: those keys are gone from everywhere. So before the executor deletes
 * a source copy on its own (finishTimedOut), opens a window, or gives a window
 * to the target, it asks here that the target is still a master followed by a
 * replica that has everything it acknowledged so far.
 */
import { EngineError } from '../model/errors';
import { clockSleep, type Clock, type ReplicationState, type SlotPort } from './port';

const STEP_MS = 2;
/** Re-reads before the first sleep: each is a round trip, usually enough for a replica on a fast link. */
const EAGER_POLLS = 3;
export const REPLICATED_DEADLINE_MS = 5000;

/** null when the state proves the target's writes so far are on a replica (or it has none); else why not, and whether waiting may help. */
export function replicationVerdict(s: ReplicationState, offset: number): { reason: string; final: boolean } | null {
  if (!s.master) return { reason: 'it is no longer a master', final: true };
  const reachable = s.replicas.filter((r) => r.role !== 'unreachable');
  const promoted = reachable.find((r) => r.role === 'master');
  if (promoted) return { reason: `its replica ${promoted.addr} took over as master`, final: true };
  // No replica (or none reachable): nothing can take over with fewer keys than the target holds.
  if (reachable.length === 0) return null;
  if (reachable.some((r) => r.role === 'following' && r.offset >= offset)) return null;
  return {
    reason: `no replica has acknowledged its replication offset ${offset} (${reachable.map((r) => `${r.addr}: ${r.role === 'following' ? `at ${r.offset}` : r.role}`).join(', ')})`,
    final: false,
  };
}

/**
 * Waits (deadline REPLICATED_DEADLINE_MS) until a replica of the target has the target's current
 * replication offset. Throws EngineError('migration-failed') naming the cause;
 * `what` says what was not done ("No key was deleted", …). A port without replicationState passes.
 */
export async function targetReplicated(port: SlotPort, clock: Clock, targetId: string, what: string): Promise<void> {
  if (!port.replicationState) return;
  const first = await port.replicationState(targetId);
  const offset = first.offset;
  const end = clock.now() + REPLICATED_DEADLINE_MS;
  let state = first;
  for (let polls = 0; ; polls++) {
    const verdict = replicationVerdict(state, offset);
    if (verdict === null) return;
    if (verdict.final || clock.now() > end) {
      throw new EngineError({
        code: 'migration-failed',
        node: port.nodeAddr(targetId),
        cause: verdict.reason,
        message: `${port.nodeAddr(targetId)} cannot be trusted with the keys it acknowledged: ${verdict.reason}. ${what}`,
      });
    }
    if (polls >= EAGER_POLLS) await clockSleep(clock, STEP_MS);
    state = await port.replicationState(targetId);
  }
}

/**
 * targetReplicated shared by every copy waiting on one target (group commit): a caller joins the next check
 * that starts after its call, so the offset that check reads (its first replicationState) is taken after
 * the caller's MIGRATE … COPY had its reply, and the RESTOREs behind that reply were applied (and
 * propagated) on the target before it answered the source. The target's replication offset only grows, so
 * a replica at or past it holds every earlier copy: one check covers all the copies made before it starts.
 * A check already running may have read its offset before the caller's copy: the caller waits for the next.
 * A failed check fails every caller that joined it.
 *
 * Not WAIT: WAIT waits for the offset of the calling client's own last propagated write (Redis: `c->woff`,
 * set in call() only when that client's command propagated, server.c; WAIT reads it in waitCommand,
 * replication.c). The RESTOREs come from the source's MIGRATE connection, another client, so a WAIT on a
 * connection of ours that wrote nothing returns at once without covering them.
 */
export function replicationBarrier(port: SlotPort, clock: Clock, targetId: string, what: string): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const check: Promise<void> = targetReplicated(port, clock, targetId, what).finally(() => {
      if (running === check) running = undefined;
    });
    running = check;
    return check;
  };
  return () => {
    if (!running) return start();
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
