/** How far a migration is, and the pace it moves at: plain data for the CLI, the extension and the webview. */

/** The pace a latency-paced (legacy) run moves at (exec/pace.ts chooses it). */
export interface Pace {
  /** Rung on the ladder (0 = gentlest). */
  readonly level: number;
  /** Cap on keys per MIGRATE. */
  readonly batchKeys: number;
  /** MIGRATEs in flight per source (each on its own connection). */
  readonly inFlight: number;
  /** Source/target pairs moving at the same time. */
  readonly lanes: number;
  /** Why this pace, as a code (for localised messages) and one English line (--verbose). */
  readonly why: PaceWhy;
  readonly reason: string;
  /** The budget, ms (null in fast mode). */
  readonly budgetMs: number | null;
  /** The node whose probe decided (slowing down). */
  readonly node?: string;
  /** Largest recent probe round trip above its node's floor, over the probed nodes, ms (null before any probe). */
  readonly probeMs: number | null;
}

export type PaceWhy = 'start' | 'fast' | 'over-budget' | 'under-budget' | 'idle';

export interface ProgressSnapshot {
  readonly slotsDone: number;
  readonly totalSlots: number;
  readonly keysMoved: number;
  /** Keys counted in the planned slots before the run (estimate of the work). */
  readonly keysTotal: number;
  readonly elapsedMs: number;
  /** Keys per second over the run so far. */
  readonly keysPerSec: number;
  /** Estimated seconds left (by keys when there are any, else by slots); null when unknown. */
  readonly etaSec: number | null;
  /** The current pace of a latency-paced (legacy) run. */
  readonly pace?: Pace;
}
