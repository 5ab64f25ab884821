/**
 * Runs a finished MovePlan through a SlotPort. Moves between disjoint
 * source/target pairs run in parallel lanes; each lane moves windows of slots
 * (pipelined SETSLOTs, mixed-slot MIGRATE batches). Cancellation and failures
 * stop lanes at window boundaries, so a cancelled run leaves no slot open.
 */
import type { BigKey } from '../model/bigKeys';
import { EngineError, type EngineErrorData } from '../model/errors';
import type { MovePlan, SlotMove } from '../model/plan';
import { createBatchSizer } from './batchSize';
import type { ProgressSnapshot } from '../model/progress';
import type { MigrationEvent } from './events';
import type { JournalSink } from './journal';
import { startPaceRunner, type PaceRunner } from './paceProbe';
import type { AtomicJobProgress } from './atomicJob';
import { pairStrategy, probeCapabilities, type NodeCapabilities } from './capabilities';
import { isAtomic, WINDOW_MOVERS, type PairStrategy, type StrategyKind } from './strategy';
import { systemClock, type Clock, type SlotPort } from './port';
import { profilePort } from './profile';
import { createOwnerBroadcast } from './ownerBroadcast';
import { createEpochBook } from './epochGuard';

export interface ExecuteOptions {
  readonly timeoutMs?: number;
  readonly replace?: boolean;
  /** Fixed keys per batch (redis-cli's --cluster-pipeline); adaptive when undefined. */
  readonly pipeline?: number;
  /** Latency budget of one MIGRATE for the adaptive batch size, ms. */
  readonly budgetMs?: number;
  /** Slots opened together per lane. */
  readonly windowSlots?: number;
  /**
   * Client-latency budget, ms: the legacy executor probes the nodes it moves between and
   * paces batch size, MIGRATEs in flight and parallel pairs to keep their round trips within it.
   */
  readonly maxClientLatencyMs?: number;
  /** Maintenance window: no latency budget, full speed. */
  readonly fast?: boolean;
  /** Big keys of the plan (io/bigKeys.ts): moved last in their slot, one MIGRATE each with its own timeout. */
  readonly bigKeys?: readonly BigKey[];
  /** Run disjoint source/target pairs at the same time (default true). */
  readonly parallel?: boolean;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: MigrationEvent) => void;
  /** The run's profile (rcm's RCM_PROFILE): called as each phase is reached; the caller keeps the time. */
  readonly onPhase?: (phase: string) => void;
  readonly clock?: Clock;
  readonly journal?: JournalSink;
  /**
   * How pairs move (default legacy). 'auto': each pair moves with the server-side atomic protocol both of its
   * nodes have (probed with COMMAND INFO), else legacy; a fixed kind applies to every pair.
   */
  readonly strategy?: 'auto' | StrategyKind;
  /** Count round trips and time per phase (exec/profile.ts) and emit them as a 'profile' event at the end. */
  readonly profile?: boolean;
  /** With 'auto': the nodes' capabilities when the caller has probed them already (applyPlan), else probed here. */
  readonly capabilities?: ReadonlyMap<string, NodeCapabilities>;
}

export interface ExecuteResult {
  readonly status: 'done' | 'cancelled' | 'failed';
  readonly progress: ProgressSnapshot;
  readonly doneSlots: readonly number[];
  readonly keysBySlot: Readonly<Record<number, number>>;
  readonly error?: EngineErrorData;
  readonly mismatches: number;
  /** Slots with fewer keys on the target after the move than on both sides before it, and how many keys are missing. */
  readonly vanished?: { readonly slots: number; readonly keys: number };
  /** The protocol each source→target pair used. */
  readonly strategies?: readonly PairStrategy[];
}

interface Lane {
  sourceId: string;
  targetId: string;
  moves: SlotMove[];
  strategy: StrategyKind;
}

function lanesOf(moves: readonly SlotMove[]): Lane[] {
  const lanes: Lane[] = [];
  const byPair = new Map<string, Lane>();
  for (const m of moves) {
    const key = `${m.sourceId}>${m.targetId}`;
    let lane = byPair.get(key);
    if (!lane) {
      lane = { sourceId: m.sourceId, targetId: m.targetId, moves: [], strategy: 'legacy' };
      byPair.set(key, lane);
      lanes.push(lane);
    }
    lane.moves.push(m);
  }
  return lanes;
}

/**
 * One MIGRATE's duration budget of the adaptive batch size under --fast (no client-latency budget): a slot's
 * keys in as few MIGRATEs as the value sizes allow. At the 2 ms default a MIGRATE slowed by a busy host halved
 * the batches: a --fast reshard of 2000 slots (61 keys each) sent 4950 MIGRATEs where 2000 carry them.
 */
