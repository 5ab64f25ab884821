/** Progress plumbing shared by import, backup and restore. */
import { ProgressCounter, type DataEvent, type DataOp, type DataProgress } from '../data/events';

/** Progress counters plus throttled `progress` events. */
export class DataProgressEmitter {
  readonly counter: ProgressCounter;
  private lastEmit = 0;

  constructor(
    op: DataOp,
    private readonly now: () => number,
    private readonly onEvent: ((e: DataEvent) => void) | undefined,
    private readonly intervalMs = 200,
  ) {
    this.counter = new ProgressCounter(op, now());
  }

  snapshot(): DataProgress {
    return this.counter.snapshot(this.now());
  }

  emit(e: DataEvent): void {
    this.onEvent?.(e);
  }

  /** Emits a progress event when the last one is older than the interval (or when forced). */
  tick(force = false): void {
    if (!this.onEvent) return;
    const t = this.now();
    if (!force && t - this.lastEmit < this.intervalMs) return;
    this.lastEmit = t;
    this.onEvent({ type: 'progress', progress: this.counter.snapshot(t) });
  }
}
