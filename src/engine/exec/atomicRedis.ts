/**
 * Redis 8.4+ atomic slot migration: `CLUSTER MIGRATION IMPORT a b [c d …]` on the target, one task for
 * every range of the pair; the reply is the task id, followed with `CLUSTER MIGRATION STATUS ID id`.
 * A node runs one task at a time (import or migrate: "another ASM task is already in progress"), so pairs
 * sharing a node never run together (the executor's lanes already keep that). States (redis
 * src/cluster_asm.c): completed and canceled are final; `failed` is NOT: the target retries the task every
 * second (the `retries` field counts it), so a failed task is given the run's timeout (--cluster-timeout)
 * from its first failure before rcm cancels it (`CLUSTER MIGRATION CANCEL ID id`) and reports the error.
 * A stop request cancels it the same way.
 */
import { EngineError } from '../model/errors';
import { parseInfo } from '../parse/info';
import { clockSleep } from './port';
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

export interface RedisTask {
  readonly id: string;
  readonly state: string;
  readonly lastError: string;
  readonly retries: number;
  readonly operation: string;
}

/** CLUSTER MIGRATION STATUS (ID x | ALL), parsed. Pure. */
export function parseMigrationStatus(reply: unknown): RedisTask[] {
  return (Array.isArray(reply) ? reply : []).map(flatToRecord).map((t) => ({
    id: String(t.id ?? ''),
    state: String(t.state ?? ''),
    lastError: String(t.last_error ?? ''),
    retries: Number(t.retries ?? 0) || 0,
    operation: String(t.operation ?? ''),
  }));
}

/**
 * A task's state as the poller sees it; `failedSince` is when it was first seen failed (a retry may still
 * bring it through), `graceMs` how long that is tolerated. Pure.
 */
export function redisTaskState(task: RedisTask | undefined, now: number, failedSince: number | undefined, graceMs: number): JobState {
  if (!task) return { kind: 'failed', error: 'the target no longer knows the migration task (did it restart or fail over?)' };
  if (task.state === 'completed') return { kind: 'done', state: task.state };
  if (task.state === 'canceled' || task.state === 'cancelled') return { kind: 'cancelled', state: task.state };
  if (failedSince !== undefined && now - failedSince > graceMs) {
    return { kind: 'failed', error: `${task.lastError || 'failed'} (still failing after ${task.retries} retries)` };
  }
  return { kind: 'running', state: task.state };
}

const tasksOf = async (cmd: RawCommand, nodeId: string, id?: string): Promise<RedisTask[]> =>
  parseMigrationStatus(await cmd(nodeId, 'CLUSTER', 'MIGRATION', 'STATUS', ...(id === undefined ? ['ALL'] : ['ID', id])));

const FINAL = new Set(['completed', 'canceled', 'cancelled', 'failed']);

/** Whether a CLUSTER MIGRATION STATUS ALL reply lists a task still in progress (a failed one is retried, but does not block). Pure. */
export const redisTasksInProgress = (reply: unknown): boolean => parseMigrationStatus(reply).some((t) => !FINAL.has(t.state));

export async function redisMoveSlots(ctx: MoverContext, sourceId: string, targetId: string, slots: readonly number[]): Promise<void> {
  const cmd = rawCommand(ctx);
  const src = ctx.port.nodeAddr(sourceId);
  const dst = ctx.port.nodeAddr(targetId);
  // A task still running on either end (left by a killed run) ends first. A failed one does not block:
  // a new IMPORT cancels it (the server does so itself).
  const busy = async (id: string) => (await tasksOf(cmd, id)).some((t) => !FINAL.has(t.state));
  await waitIdle(ctx, async () => (await Promise.all([busy(targetId), busy(sourceId)])).some(Boolean), `the slot migration in progress on ${dst} or ${src}`);
  ctx.phase?.('redis: no task in progress on the pair');
  const onTarget = await servedBy(cmd, targetId, targetId);
  const todo = slots.filter((s) => !onTarget.has(s));
  const ranges = rangeText(todo);
  const what = `Atomic migration of slots ${ranges || rangeText(slots)} from ${src} to ${dst}`;
  if (todo.length > 0) {
    let id: string;
    try {
      id = String(await cmd(targetId, 'CLUSTER', 'MIGRATION', 'IMPORT', ...rangeArgs(todo)));
    } catch (e) {
      const cause = e instanceof Error ? e.message : String(e);
      throw new EngineError({ code: 'migration-failed', node: dst, cause, message: `${dst} refused to import slots ${ranges} from ${src}: ${cause}` });
    }
    ctx.phase?.('redis: CLUSTER MIGRATION IMPORT accepted');
    let failedSince: number | undefined;
    await pollJob(ctx, {
      what: `${what} (task ${id})`,
      job: { sourceId, targetId, jobId: id, slots: todo.length },
      targetId,
      slots: todo,
      read: async () => {
        const task = (await tasksOf(cmd, targetId, id))[0];
        if (task?.state === 'failed') failedSince ??= ctx.clock.now();
        return { ...redisTaskState(task, ctx.clock.now(), failedSince, ctx.migrate.timeoutMs), progress: { retries: task?.retries ?? 0 } };
      },
      cancel: async () => {
        await cmd(targetId, 'CLUSTER', 'MIGRATION', 'CANCEL', 'ID', id);
      },
    }).catch(async (e: unknown) => {
      // Never leave a failing task retrying behind a failed run.
      if (e instanceof EngineError && e.code !== 'cancelled') await cmd(targetId, 'CLUSTER', 'MIGRATION', 'CANCEL', 'ID', id).catch(() => undefined);
      throw e;
    });
  }
  await assertTargetOwns(ctx, cmd, targetId, slots, what);
  ctx.phase?.('redis: the target serves every slot');
  await waitSourceTrimmed(ctx, cmd, sourceId, targetId, slots, what);
  ctx.phase?.('redis: the source holds none of their keys');
}

const TRIM_RUNNING = 'cluster_slot_migration_active_trim_running';

/**
 * Waits (to the run's timeout) until the source has deleted the moved slots' keys. Redis 8 hides the keys of a
 * slot a node neither owns nor imports (COUNTKEYSINSLOT answers 0: cluster.c clusterCanAccessKeysInSlot), so
 * once the task completed, counting them on the source shows nothing: the server's own trim job says when they
 * are gone (CLUSTER INFO cluster_slot_migration_active_trim_running). A server without that field is counted.
 */
async function waitSourceTrimmed(
  ctx: MoverContext,
  cmd: RawCommand,
  sourceId: string,
  targetId: string,
  slots: readonly number[],
  what: string,
): Promise<void> {
  const deadline = ctx.clock.now() + ctx.migrate.timeoutMs;
  let wait = 1;
  for (;;) {
    // The source starts deleting once it knows the target owns the slots: its own view first, then its trim job.
    // A CLUSTER INFO refused (an ACL) counts as a server without the field.
    const [info, view] = await Promise.all([cmd(sourceId, 'CLUSTER', 'INFO').catch(() => ''), servedBy(cmd, sourceId, targetId)]);
    const running = parseInfo(String(info))[TRIM_RUNNING];
    if (running === undefined) return waitSourceEmpty(ctx, sourceId, slots, what);
    if (running === '0' && slots.every((s) => view.has(s))) return;
    if (ctx.clock.now() > deadline) {
      const src = ctx.port.nodeAddr(sourceId);
      throw new EngineError({ code: 'migration-failed', node: src, message: `${what} ended, but ${src} is still deleting the keys of the moved slots` });
    }
    await clockSleep(ctx.clock, wait);
    wait = Math.min(10, wait * 2);
  }
}
