/**
 * Adaptive MIGRATE batch size: as large as possible while one MIGRATE (which
 * blocks both source and target) stays within a latency budget. Fixed when the
 * user gives --cluster-pipeline. Pure.
 */
export interface BatchSizer {
  current(): number;
  /** Reports one MIGRATE of `keys` keys that took `ms`. */
  observe(keys: number, ms: number): void;
  /** After a timeout / IO error: halve. */
  shrink(): void;
}

export interface BatchSizerOptions {
  /** Fixed size (redis-cli's --cluster-pipeline); disables adaptation. */
  readonly fixed?: number;
  readonly initial?: number;
  readonly min?: number;
  readonly max?: number;
  /** Target duration of one MIGRATE, ms. */
  readonly budgetMs?: number;
}

export function createBatchSizer(o: BatchSizerOptions = {}): BatchSizer {
  if (o.fixed !== undefined) {
    const fixed = Math.max(1, Math.floor(o.fixed));
    return { current: () => fixed, observe: () => undefined, shrink: () => undefined };
  }
  const min = o.min ?? 10;
  const max = o.max ?? 1000;
  const budget = o.budgetMs ?? 2;
  let size = Math.min(max, Math.max(min, o.initial ?? 100));
  return {
    current: () => size,
    observe(keys, ms) {
      if (keys < size / 2) return; // a short batch says nothing about the limit
      if (ms > budget) size = Math.max(min, Math.floor(size / 2));
      else if (ms < budget / 2) size = Math.min(max, size * 2);
    },
    shrink() {
      size = Math.max(min, Math.floor(size / 2));
    },
  };
}
