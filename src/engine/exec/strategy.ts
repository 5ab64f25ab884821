/**
 * How a pair's slots move. `legacy` is the SETSLOT/MIGRATE protocol every version speaks, window by window.
 * Servers with atomic slot migration move whole slot ranges themselves, without ASK windows, in ONE job
 * per source→target pair: Redis ≥ 8.4 (`CLUSTER MIGRATION IMPORT` on the target, atomicRedis.ts) and
 * Valkey ≥ 9.0 (`CLUSTER MIGRATESLOTS … NODE` on the source, atomicValkey.ts). Which one a pair uses is
 * decided by capability (capabilities.ts), never by version number.
 */
import type { MoverContext } from './atomicJob';
import { redisMoveSlots } from './atomicRedis';
import { valkeyMoveSlots } from './atomicValkey';
import { moveWindow } from './moveWindow';

export type StrategyKind = 'legacy' | 'redis-atomic' | 'valkey-atomic';

/** The protocol used for one source→target pair of a run (events, --json, the panel). */
export interface PairStrategy {
  readonly sourceId: string;
  readonly targetId: string;
  readonly strategy: StrategyKind;
}

export type WindowMover = (
  ctx: MoverContext,
  sourceId: string,
  targetId: string,
  slots: readonly number[],
  keysBefore: ReadonlyMap<number, number>,
) => Promise<Map<number, number>>;

export const isAtomic = (kind: StrategyKind): boolean => kind !== 'legacy';

const legacy: WindowMover = (ctx, sourceId, targetId, slots) => moveWindow(ctx, sourceId, targetId, slots);

/** An atomic job moves every key of its slots; the counts before the run are what it moved. */
const moved = (slots: readonly number[], before: ReadonlyMap<number, number>) => new Map(slots.map((s) => [s, before.get(s) ?? 0]));

const redisAtomic: WindowMover = async (ctx, sourceId, targetId, slots, before) => {
  await redisMoveSlots(ctx, sourceId, targetId, slots);
  return moved(slots, before);
};

const valkeyAtomic: WindowMover = async (ctx, sourceId, targetId, slots, before) => {
  await valkeyMoveSlots(ctx, sourceId, targetId, slots);
  return moved(slots, before);
};

export const WINDOW_MOVERS: Readonly<Record<StrategyKind, WindowMover>> = { legacy, 'redis-atomic': redisAtomic, 'valkey-atomic': valkeyAtomic };