export const FAST_MIGRATE_BUDGET_MS = 25;

/** Default client-latency budget, ms (chosen with bench/latency.bench.ts). */
export const DEFAULT_MAX_CLIENT_LATENCY_MS = 1;

export async function executePlan(plan: MovePlan, rawPort: SlotPort, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
  const clock = opts.clock ?? systemClock;
  const profiler = opts.profile ? profilePort(rawPort, clock) : undefined;
  const port = profiler?.port ?? rawPort;
  const emit = (e: MigrationEvent): void => {
    opts.onEvent?.(e);
  };
  const started = clock.now();
  const window = Math.max(1, opts.windowSlots ?? 128);
  const lanes = lanesOf(plan.moves);
  const bigKeys = new Map<number, Map<string, BigKey>>();
  for (const k of opts.bigKeys ?? []) {
    let m = bigKeys.get(k.slot);
    if (!m) bigKeys.set(k.slot, (m = new Map()));
    m.set(k.key, k);
  }

  // Key counts before (the work estimate and the verification baseline), while the pairs' protocols are probed.
  const before = new Map<number, number>();
  const choosing = chooseStrategies(lanes, port, opts.strategy ?? 'legacy', opts.capabilities);
  await Promise.all(
    lanes.map(async (l) => {
      const slots = l.moves.map((m) => m.slot);
      const [src, dst] = await Promise.all([port.countKeysInSlots(l.sourceId, slots), port.countKeysInSlots(l.targetId, slots)]);
      slots.forEach((s, i) => before.set(s, Math.max(0, src[i]!) + Math.max(0, dst[i]!)));
      // A slot with keys on both sides (left open by an interrupted run) may hold the same key twice: a copy
      // made before the source's was deleted (keyMover's migrateKeys). Count its distinct keys.
      const both = slots.filter((_, i) => src[i]! > 0 && dst[i]! > 0);
      for (const s of both) {
        const n = before.get(s)!;
        const [[a], [b]] = await Promise.all([port.getKeysInSlots(l.sourceId, [s], n), port.getKeysInSlots(l.targetId, [s], n)]);
        before.set(s, new Set([...(a ?? []), ...(b ?? [])].map((k) => k.toString('latin1'))).size);
      }
    }),
  );
  const keysTotal = [...before.values()].reduce((a, b) => a + b, 0);
  await choosing;
  opts.onPhase?.('executor: key counts before and pair protocols');
  const strategies: PairStrategy[] = lanes.map((l) => ({ sourceId: l.sourceId, targetId: l.targetId, strategy: l.strategy }));

  let keysDone = 0;
  /** Keys an atomic job has on its target so far (its lane's slots are not done yet). */
  const inFlight = new Map<Lane, number>();
  let mismatches = 0;
  const vanished = { slots: 0, keys: 0 };
  const doneSlots: number[] = [];
  const keysBySlot: Record<number, number> = {};
  let failure: EngineErrorData | undefined;
  const snapshot = (): ProgressSnapshot => {
    const elapsedMs = clock.now() - started;
    const keysMoved = keysDone + [...inFlight.values()].reduce((a, b) => a + b, 0);
    const keysPerSec = elapsedMs > 0 ? (keysMoved * 1000) / elapsedMs : 0;
    let etaSec: number | null = null;
    if (keysTotal > 0 && keysPerSec > 0) etaSec = Math.max(0, (keysTotal - keysMoved) / keysPerSec);
    else if (doneSlots.length > 0 && elapsedMs > 0) etaSec = ((plan.moves.length - doneSlots.length) * elapsedMs) / doneSlots.length / 1000;
    const pace = pacer?.pace();
    return { slotsDone: doneSlots.length, totalSlots: plan.moves.length, keysMoved, keysTotal, elapsedMs, keysPerSec, etaSec, ...(pace ? { pace } : {}) };
  };
  const stopRequested = (): boolean => failure !== undefined || opts.signal?.aborted === true;

  emit({ type: 'plan-started', totalSlots: plan.moves.length, keysTotal, lanes: lanes.length, strategies });

  // Latency pacing (legacy pairs only: atomic migration is paced by the servers).
  const pacer: PaceRunner | undefined =
    lanes.some((l) => l.strategy === 'legacy') && opts.pipeline === undefined
      ? startPaceRunner(port, clock, { maxClientLatencyMs: opts.maxClientLatencyMs ?? DEFAULT_MAX_CLIENT_LATENCY_MS, fast: opts.fast }, (pace) =>
          emit({ type: 'pace', pace }),
        )
      : undefined;
  if (pacer) emit({ type: 'pace', pace: pacer.pace() });

  const runLane = async (lane: Lane): Promise<void> => {
    try {
      await runLaneWindows(lane);
    } catch (e) {
      const err = e instanceof EngineError ? e.toJSON() : { code: 'migration-failed' as const, message: e instanceof Error ? e.message : String(e) };
      failure ??= err;
      emit({ type: 'error', error: err });
    }
  };

  // SETSLOT NODE to the masters outside each window: amortised across the run's windows, all answered before it ends.
  const broadcast = createOwnerBroadcast(port, emit);
  const epochs = createEpochBook(port, clock);

  const runLaneWindows = async (lane: Lane): Promise<void> => {
    const onJob = (job: AtomicJobProgress): void => {
      if (job.keysOnTarget !== undefined) inFlight.set(lane, job.keysOnTarget);
      emit({ type: 'atomic-job', strategy: lane.strategy, job });
      if (job.keysOnTarget !== undefined) emit({ type: 'progress', progress: snapshot() });
    };
    const ctx = {
      port,
      clock,
      emit,
      onJob,
      signal: opts.signal,
      phase: opts.onPhase,
      sizer: createBatchSizer({ fixed: opts.pipeline, budgetMs: opts.budgetMs ?? (opts.fast ? FAST_MIGRATE_BUDGET_MS : undefined) }),
      migrate: { timeoutMs: opts.timeoutMs ?? 60000, replace: opts.replace ?? false },
      broadcast,
      epochs,
      ...(pacer ? { pace: () => pacer.pace(), countOwn: (id: string, n: number) => pacer.countOwn(id, n) } : {}),
      ...(bigKeys.size > 0 ? { bigKeys } : {}),
    };
    emit({ type: 'group-started', sourceId: lane.sourceId, targetId: lane.targetId, slots: lane.moves.length, strategy: lane.strategy });
    // An atomic pair is one server job over all its ranges; legacy moves window by window.
    const step = isAtomic(lane.strategy) ? Math.max(1, lane.moves.length) : window;
    for (let i = 0; i < lane.moves.length; i += step) {
      if (stopRequested()) return;
      const slots = lane.moves.slice(i, i + step).map((m) => m.slot);
      await opts.journal?.append({ t: 'window', sourceId: lane.sourceId, targetId: lane.targetId, slots, at: clock.now() });
      for (const slot of slots) emit({ type: 'slot-started', slot, sourceId: lane.sourceId, targetId: lane.targetId });
      let moved: Map<number, number>;
      try {
        moved = await WINDOW_MOVERS[lane.strategy](ctx, lane.sourceId, lane.targetId, slots, before);
      } catch (e) {
        inFlight.delete(lane);
        // A server job cancelled on the run's stop request: the slots stay with the source, not a failure.
        if (e instanceof EngineError && e.code === 'cancelled' && opts.signal?.aborted) return;
        const err = e instanceof EngineError ? e.toJSON() : { code: 'migration-failed' as const, message: String(e) };
        failure ??= err;
        emit({ type: 'error', error: err, slots });
        return;
      }
      inFlight.delete(lane);
      const windowKeys = [...moved.values()].reduce((a, b) => a + b, 0);
      // The target's counts are read while the window's end is synced to the journal.
      const [after] = await Promise.all([
        port.countKeysInSlots(lane.targetId, slots),
        opts.journal?.append({ t: 'done', slots, keys: windowKeys, at: clock.now() }),
      ]);
      opts.onPhase?.(`executor: ${slots.length} slots verified on the target`);
      slots.forEach((slot, j) => {
        const keys = moved.get(slot) ?? 0;
        keysDone += keys;
        keysBySlot[slot] = keys;
        doneSlots.push(slot);
        emit({ type: 'slot-done', slot, sourceId: lane.sourceId, targetId: lane.targetId, keys });
        const b = before.get(slot) ?? 0;
        if (after[j] !== b) {
          mismatches++;
          if (after[j]! < b) {
            vanished.slots++;
            vanished.keys += b - after[j]!;
          }
          emit({ type: 'verify-mismatch', slot, before: b, after: after[j]! });
        }
      });
      emit({ type: 'progress', progress: snapshot() });
    }
  };

  const runWatched = async (lane: Lane): Promise<void> => {
    pacer?.watch([lane.sourceId, lane.targetId]);
    try {
      await runLane(lane);
    } finally {
      pacer?.unwatch([lane.sourceId, lane.targetId]);
    }
  };
  try {
    await schedule(lanes, opts.parallel !== false, runWatched, pacer);
  } finally {
    await broadcast.flush().catch(() => undefined); // each master's refusal was reported as an event
    await pacer?.stop();
  }

  const progress = snapshot();
  if (profiler) emit({ type: 'profile', profile: profiler.report(doneSlots.length, progress.elapsedMs) });
  let status: ExecuteResult['status'] = 'done';
  if (failure) status = 'failed';
  else if (doneSlots.length < plan.moves.length) status = 'cancelled';
  await opts.journal?.append({ t: 'end', status, at: clock.now(), ...(failure ? { error: failure.message } : {}) });
  if (status === 'cancelled') emit({ type: 'cancelled', progress });
  if (status === 'done') emit({ type: 'plan-finished', progress, verified: mismatches === 0, mismatches });
  return { status, progress, doneSlots, keysBySlot, mismatches, vanished, strategies, ...(failure ? { error: failure } : {}) };
}

