/**
 * How a window of slots moves. `legacy` is the SETSLOT/MIGRATE protocol every
 * version speaks. Servers with atomic slot migration move whole slot ranges
 * themselves, without ASK windows: Redis ≥ 8.4 (`CLUSTER MIGRATION IMPORT` on
 * the target, `CLUSTER MIGRATION STATUS`) and Valkey ≥ 9.0
 * (`CLUSTER MIGRATESLOTS … NODE` on the source, `CLUSTER GETSLOTMIGRATIONS`).
 */
import { EngineError } from '../model/errors';
import { rangesFromSlots } from '../model/slots';
import type { KeyMoveContext } from './keyMover';
import { moveWindow } from './moveWindow';
import { clockSleep } from './port';

export type StrategyKind = 'legacy' | 'redis-atomic' | 'valkey-atomic';

export type WindowMover = (ctx: KeyMoveContext, sourceId: string, targetId: string, slots: readonly number[], keysBefore: ReadonlyMap<number, number>) => Promise<Map<number, number>>;

/** `a.b.c` ≥ `x.y.z`. Pure. */
export function versionAtLeast(version: string | undefined, min: string): boolean {
  if (!version) return false;
  const a = version.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** The strategy every master supports (atomic only when all of them do). Pure. */
export function detectStrategy(masters: readonly { readonly serverName?: 'redis' | 'valkey'; readonly serverVersion?: string }[]): StrategyKind {
  if (masters.length === 0) return 'legacy';
  if (masters.every((m) => m.serverName === 'valkey' && versionAtLeast(m.serverVersion, '9.0.0'))) return 'valkey-atomic';
  if (masters.every((m) => m.serverName !== 'valkey' && versionAtLeast(m.serverVersion, '8.4.0'))) return 'redis-atomic';
  return 'legacy';
}

const legacy: WindowMover = (ctx, sourceId, targetId, slots) => moveWindow(ctx, sourceId, targetId, slots);

/** RESP maps arrive as flat [k, v, k, v…] arrays in RESP2. */
export function flatToRecord(reply: unknown): Record<string, unknown> {
  if (!Array.isArray(reply)) return {};
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return out;
}

function rangeArgs(slots: readonly number[]): number[] {
  return rangesFromSlots(slots).flatMap((r) => [r.start, r.end]);
}

async function poll(ctx: KeyMoveContext, read: () => Promise<'running' | 'done' | { error: string }>, what: string): Promise<void> {
  const deadline = ctx.clock.now() + Math.max(ctx.migrate.timeoutMs, 60 * 60 * 1000);
  for (;;) {
    const state = await read();
    if (state === 'done') return;
    if (state !== 'running') throw new EngineError({ code: 'migration-failed', cause: state.error, message: `${what} failed: ${state.error}` });
    if (ctx.clock.now() > deadline) throw new EngineError({ code: 'timeout', message: `${what} did not finish in time` });
    await clockSleep(ctx.clock, 100);
  }
}

const moved = (slots: readonly number[], before: ReadonlyMap<number, number>) => new Map(slots.map((s) => [s, before.get(s) ?? 0]));

/** Redis ≥ 8.4: the target imports the ranges; status polled on the target. */
const redisAtomic: WindowMover = async (ctx, sourceId, targetId, slots, before) => {
  const cmd = ctx.port.command;
  if (!cmd) throw new EngineError({ code: 'usage', message: 'This cluster connection cannot send raw commands' });
  const id = String(await cmd(targetId, 'CLUSTER', 'MIGRATION', 'IMPORT', ...rangeArgs(slots)));
  const what = `Atomic migration ${id} of slots ${slots[0]}… from ${ctx.port.nodeAddr(sourceId)} to ${ctx.port.nodeAddr(targetId)}`;
  await poll(ctx, async () => {
    const reply = await cmd(targetId, 'CLUSTER', 'MIGRATION', 'STATUS', 'ID', id);
    const task = flatToRecord(Array.isArray(reply) && Array.isArray(reply[0]) ? reply[0] : reply);
    const state = String(task.state ?? '');
    if (state === 'completed') return 'done';
    if (state === 'failed' || state === 'canceled' || state === 'cancelled') return { error: String(task.last_error || state) };
    return 'running';
  }, what);
  return moved(slots, before);
};

/** Valkey ≥ 9.0: the source sends the ranges; the job is found by its slot_ranges text. */
const valkeyAtomic: WindowMover = async (ctx, sourceId, targetId, slots, before) => {
  const cmd = ctx.port.command;
  if (!cmd) throw new EngineError({ code: 'usage', message: 'This cluster connection cannot send raw commands' });
  const ranges = rangesFromSlots(slots);
  await cmd(sourceId, 'CLUSTER', 'MIGRATESLOTS', 'SLOTSRANGE', ...rangeArgs(slots), 'NODE', targetId);
  const text = ranges.map((r) => `${r.start}-${r.end}`).join(' ');
  await poll(ctx, async () => {
    const reply = await cmd(sourceId, 'CLUSTER', 'GETSLOTMIGRATIONS');
    const jobs = (Array.isArray(reply) ? reply : []).map(flatToRecord);
    const job = [...jobs].reverse().find((j) => String(j.slot_ranges) === text);
    if (!job) return { error: 'Slot migration not found in GETSLOTMIGRATIONS' };
    const state = String(job.state ?? '');
    if (state === 'success') return 'done';
    if (state === 'cancelled') return { error: 'Slot migration was cancelled' };
    if (state === 'failed') return { error: String(job.message ?? 'failed') };
    return 'running';
  }, `Atomic slot migration of ${text} from ${ctx.port.nodeAddr(sourceId)} to ${ctx.port.nodeAddr(targetId)}`);
  return moved(slots, before);
};

export const WINDOW_MOVERS: Readonly<Record<StrategyKind, WindowMover>> = { legacy, 'redis-atomic': redisAtomic, 'valkey-atomic': valkeyAtomic };
