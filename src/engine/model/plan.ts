/**
 * Migration plans: pure, JSON-safe data computed by the planners from a
 * topology and options. The executor only ever runs a finished, validated plan.
 */

/** One slot to move from `sourceId` to `targetId`. */
export interface SlotMove {
  readonly slot: number;
  readonly sourceId: string;
  readonly targetId: string;
}

/** A node the plan refers to, with the address to reach it at plan time. */
export interface PlanNode {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** Slots owned when the plan was made. */
  readonly slotsBefore: number;
  /** Slots owned once the plan is done. */
  readonly slotsAfter: number;
}

/** A run of moves between one source and one target (redis-cli's "Moving k slots from A to B"). */
export interface MoveGroup {
  readonly sourceId: string;
  readonly targetId: string;
  readonly slots: number;
}

export interface RebalanceDetails {
  readonly totalWeight: number;
  readonly threshold: number;
  /** Per involved node, sorted as redis-cli sorts them (balance ascending). */
  readonly balances: readonly { readonly id: string; readonly weight: number; readonly expected: number; readonly balance: number }[];
}

export interface MigrationOptions {
  /** Keys per GETKEYSINSLOT/MIGRATE batch; undefined = adaptive (rcm default). */
  readonly pipeline?: number;
  /** MIGRATE timeout in ms (redis-cli's --cluster-timeout, default 60000). */
  readonly timeoutMs: number;
  /** Overwrite keys that already exist on the target (--cluster-replace). */
  readonly replace: boolean;
}

export interface MovePlan {
  readonly version: 1;
  readonly kind: 'reshard' | 'rebalance';
  /** The entry node the plan was computed from. */
  readonly entry: { readonly host: string; readonly port: number };
  readonly nodes: readonly PlanNode[];
  /** Moves in execution order (grouped as `groups`). */
  readonly moves: readonly SlotMove[];
  readonly groups: readonly MoveGroup[];
  readonly totalSlots: number;
  /** Requested slot count (reshard) — equals totalSlots for a valid plan. */
  readonly requestedSlots?: number;
  readonly rebalance?: RebalanceDetails;
}

/** Outcome of a planner when there is nothing to do. */
export interface NothingToDo {
  readonly kind: 'nothing-to-do';
  readonly reason: 'balanced' | 'empty-plan';
  readonly threshold?: number;
}

/** Groups consecutive moves by (source, target). Pure helper used by planners. */
export function groupMoves(moves: readonly SlotMove[]): MoveGroup[] {
  const groups: MoveGroup[] = [];
  for (const m of moves) {
    const last = groups[groups.length - 1];
    if (last && last.sourceId === m.sourceId && last.targetId === m.targetId) {
      groups[groups.length - 1] = { ...last, slots: last.slots + 1 };
    } else groups.push({ sourceId: m.sourceId, targetId: m.targetId, slots: 1 });
  }
  return groups;
}