/** Sets each lane's protocol: a fixed kind for all, or per pair by what both nodes can do ('auto'). */
async function chooseStrategies(lanes: Lane[], port: SlotPort, wanted: 'auto' | StrategyKind, known?: ReadonlyMap<string, NodeCapabilities>): Promise<void> {
  if (wanted !== 'auto') {
    for (const l of lanes) l.strategy = wanted;
    return;
  }
  const nodes = lanes.flatMap((l) => [l.sourceId, l.targetId]);
  const caps = known && nodes.every((id) => known.has(id)) ? known : await probeCapabilities(port, nodes);
  for (const l of lanes) l.strategy = pairStrategy(caps.get(l.sourceId), caps.get(l.targetId));
}

/**
 * Legacy lanes into one target (from different sources) run together, up to this many: each lane's round trips
 * (SETSLOTs, MIGRATEs, the replica and epoch checks) then overlap. A rebalance into one master of 50 moved its
 * 49 pairs one after another. Only the shared target bumps its config epoch as they commit, and once it holds
 * the highest epoch it does not bump again. A source's lanes stay one at a time: lanes of one source go to
 * different targets, and targets that bump their epochs at the same time can end with equal ones (a collision,
 * epochGuard.ts). A node never runs lanes in both roles at once: its epoch guard orders a target's claim after
 * its source's. Atomic lanes are server jobs, one per node at a time.
 */
