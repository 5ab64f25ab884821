/**
 * Valkey 9 atomic slot migration: `CLUSTER MIGRATESLOTS SLOTSRANGE a b [c d …] NODE target` on the source,
 * one job for every range of the pair (as valkey-cli does). The reply is a bare OK (no job name), so the
 * job is the EXPORT to this target with exactly these ranges whose name was not listed before the command
 * (GETSLOTMIGRATIONS lists the newest first and keeps up to cluster-slot-migration-log-max-len finished
 * jobs; create_time is in whole seconds, too coarse to tell jobs apart). It is then followed by name only.
 * States (valkey src/cluster_migrateslots.c): success, failed, cancelled are final; every other word
 * (connecting … snapshotting, replicating, failover-granted) is in progress. Cancel is
 * `CLUSTER CANCELSLOTMIGRATIONS` (no arguments in 9.1, although its help text says ALL): it cancels every
 * export of the source, which during the lane are only ours.
 */
import { EngineError } from '../model/errors';
import {
  assertTargetOwns,
  flatToRecord,
  waitSourceEmpty,
  pollJob,
  rangeArgs,
  rangeText,
  rawCommand,
  servedBy,
  waitIdle,
  type JobState,
  type MoverContext,
  type RawCommand,
} from './atomicJob';

const FINAL = new Set(['success', 'failed', 'cancelled']);

/** Whether a GETSLOTMIGRATIONS reply lists a job (export or import) still in progress. Pure. */
export const valkeyJobsInProgress = (reply: unknown): boolean => parseSlotMigrations(reply).some((j) => !FINAL.has(j.state));

export interface ValkeyJob {
  readonly name: string;
  readonly operation: string;
  readonly slotRanges: string;
  readonly targetNode: string;
  readonly state: string;
  readonly message: string;
}

/** GETSLOTMIGRATIONS, parsed. Pure. */
export function parseSlotMigrations(reply: unknown): ValkeyJob[] {
  return (Array.isArray(reply) ? reply : []).map(flatToRecord).map((j) => ({
    name: String(j.name ?? ''),
    operation: String(j.operation ?? ''),
    slotRanges: String(j.slot_ranges ?? ''),
    targetNode: String(j.target_node ?? ''),
    state: String(j.state ?? ''),
    message: String(j.message ?? ''),
  }));
}

/** The job this run created: newest first, an export to `targetId` with `ranges`, unknown before. Pure. */
export function findCreatedJob(jobs: readonly ValkeyJob[], knownBefore: ReadonlySet<string>, targetId: string, ranges: string): ValkeyJob | undefined {
  return jobs.find((j) => j.operation === 'EXPORT' && j.targetNode === targetId && j.slotRanges === ranges && !knownBefore.has(j.name));
}

/**
 * Whether a Stop may cancel an export in this state. Not in `failover-granted`: the source has paused its
 * writes and granted the target the slots, which the target may be claiming. CANCELSLOTMIGRATIONS would end
 * the job and unpause the source (valkey 9.1 clusterCommandCancelSlotMigrations cancels every export in
 * progress); writes it then acknowledged are lost once the target's claim wins. A lost connection in that
 * state does not fail the job either: the source stays paused until it learns who won. Pure.
 */
export const valkeyCancellable = (state: string): boolean => state !== 'failover-granted';

/** A job's state as the poller sees it. Pure. */
export function valkeyJobState(job: ValkeyJob | undefined): JobState {
  if (!job) return { kind: 'failed', error: 'the source no longer lists the slot migration job (did it restart or fail over?)' };
  if (job.state === 'success') return { kind: 'done', state: job.state };
  if (job.state === 'cancelled') return { kind: 'cancelled', state: job.state };
  if (job.state === 'failed') return { kind: 'failed', error: job.message || 'failed' };
  return { kind: 'running', state: job.state };
}

const jobsOf = async (cmd: RawCommand, nodeId: string): Promise<ValkeyJob[]> => parseSlotMigrations(await cmd(nodeId, 'CLUSTER', 'GETSLOTMIGRATIONS'));

export async function valkeyMoveSlots(ctx: MoverContext, sourceId: string, targetId: string, slots: readonly number[]): Promise<void> {
  const cmd = rawCommand(ctx);
  const src = ctx.port.nodeAddr(sourceId);
  const dst = ctx.port.nodeAddr(targetId);
  // An export still running (left by a killed run) must end first: the slots may be on their way already.
  // The last list read is the one the new job is told apart from (the lease keeps other runs out meanwhile).
  let listed: ValkeyJob[] = [];
  await waitIdle(
    ctx,
    async () => {
      listed = await jobsOf(cmd, sourceId);
      return listed.some((j) => j.operation === 'EXPORT' && !FINAL.has(j.state));
    },
    `the slot migration in progress on ${src}`,
  );
  ctx.phase?.('valkey: no export in progress on the source');
  const onTarget = await servedBy(cmd, targetId, targetId);
  const todo = slots.filter((s) => !onTarget.has(s));
  const ranges = rangeText(todo);
  const what = `Atomic slot migration of ${ranges || rangeText(slots)} from ${src} to ${dst}`;
  if (todo.length > 0) {
    const known = new Set(listed.map((j) => j.name));
    try {
      await cmd(sourceId, 'CLUSTER', 'MIGRATESLOTS', 'SLOTSRANGE', ...rangeArgs(todo), 'NODE', targetId);
    } catch (e) {
      const cause = e instanceof Error ? e.message : String(e);
      throw new EngineError({
        code: 'migration-failed',
        node: src,
        cause,
        message: `${src} refused ${what.charAt(0).toLowerCase()}${what.slice(1)}: ${cause}`,
      });
    }
    ctx.phase?.('valkey: CLUSTER MIGRATESLOTS accepted');
    const job = findCreatedJob(await jobsOf(cmd, sourceId), known, targetId, ranges);
    if (!job)
      throw new EngineError({ code: 'migration-failed', node: src, message: `${src} accepted CLUSTER MIGRATESLOTS for ${ranges} but lists no new job for it` });
    await pollJob(ctx, {
      what: `${what} (job ${job.name})`,
      job: { sourceId, targetId, jobId: job.name, slots: todo.length },
      targetId,
      slots: todo,
      read: async () => valkeyJobState((await jobsOf(cmd, sourceId)).find((j) => j.name === job.name)),
      cancel: async () => {
        await cmd(sourceId, 'CLUSTER', 'CANCELSLOTMIGRATIONS');
      },
      cancellable: valkeyCancellable,
    });
  }
  await assertTargetOwns(ctx, cmd, targetId, slots, what);
  ctx.phase?.('valkey: the target serves every slot');
  await waitSourceEmpty(ctx, sourceId, slots, what);
  ctx.phase?.('valkey: the source holds none of their keys');
}
