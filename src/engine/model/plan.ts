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

/** One master's share of a load measure before and after a load-based plan (shares in percent). */
export interface LoadShare {
  readonly id: string;
  readonly weight: number;
  /** The master's weighted target, in the measure's unit. */
  readonly target: number;
  readonly before: number;
  readonly after: number;
  readonly targetShare: number;
  readonly shareBefore: number;
  readonly shareAfter: number;
  readonly slotsBefore: number;
  readonly slotsAfter: number;
}

/** Why and how a plan balances a load measure (`rebalance --cluster-balance-by`, "Move Hot Slots Away"). */
export interface LoadBalanceDetails {
  readonly measure: import('./load').LoadMeasure;
  /** Percent of each master's target it may deviate by. */
  readonly threshold: number;
  readonly total: number;
  readonly totalWeight: number;
  /** Every master ends within the threshold of its target. */
  readonly withinThreshold: boolean;
  /** Per involved master, in the topology's node order. */
  readonly masters: readonly LoadShare[];
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
  /** Set by the load planners: the measure and the expected shares before/after. */
  readonly load?: LoadBalanceDetails;
}

/** Outcome of a planner when there is nothing to do. */
export interface NothingToDo {
  readonly kind: 'nothing-to-do';
  readonly reason: 'balanced' | 'empty-plan';
  readonly threshold?: number;
  /** The load planners' shares (all within the threshold, or no move can improve them). */
  readonly load?: LoadBalanceDetails;
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

// ---- Shape check of a plan read from a file (hand-written; no schema package) ----

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isSlot = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 16384;
const isPort = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
const isId = (v: unknown): boolean => typeof v === 'string' && v !== '';

function listProblem(v: unknown, name: string, item: (x: unknown, at: string) => string | null): string | null {
  if (!Array.isArray(v)) return `"${name}" is not a list`;
  for (let i = 0; i < v.length; i++) {
    const p = item(v[i], `${name}[${i}]`);
    if (p) return p;
  }
  return null;
}

function fieldsProblem(v: unknown, at: string, fields: Record<string, (x: unknown) => boolean>, what: Record<string, string>): string | null {
  if (!isObj(v)) return `"${at}" is not an object`;
  for (const [k, ok] of Object.entries(fields)) if (!ok(v[k])) return `"${at}.${k}" is missing or not ${what[k]}`;
  return null;
}

/**
 * What is wrong with `value` as a MovePlan (the first problem found), or null
 * when it has the shape of one. Consistency with the cluster is validatePlan's job.
 */
export function planShapeProblem(value: unknown): string | null {
  if (!isObj(value)) return 'it is not a JSON object';
  if (value.version !== 1) return `"version" is ${JSON.stringify(value.version)}, not 1`;
  if (value.kind !== 'reshard' && value.kind !== 'rebalance') return `"kind" is ${JSON.stringify(value.kind)}, not "reshard" or "rebalance"`;
  const entry = fieldsProblem(
    value.entry,
    'entry',
    { host: (x) => typeof x === 'string' && x !== '', port: isPort },
    { host: 'a host', port: 'a port (1-65535)' },
  );
  if (entry) return entry;
  const nodes = listProblem(value.nodes, 'nodes', (x, at) =>
    fieldsProblem(
      x,
      at,
      { id: isId, host: (h) => typeof h === 'string', port: isPort, slotsBefore: isCount, slotsAfter: isCount },
      { id: 'a node id', host: 'a host', port: 'a port (1-65535)', slotsBefore: 'a slot count', slotsAfter: 'a slot count' },
    ),
  );
  if (nodes) return nodes;
  const moves = listProblem(value.moves, 'moves', (x, at) =>
    fieldsProblem(x, at, { slot: isSlot, sourceId: isId, targetId: isId }, { slot: 'a hash slot (0-16383)', sourceId: 'a node id', targetId: 'a node id' }),
  );
  if (moves) return moves;
  const groups = listProblem(value.groups, 'groups', (x, at) =>
    fieldsProblem(x, at, { sourceId: isId, targetId: isId, slots: isCount }, { sourceId: 'a node id', targetId: 'a node id', slots: 'a slot count' }),
  );
  if (groups) return groups;
  if (!isCount(value.totalSlots)) return '"totalSlots" is missing or not a slot count';
  if ((value.moves as unknown[]).length !== value.totalSlots)
    return `"totalSlots" is ${String(value.totalSlots)} but there are ${(value.moves as unknown[]).length} moves`;
  return null;
}
