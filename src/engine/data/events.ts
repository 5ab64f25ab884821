/**
 * Progress events of the data operations (import, backup, restore). They
 * mirror the migration engine's events (exec/events.ts): plain data, a
 * `progress` snapshot with keys moved, keys/s and an ETA, `batch` events per
 * round trip, `busy-keys` for keys that already exist, typed errors.
 */
import type { EngineErrorData } from '../model/errors';

export type DataOp = 'import' | 'backup' | 'restore';

export interface DataProgress {
  readonly op: DataOp;
  /** import: keys returned by SCAN; restore: keys read from the files; backup: keys found in the received files. */
  readonly keysScanned: number;
  /** import: keys migrated; restore: keys restored; backup: keys saved. */
  readonly keysMoved: number;
  /** Estimate of the work (source DBSIZE, keys in the backup); 0 when unknown. */
  readonly keysTotal: number;
  /** Keys left alone: already existing (restore without replace), expired, module values, other databases. */
  readonly keysSkipped: number;
  /** backup: bytes received; restore: bytes read from the files. */
  readonly bytes: number;
  readonly bytesTotal: number | null;
  readonly elapsedMs: number;
  /** Keys per second over the run so far (backup: 0). */
  readonly keysPerSec: number;
  /** Estimated seconds left; null when unknown. */
  readonly etaSec: number | null;
}

export type DataEvent =
  | { readonly type: 'data-started'; readonly op: DataOp; readonly keysTotal: number; readonly targets: number }
  /** One round trip: `keys` keys sent to master `targetId` (import: MIGRATE … KEYS; restore: pipelined RESTOREs). */
  | { readonly type: 'batch'; readonly op: DataOp; readonly targetId: string; readonly keys: number; readonly ms: number; readonly bytes?: number }
  /** Keys that already exist on the target: refused (import stops), skipped (restore keeps them) or replaced. */
  | {
      readonly type: 'busy-keys';
      readonly op: DataOp;
      readonly targetId: string;
      readonly keys: readonly string[];
      readonly action: 'refused' | 'skipped' | 'replaced';
    }
  | { readonly type: 'retry'; readonly op: DataOp; readonly targetId: string; readonly reason: string; readonly attempt: number }
  /** backup: a master's RDB transfer started / finished. */
  | { readonly type: 'node-started'; readonly op: DataOp; readonly nodeId: string; readonly addr: string; readonly file: string }
  | {
      readonly type: 'node-done';
      readonly op: DataOp;
      readonly nodeId: string;
      readonly addr: string;
      readonly file: string;
      readonly bytes: number;
      readonly keys: number;
    }
  | { readonly type: 'warning'; readonly op: DataOp; readonly message: string }
  | { readonly type: 'progress'; readonly progress: DataProgress }
  | { readonly type: 'error'; readonly error: EngineErrorData }
  | { readonly type: 'cancelled'; readonly progress: DataProgress }
  | { readonly type: 'data-finished'; readonly progress: DataProgress };

export type DataEventType = DataEvent['type'];

/** Counters behind a DataProgress snapshot. */
export class ProgressCounter {
  keysScanned = 0;
  keysMoved = 0;
  keysTotal = 0;
  keysSkipped = 0;
  bytes = 0;
  bytesTotal: number | null = null;

  constructor(
    readonly op: DataOp,
    private readonly startedAt: number,
  ) {}

  snapshot(now: number): DataProgress {
    const elapsedMs = Math.max(0, now - this.startedAt);
    const keysPerSec = elapsedMs > 0 ? (this.keysMoved * 1000) / elapsedMs : 0;
    const done = this.keysMoved + this.keysSkipped;
    let etaSec: number | null = null;
    if (this.keysTotal > 0 && keysPerSec > 0) etaSec = Math.max(0, (this.keysTotal - done) / keysPerSec);
    else if (this.bytesTotal && this.bytes > 0 && elapsedMs > 0) etaSec = Math.max(0, ((this.bytesTotal - this.bytes) * elapsedMs) / this.bytes / 1000);
    return {
      op: this.op,
      keysScanned: this.keysScanned,
      keysMoved: this.keysMoved,
      keysTotal: this.keysTotal,
      keysSkipped: this.keysSkipped,
      bytes: this.bytes,
      bytesTotal: this.bytesTotal,
      elapsedMs,
      keysPerSec,
      etaSec,
    };
  }
}