export const LANES_PER_TARGET = 4;

type LaneRole = 'source' | 'target' | 'atomic';

/**
 * Starts a lane when each of its nodes is free (a target: runs only legacy lanes into it, fewer than
 * LANES_PER_TARGET), and no earlier waiting lane uses one of them (per-node plan order is kept), up
 * to the pace's number of parallel pairs.
 */
async function schedule(lanes: readonly Lane[], parallel: boolean, run: (l: Lane) => Promise<void>, pacer?: PaceRunner): Promise<void> {
  if (!parallel) {
    for (const l of lanes) await run(l);
    return;
  }
  const waiting = [...lanes];
  const busy = new Map<string, { role: LaneRole; lanes: number }>();
  const running = new Set<Promise<void>>();
  const rolesOf = (l: Lane): [string, LaneRole][] =>
    isAtomic(l.strategy)
      ? [
          [l.sourceId, 'atomic'],
          [l.targetId, 'atomic'],
        ]
      : [
          [l.sourceId, 'source'],
          [l.targetId, 'target'],
        ];
  const room = (node: string, role: LaneRole): boolean => {
    const b = busy.get(node);
    return !b || (role === 'target' && b.role === 'target' && b.lanes < LANES_PER_TARGET);
  };
  while (waiting.length > 0 || running.size > 0) {
    const claimed = new Set<string>();
    const cap = pacer ? Math.max(1, pacer.pace().lanes) : Number.POSITIVE_INFINITY;
    for (let i = 0; i < waiting.length && running.size < cap;) {
      const lane = waiting[i]!;
      const roles = rolesOf(lane);
      if (roles.some(([n, role]) => claimed.has(n) || !room(n, role))) {
        for (const [n] of roles) claimed.add(n);
        i++;
        continue;
      }
      waiting.splice(i, 1);
      for (const [n, role] of roles) busy.set(n, { role, lanes: (busy.get(n)?.lanes ?? 0) + 1 });
      const p: Promise<void> = run(lane).finally(() => {
        for (const [n] of roles) {
          const b = busy.get(n)!;
          if (b.lanes > 1) busy.set(n, { ...b, lanes: b.lanes - 1 });
          else busy.delete(n);
        }
        running.delete(p);
      });
      running.add(p);
    }
    // A faster pace may allow more pairs: wake up on pace changes too.
    if (running.size > 0) await Promise.race(pacer && waiting.length > 0 ? [...running, pacer.changed()] : running);
  }
}
