/** Progress events of a migration: plain data for the CLI, the extension and the webview. */
import type { BigKeyReport } from '../model/bigKeys';
import type { EngineErrorData } from '../model/errors';
import type { Pace, ProgressSnapshot } from '../model/progress';
import type { AtomicJobProgress } from './atomicJob';
import type { RunProfile } from './profile';
import type { PairStrategy, StrategyKind } from './strategy';

export type MigrationEvent =
  | {
      readonly type: 'plan-started';
      readonly totalSlots: number;
      readonly keysTotal: number;
      readonly lanes: number;
      readonly strategies?: readonly PairStrategy[];
    }
  | { readonly type: 'group-started'; readonly sourceId: string; readonly targetId: string; readonly slots: number; readonly strategy?: StrategyKind }
  /** A server-side (atomic) job of a pair: its id and the server's state word, keys on the target so far. */
  | { readonly type: 'atomic-job'; readonly strategy: StrategyKind; readonly job: AtomicJobProgress }
  | { readonly type: 'slot-started'; readonly slot: number; readonly sourceId: string; readonly targetId: string }
  | { readonly type: 'slot-done'; readonly slot: number; readonly sourceId: string; readonly targetId: string; readonly keys: number }
  | { readonly type: 'batch'; readonly sourceId: string; readonly targetId: string; readonly keys: number; readonly ms: number; readonly bytes?: number }
  | { readonly type: 'busy-keys'; readonly slot: number; readonly keys: readonly string[]; readonly action: 'replaced' | 'identical-replaced' | 'refused' }
  | { readonly type: 'retry'; readonly sourceId: string; readonly reason: string; readonly attempt: number }
  | { readonly type: 'verify-mismatch'; readonly slot: number; readonly before: number; readonly after: number }
  | { readonly type: 'progress'; readonly progress: ProgressSnapshot }
  /** Keys whose transfer blocks long, found before the move (with failover-risk warnings). */
  | { readonly type: 'big-keys'; readonly report: BigKeyReport }
  /** The latency-paced executor chose a new pace (also once at the start). */
  | { readonly type: 'pace'; readonly pace: Pace }
  /** Round trips and time per phase (ExecuteOptions.profile), once before the run's end. */
  | { readonly type: 'profile'; readonly profile: RunProfile }
  | { readonly type: 'error'; readonly error: EngineErrorData; readonly slots?: readonly number[] }
  | { readonly type: 'cancelled'; readonly progress: ProgressSnapshot }
  | { readonly type: 'plan-finished'; readonly progress: ProgressSnapshot; readonly verified: boolean; readonly mismatches: number };

export type MigrationEventType = MigrationEvent['type'];
