/**
 * Latency-paced migration: a pure controller that turns measured samples
 * (round-trip times of the executor's own PING probes to the sources and
 * targets, and the nodes' client ops/s) into a pace — keys per MIGRATE,
 * MIGRATEs in flight per source, parallel source/target pairs — that keeps
 * the clients' latency within a budget. A probe queued behind a MIGRATE waits
 * exactly as a client command does, so its round trip is what a client feels.
 *
 * The budget is what the move may ADD to a client's round trip: the signal is
 * a high recent probe less the node's floor (the lowest of its last probes,
 * i.e. its round trip when no MIGRATE is in the way), so a slow network or a
 * busy host does not stall the move. The pace climbs a ladder one rung at a
 * time while the signal stays well under the budget, and drops two rungs when
 * it exceeds it. No clock of its own: every call passes the time.
 */

import type { Pace, PaceWhy } from '../model/progress';

export interface PaceOptions {
  /** Budget for what the move adds to a client's round trip, ms. */
  readonly maxClientLatencyMs: number;
  /** Maintenance mode: no budget, the fastest rung, no probes. */
  readonly fast?: boolean;
  /** Rung to start from (default: the middle of the ladder). */
  readonly startLevel?: number;
  /** Time between two pace changes, ms (the effect of a change must show in the probes first). */
  readonly settleMs?: number;
  /** Probes per node kept for the signal. */
  readonly window?: number;
  /** Client ops/s below which a node counts as idle (nobody to protect). */
  readonly idleOpsPerSec?: number;
}

/** Lanes without a cap (a plain number: paces cross JSON boundaries). */
export const UNLIMITED_LANES = 1000;

interface Rung {
  readonly batchKeys: number;
  readonly inFlight: number;
  readonly lanes: number;
}

/** Gentlest first. Lanes scale last: they multiply the load on a shared host. */
export const PACE_LADDER: readonly Rung[] = [
  { batchKeys: 10, inFlight: 1, lanes: 1 },
  { batchKeys: 20, inFlight: 1, lanes: 1 },
  { batchKeys: 30, inFlight: 1, lanes: 2 },
  { batchKeys: 40, inFlight: 1, lanes: 2 },
  { batchKeys: 60, inFlight: 1, lanes: 4 },
  { batchKeys: 100, inFlight: 1, lanes: 8 },
  { batchKeys: 160, inFlight: 1, lanes: 16 },
  { batchKeys: 250, inFlight: 1, lanes: 32 },
  { batchKeys: 400, inFlight: 2, lanes: 64 },
  { batchKeys: 1000, inFlight: 2, lanes: UNLIMITED_LANES },
];

const TOP = PACE_LADDER.length - 1;

export interface PaceController {
  current(): Pace;
  /** One probe round trip to a node, taken at `at`. */
  observeProbe(nodeId: string, rttMs: number, at: number): void;
  /** Client operations per second on a node (its instantaneous_ops_per_sec less the executor's own). */
  observeOps(nodeId: string, clientOpsPerSec: number, at: number): void;
  /** Forget a node's samples (its lane finished). */
  forget(nodeId: string): void;
  /** Re-evaluates the pace; returns the new pace when it changed, else null. */
  decide(at: number): Pace | null;
}

/** Robust high quantile of a few samples: the second largest (one stray sample does not count). */
function signalOf(samples: readonly number[]): number {
  if (samples.length < 2) return samples[0] ?? 0;
  const s = [...samples].sort((a, b) => b - a);
  return s[1]!;
}

export function createPaceController(o: PaceOptions): PaceController {
  const budget = o.maxClientLatencyMs;
  const settle = o.settleMs ?? 150;
  const keep = o.window ?? 8;
  const idleOps = o.idleOpsPerSec ?? 20;
  const probes = new Map<string, number[]>();
  const floors = new Map<string, number[]>();
  const FLOOR_WINDOW = 64;
  const ops = new Map<string, number>();
  let level = o.fast ? TOP : Math.max(0, Math.min(TOP, o.startLevel ?? 4));
  let changedAt = Number.NEGATIVE_INFINITY;
  let fresh = 0; // probes since the last change
  const make = (why: PaceWhy, reason: string, probeMs: number | null, node?: string): Pace => ({
    level,
    ...PACE_LADDER[level]!,
    why,
    reason,
    probeMs,
    budgetMs: o.fast ? null : budget,
    ...(node ? { node } : {}),
  });
  let pace = o.fast ? make('fast', 'fast mode: no client-latency budget', null) : make('start', `starting pace, budget ${budget} ms`, null);

  const signal = (): { ms: number; node: string } | null => {
    let worst: { ms: number; node: string } | null = null;
    for (const [node, xs] of probes) {
      if (xs.length === 0) continue;
      const floor = Math.min(...(floors.get(node) ?? xs));
      const ms = Math.max(0, signalOf(xs) - floor);
      if (!worst || ms > worst.ms) worst = { ms, node };
    }
    return worst;
  };

  return {
    current: () => pace,
    observeProbe(nodeId, rttMs) {
      let xs = probes.get(nodeId);
      if (!xs) probes.set(nodeId, (xs = []));
      xs.push(rttMs);
      if (xs.length > keep) xs.shift();
      let fl = floors.get(nodeId);
      if (!fl) floors.set(nodeId, (fl = []));
      fl.push(rttMs);
      if (fl.length > FLOOR_WINDOW) fl.shift();
      fresh++;
    },
    observeOps(nodeId, clientOpsPerSec) {
      ops.set(nodeId, clientOpsPerSec);
    },
    forget(nodeId) {
      probes.delete(nodeId);
      floors.delete(nodeId);
      ops.delete(nodeId);
    },
    decide(at) {
      if (o.fast) return null;
      const s = signal();
      if (!s || at - changedAt < settle || fresh < 3) return null;
      const fmt = (x: number) => x.toFixed(2);
      const probed = [...probes.keys()];
      const idle = probed.length > 0 && probed.every((n) => ops.has(n) && ops.get(n)! < idleOps);
      const prev = level;
      let reason: string;
      let why: PaceWhy;
      if (idle && s.ms > budget) {
        level = Math.min(TOP, level + 1);
        why = 'idle';
        reason = `no client traffic on the nodes moving (< ${idleOps} ops/s): probe ${fmt(s.ms)} ms over the budget does not matter`;
      } else if (s.ms > budget) {
        level = Math.max(0, level - 2);
        why = 'over-budget';
        reason = `probes ${fmt(s.ms)} ms above their floor > budget ${budget} ms: slowing down`;
      } else if (s.ms < budget * 0.6) {
        level = Math.min(TOP, level + 1);
        why = 'under-budget';
        reason = `probes ${fmt(s.ms)} ms above their floor < 60% of budget ${budget} ms: speeding up`;
      } else {
        return null;
      }
      if (level === prev) return null;
      changedAt = at;
      fresh = 0;
      for (const xs of probes.values()) xs.length = 0; // judge the new pace by its own probes
      pace = make(why, reason, s.ms, why === 'over-budget' ? s.node : undefined);
      return pace;
    },
  };
}

/** `batch 100 keys, 1 in flight, 8 pairs` for messages. */
export function describePace(p: Pace): string {
  return `batch ${p.batchKeys} keys, ${p.inFlight} MIGRATE${p.inFlight > 1 ? 's' : ''} in flight, ${p.lanes >= UNLIMITED_LANES ? 'all' : p.lanes} pair${p.lanes === 1 ? '' : 's'} at once`;
}
