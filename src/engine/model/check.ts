/** What the cluster check (check/check.ts) finds: plain data with codes, shown by the CLI, the tree and the panel. */
import type { SlotRange } from './slots';

export interface NodeRef {
  readonly id: string;
  readonly addr: string;
}

export type CheckFinding =
  | { readonly code: 'config-disagree'; readonly signatures: readonly { readonly node: NodeRef; readonly signature: string | null }[] }
  | { readonly code: 'slots-migrating'; readonly node: NodeRef; readonly slots: readonly number[] }
  | { readonly code: 'slots-importing'; readonly node: NodeRef; readonly slots: readonly number[] }
  | { readonly code: 'open-slots'; readonly slots: readonly number[] }
  | { readonly code: 'slots-uncovered'; readonly uncovered: readonly SlotRange[]; readonly count: number }
  | { readonly code: 'multiple-owners'; readonly slot: number; readonly owners: readonly NodeRef[] };

export type CheckFindingCode = CheckFinding['code'];

export interface CheckOptions {
  /** redis-cli's --cluster-search-multiple-owners. Needs topology.foreignKeys. */
  readonly searchMultipleOwners?: boolean;
}

export interface CheckResult {
  /** false when any problem was found (redis-cli exits 1). */
  readonly ok: boolean;
  readonly configConsistent: boolean;
  /** Open slots in redis-cli's printing order (Redis dict order). */
  readonly openSlots: readonly number[];
  readonly uncovered: readonly SlotRange[];
  /** undefined when the multiple-owner search was not requested. */
  readonly multipleOwners?: readonly { readonly slot: number; readonly owners: readonly NodeRef[] }[];
  readonly findings: readonly CheckFinding[];
}
