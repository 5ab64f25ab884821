/** Output and event plumbing shared by import, backup and restore. */
import type { OutputChunk } from '../render/output';
import { OutputLog } from './opOutput';
import { ProgressCounter, type DataEvent, type DataOp, type DataProgress } from '../data/events';

/**
 * Forwards every chunk to the hook; keeps only the chunks marked as
 * "recorded" in the report (per-key lines of a big import are streamed, not
 * kept in memory).
 */
export class DataLog extends OutputLog {
  /** Streamed to the hook only. */
  stream(chunks: readonly OutputChunk[]): void {
    if (!this.onOutput) return;
    for (const c of chunks) this.onOutput(c);
  }
}

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
