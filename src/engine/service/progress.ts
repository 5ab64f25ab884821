/**
 * Folds a migration's events into its progress as the run goes: slots and
 * keys counted from every slot-done and batch event (the engine's own
 * progress events come once per window, too rarely for a live view), the
 * engine's snapshot taken when it is ahead. Clock injected.
 */
import type { Pace, ProgressSnapshot } from '../model/progress';
import type { MigrationEvent } from '../exec/events';

const pairKey = (s: string, t: string): string => `${s}>${t}`;

export class ProgressTracker {
  private startedAt: number;
  private totalSlots: number;
  private keysTotal = 0;
  private slotsDone = 0;
  private doneKeys = 0;
  private readonly inflight = new Map<string, number>();
  private engine: ProgressSnapshot | null = null;
  private pace: Pace | null = null;
  private ended = false;

  constructor(
    totalSlots: number,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
    this.totalSlots = totalSlots;
  }

  onEvent(e: MigrationEvent): void {
    switch (e.type) {
      case 'plan-started':
        // The engine counts what is left to move (slots already moved are only finalised).
        this.startedAt = this.now();
        this.totalSlots = e.totalSlots;
        this.keysTotal = e.keysTotal;
        break;
      case 'batch': {
        const key = pairKey(e.sourceId, e.targetId);
        this.inflight.set(key, (this.inflight.get(key) ?? 0) + e.keys);
        break;
      }
      case 'atomic-job':
        // A server-side job reports the keys of its slots already on the target: the pair's keys in flight.
        if (e.job.keysOnTarget !== undefined) this.inflight.set(pairKey(e.job.sourceId, e.job.targetId), e.job.keysOnTarget);
        break;
      case 'slot-done':
        this.slotsDone++;
        this.doneKeys += e.keys;
        this.inflight.delete(pairKey(e.sourceId, e.targetId));
        break;
      case 'progress':
      case 'cancelled':
      case 'plan-finished':
        this.engine = e.progress;
        break;
      case 'pace':
        this.pace = e.pace;
        break;
      case 'big-keys':
      case 'profile':
      case 'group-started':
      case 'slot-started':
      case 'busy-keys':
      case 'retry':
      case 'verify-mismatch':
      case 'error':
        break;
    }
  }

  /** Keys of the slot being moved between this pair, not yet counted as done. */
  inflightKeys(sourceId: string, targetId: string): number {
    return this.inflight.get(pairKey(sourceId, targetId)) ?? 0;
  }

  /** The run is over (any outcome): there is no time left to estimate. */
  end(): void {
    this.ended = true;
  }

  snapshot(): ProgressSnapshot {
    const elapsedMs = Math.max(0, this.now() - this.startedAt);
    let inflight = 0;
    for (const k of this.inflight.values()) inflight += k;
    const keysMoved = Math.max(this.doneKeys + inflight, this.engine?.keysMoved ?? 0);
    const slotsDone = Math.max(this.slotsDone, this.engine?.slotsDone ?? 0);
    const keysPerSec = elapsedMs > 0 ? (keysMoved * 1000) / elapsedMs : 0;
    let etaSec: number | null = null;
    if (slotsDone >= this.totalSlots) etaSec = 0;
    else if (this.ended) etaSec = null;
    else if (this.keysTotal > 0 && keysPerSec > 0) etaSec = Math.max(0, (this.keysTotal - keysMoved) / keysPerSec);
    else if (slotsDone > 0 && elapsedMs > 0) etaSec = ((this.totalSlots - slotsDone) * elapsedMs) / slotsDone / 1000;
    const pace = this.pace ?? this.engine?.pace;
    return { slotsDone, totalSlots: this.totalSlots, keysMoved, keysTotal: this.keysTotal, elapsedMs, keysPerSec, etaSec, ...(pace ? { pace } : {}) };
  }
}
