/**
 * What `fix` reports, in order (plain data, streamed and returned; render/fixText.ts prints each event as
 * redis-cli does). Node ids are resolved to `host:port` when the event is made: `addrs` maps every id an
 * open-slot analysis names.
 */
import type { CheckResult } from '../check/check';
import type { OrphanFinding } from '../check/orphans';
import type { ClusterSummary } from '../check/summary';
import type { CliDialect } from '../model/dialect';
import type { Topology } from '../model/types';
import type { CommonEvent } from '../ops/opOutput';
import type { OpenSlotAnalysis } from './analysis';
import type { KeyConflict } from './merge';

/** The coverage stage's groups of uncovered slots: no keys anywhere, keys on one node, keys on several. */
export type UncoveredGroup = 'none' | 'single' | 'multi';

/** An open slot's analysis with the `host:port` of every node id it names. */
export interface AnalysisData {
  readonly analysis: OpenSlotAnalysis;
  readonly addrs: Readonly<Record<string, string>>;
}

export type FixEvent =
  | CommonEvent
  /** The key summary and the check up to the coverage stage (fix interleaves its repairs after each stage); after `load`. */
  | { readonly kind: 'fix-check'; readonly topology: Topology; readonly summary: ClusterSummary; readonly check: CheckResult }
  | { readonly kind: 'fix-unreachable-guard'; readonly stage: 'open-slots' | 'coverage'; readonly count: number; readonly dialect: CliDialect }
  | {
      readonly kind: 'fix-repoint';
      readonly slot: number;
      readonly node: string;
      readonly marker: 'importing' | 'migrating';
      readonly from: string;
      readonly to: string;
    }
  | ({ readonly kind: 'fix-open-slot' } & AnalysisData)
  /** No single clear owner and none can be elected. */
  | { readonly kind: 'fix-no-owner' }
  | { readonly kind: 'fix-not-confirmed'; readonly slot: number }
  | { readonly kind: 'fix-elect-owner'; readonly owner: string }
  | ({ readonly kind: 'fix-case' } & AnalysisData)
  | ({ readonly kind: 'fix-unhandled'; readonly dialect: CliDialect } & AnalysisData)
  | { readonly kind: 'fix-setting-stable'; readonly slot: number; readonly node: string }
  | { readonly kind: 'fix-replica-open-slots'; readonly slots: readonly number[]; readonly replica: string; readonly primary: string }
  | { readonly kind: 'fix-coverage-check' }
  | { readonly kind: 'fix-coverage-result'; readonly uncovered: number }
  | { readonly kind: 'fix-coverage-start' }
  | { readonly kind: 'fix-uncovered-group'; readonly group: UncoveredGroup; readonly slots: readonly number[] }
  | { readonly kind: 'fix-covering-slot'; readonly slot: number; readonly node: string; readonly moving: boolean }
  | { readonly kind: 'fix-multiple-owners-check' }
  | { readonly kind: 'fix-multiple-owners'; readonly slot: number; readonly owners: readonly string[] }
  | { readonly kind: 'fix-multiple-owners-fixing'; readonly slot: number; readonly owner: string }
  | { readonly kind: 'fix-multiple-owners-failed'; readonly slot: number }
  | { readonly kind: 'fix-no-multiple-owners' }
  | { readonly kind: 'fix-orphans'; readonly findings: readonly OrphanFinding[] }
  | { readonly kind: 'fix-orphans-not-confirmed' }
  /** A slot move starts (its key dots and the closing newline follow). */
  | { readonly kind: 'fix-moving-slot'; readonly slot: number; readonly from: string; readonly to: string; readonly dialect: CliDialect }
  /** `count` keys moved (a dot each). */
  | { readonly kind: 'fix-dots'; readonly count: number }
  /** The end of a move's dot line. */
  | { readonly kind: 'fix-move-end' }
  | { readonly kind: 'fix-busy-keys'; readonly action: 'replaced' | 'identical-replaced' | 'refused' }
  | { readonly kind: 'fix-differing-keys'; readonly keys: readonly string[]; readonly source: string; readonly target: string }
  | { readonly kind: 'fix-kept-copies'; readonly conflicts: readonly KeyConflict[] }
  | { readonly kind: 'fix-cluster-down-wait'; readonly node: string }
  /** The orphan stage: the node holding orphan keys did not learn in time who serves their slot. */
  | { readonly kind: 'fix-owner-unknown'; readonly node: string; readonly slot: number; readonly owner: string }
  | { readonly kind: 'fix-slot-not-served'; readonly target: string }
  | { readonly kind: 'fix-conflicts-left'; readonly count: number }
  /** fix stopped on an error (its one-line message). */
  | { readonly kind: 'fix-failed'; readonly message: string };
