/**
 * What both server-side (atomic) slot movers share: the context they run in, polling a job with a
 * deadline and a short back-off, cancellation through the run's signal, the target's own view of slot
 * ownership (CLUSTER SLOTS) and job progress for the events.
 */
import { EngineError } from '../model/errors';
import { rangesFromSlots } from '../model/slots';
import type { KeyMoveContext } from './keyMover';
import { clockSleep } from './port';

/** One server job as the movers report it (plain data: goes into the progress events). */
export interface AtomicJobProgress {
  readonly sourceId: string;
  readonly targetId: string;
  /** The server's job id (Redis task id, Valkey job name). */
  readonly jobId: string;
  /** The server's own state word (e.g. `snapshotting`, `send-bulk-and-stream`, `completed`). */
  readonly state: string;
  readonly slots: number;
  /** Keys of the job's slots on the target so far (COUNTKEYSINSLOT), when counted. */
  readonly keysOnTarget?: number;
  /** Redis: how often the server retried a failed task. */
  readonly retries?: number;
}

export interface MoverContext extends KeyMoveContext {
  /** The run's stop request: an atomic mover cancels its server job with the server's own command. */
  readonly signal?: AbortSignal;
  readonly onJob?: (job: AtomicJobProgress) => void;
  /** The run's profile (ExecuteOptions.onPhase). */
  readonly phase?: (phase: string) => void;
}

export type RawCommand = (nodeId: string, ...args: (string | number)[]) => Promise<unknown>;

export function rawCommand(ctx: MoverContext): RawCommand {
  const cmd = ctx.port.command;
  if (!cmd) throw new EngineError({ code: 'usage', message: 'This cluster connection cannot send raw commands' });
  return cmd.bind(ctx.port);
}

export function rangeArgs(slots: readonly number[]): number[] {
  return rangesFromSlots(slots).flatMap((r) => [r.start, r.end]);
}

/** `0-99 200-299`: how both servers print a job's ranges. */
export function rangeText(slots: readonly number[]): string {
  return rangesFromSlots(slots)
    .map((r) => `${r.start}-${r.end}`)
    .join(' ');
}

/** RESP maps arrive as flat [k, v, k, v…] arrays in RESP2. */
export function flatToRecord(reply: unknown): Record<string, unknown> {
  if (!Array.isArray(reply)) return {};
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

/** The slots a node serves in its own CLUSTER SLOTS reply ([[start, end, [ip, port, id], …], …]). Pure. */
export function slotsServedBy(reply: unknown, nodeId: string): Set<number> {
  const out = new Set<number>();
  if (!Array.isArray(reply)) return out;
  for (const row of reply) {
    if (!Array.isArray(row) || row.length < 3 || !Array.isArray(row[2])) continue;
    if (String(row[2][2]) !== nodeId) continue;
    for (let s = Number(row[0]); s <= Number(row[1]); s++) out.add(s);
  }
  return out;
}

export async function servedBy(cmd: RawCommand, askId: string, ownerId: string): Promise<Set<number>> {
  return slotsServedBy(await cmd(askId, 'CLUSTER', 'SLOTS'), ownerId);
}

/** Throws unless the target itself says it serves every slot (a job is never reported done before that). */
export async function assertTargetOwns(ctx: MoverContext, cmd: RawCommand, targetId: string, slots: readonly number[], what: string): Promise<void> {
  const owned = await servedBy(cmd, targetId, targetId);
  const missing = slots.filter((s) => !owned.has(s));
  if (missing.length > 0) {
    const dst = ctx.port.nodeAddr(targetId);
    throw new EngineError({
      code: 'migration-failed',
      node: dst,
      message: `${what} ended, but ${dst} does not serve ${missing.length} of its slots (${rangeText(missing)})`,
    });
  }
}

/**
 * Waits (to the run's timeout) until the source holds no key of the moved slots: Redis 8 trims them in the
 * background after the task completes (Valkey deletes them as the job ends), and rcm exits only once every
 * key is on the target alone. Throws when keys stay behind on a source that is still a primary.
 */
export async function waitSourceEmpty(ctx: MoverContext, sourceId: string, slots: readonly number[], what: string): Promise<void> {
  const deadline = ctx.clock.now() + ctx.migrate.timeoutMs;
  let wait = POLL_MIN_MS;
  for (;;) {
    // A primary left without slots may become a replica (Valkey and Redis replica migration): it then holds
    // its new primary's keys, which are not left behind.
    if (!(await ctx.port.epochs(sourceId)).master) return;
    const counts = await ctx.port.countKeysInSlots(sourceId, slots);
    const left = slots.filter((_, i) => counts[i]! > 0);
    if (left.length === 0) return;
    if (ctx.clock.now() > deadline) {
      const src = ctx.port.nodeAddr(sourceId);
      throw new EngineError({
        code: 'migration-failed',
        node: src,
        message: `${what} ended, but ${src} still holds keys of ${left.length} of its slots (${rangeText(left)})`,
      });
    }
    await clockSleep(ctx.clock, wait);
    wait = Math.min(POLL_FAST_MS, wait * 2);
  }
}

export type JobState = { readonly kind: 'running' | 'done' | 'cancelled'; readonly state: string } | { readonly kind: 'failed'; readonly error: string };

export interface PollSpec {
  readonly what: string;
  /** Reads the job once. */
  readonly read: () => Promise<JobState & { readonly progress?: Partial<AtomicJobProgress> }>;
  /** Sends the server's cancel command (once, when the run is asked to stop). */
  readonly cancel: () => Promise<void>;
  /** Whether a cancel may be sent in this state (default: in any); one that may not waits for the job's end. */
  readonly cancellable?: (state: string) => boolean;
  readonly job: Omit<AtomicJobProgress, 'state'>;
  readonly targetId: string;
  readonly slots: readonly number[];
}

const POLL_MIN_MS = 2;
/** Short jobs (most reshards) end within a second or two: poll closely then, gently after. */
const POLL_FAST_MS = 10;
const POLL_SLOW_MS = 50;
const FAST_FOR_MS = 2000;
const COUNT_EVERY_MS = 500;

/**
 * Polls until the job is done. A stop request cancels it (then waits for the server to say so, since a
 * job may still finish first), unless the job is in a state that must not be cancelled (`cancellable`):
 * then it is followed to its end, and cancelled if it leaves that state unfinished. Throws EngineError
 * 'cancelled' when cancelled, 'migration-failed' on failure, 'timeout' past the run's deadline.
 */
export async function pollJob(ctx: MoverContext, spec: PollSpec): Promise<void> {
  const started = ctx.clock.now();
  const deadline = started + Math.max(ctx.migrate.timeoutMs, 60 * 60 * 1000);
  let wait = POLL_MIN_MS;
  let cancelSent = false;
  let lastCount = ctx.clock.now();
  let lastState = '';
  for (;;) {
    let s = await spec.read();
    if (ctx.signal?.aborted && !cancelSent && s.kind === 'running' && spec.cancellable?.(s.state) !== false) {
      cancelSent = true;
      await spec.cancel().catch(() => undefined);
      s = await spec.read();
    }
    ctx.phase?.(`job poll: ${s.kind === 'failed' ? 'failed' : s.state}`);
    if (s.kind === 'done') return;
    if (s.kind === 'failed') throw new EngineError({ code: 'migration-failed', cause: s.error, message: `${spec.what} failed: ${s.error}` });
    if (s.kind === 'cancelled') {
      throw new EngineError({ code: 'cancelled', message: `${spec.what} was cancelled${cancelSent ? '' : ' on the server'}` });
    }
    let keysOnTarget: number | undefined;
    if (ctx.clock.now() - lastCount >= COUNT_EVERY_MS) {
      lastCount = ctx.clock.now();
      keysOnTarget = (await ctx.port.countKeysInSlots(spec.targetId, spec.slots)).reduce((a, b) => a + Math.max(0, b), 0);
    }
    if (s.state !== lastState || keysOnTarget !== undefined) {
      lastState = s.state;
      ctx.onJob?.({ ...spec.job, ...s.progress, state: s.state, ...(keysOnTarget !== undefined ? { keysOnTarget } : {}) });
    }
    if (ctx.clock.now() > deadline) throw new EngineError({ code: 'timeout', message: `${spec.what} did not finish in time` });
    await clockSleep(ctx.clock, wait);
    wait = Math.min(ctx.clock.now() - started < FAST_FOR_MS ? POLL_FAST_MS : POLL_SLOW_MS, wait * 2);
  }
}

/** Waits (to the deadline) until `busy` says no job is in progress: a job a killed run left behind. */
export async function waitIdle(ctx: MoverContext, busy: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = ctx.clock.now() + Math.max(ctx.migrate.timeoutMs, 60_000);
  while (await busy()) {
    if (ctx.signal?.aborted) throw new EngineError({ code: 'cancelled', message: `Stopped while waiting for ${what}` });
    if (ctx.clock.now() > deadline) throw new EngineError({ code: 'timeout', message: `${what} did not finish in time` });
    await clockSleep(ctx.clock, 50);
  }
}
