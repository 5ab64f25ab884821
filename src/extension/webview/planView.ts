/**
 * Builds the view data of the migration panel from a request (topology +
 * plan + options). vscode-free and pure, so it is unit-tested under Node.
 * Only addresses, ids and slot data go into the view: never credentials.
 */
import {
  DEFAULT_THRESHOLD,
  formatShare,
  parseWeights,
  planRebalance,
  rangesFromSlots,
  type LoadBalanceDetails,
  type MovePlan,
  type NothingToDo,
  type RebalanceOptions,
  type SlotLoadReport,
  type Topology,
} from '../../engine';
import type {
  LoadSharesView,
  MoveGroupView,
  NodeView,
  OpenSlotView,
  PanelSnapshot,
  PlanKind,
  PlanView,
  RebalanceOptionsView,
  SettingsView,
  SlotLoadView,
} from '../../shared/protocol';
import type { MigrationKind, MigrationSettings } from './panelApi';

export interface PlanViewInput {
  readonly kind: PlanKind;
  readonly clusterName: string;
  readonly topology: Topology;
  readonly plan: MovePlan | NothingToDo;
  readonly rebalanceOptions?: RebalanceOptions;
  readonly settings: SettingsView;
  readonly slotLoad?: SlotLoadReport;
}

/** The collector's report as per-slot arrays for the slot map. */
export function slotLoadView(report: SlotLoadReport): SlotLoadView {
  const keys = new Array<number>(16384).fill(-1);
  const memory = new Array<number>(16384).fill(-1);
  const cpu = report.hasCpu ? new Array<number>(16384).fill(-1) : null;
  for (const s of report.slots) {
    keys[s.slot] = s.keys;
    memory[s.slot] = s.memory;
    if (cpu) cpu[s.slot] = s.cpuUs ?? 0;
  }
  return { keys, memory, cpu, memoryEstimated: report.slots.some((s) => s.source.memory !== 'measured') };
}

/** The before/after bars of a load-based plan, with the share texts rcm prints (engine formatting, two decimals). */
export function loadSharesView(load: LoadBalanceDetails): LoadSharesView {
  return {
    measure: load.measure,
    threshold: load.threshold,
    withinThreshold: load.withinThreshold,
    bars: load.masters.map((m) => ({
      id: m.id,
      before: m.shareBefore,
      after: m.shareAfter,
      target: m.targetShare,
      beforeText: formatShare(m.shareBefore),
      afterText: formatShare(m.shareAfter),
      targetText: formatShare(m.targetShare),
    })),
  };
}

export function isMovePlan(p: MovePlan | NothingToDo): p is MovePlan {
  return p.kind !== 'nothing-to-do';
}

/** The rebalance options as the panel edits them (defaults filled in). */
export function rebalanceOptionsView(o: RebalanceOptions): RebalanceOptionsView {
  return { weights: [...(o.weights ?? [])], threshold: o.threshold ?? DEFAULT_THRESHOLD, useEmptyMasters: o.useEmptyMasters === true };
}

/** Effective weight per node id: from the plan's balances when it has them, else from the weight entries. */
function weightsOf(topology: Topology, plan: MovePlan | NothingToDo, o: RebalanceOptions | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!o) return out;
  try {
    for (const { node, weight } of parseWeights(topology, o.weights ?? [])) out.set(node.id, weight);
  } catch {
    // Invalid entries were refused by the planner already; show defaults.
  }
  if (isMovePlan(plan)) for (const b of plan.rebalance?.balances ?? []) out.set(b.id, b.weight);
  return out;
}

/** Groups the plan's moves per (source, target) pair, in order of first appearance, with slot ranges. */
export function groupViews(plan: MovePlan): MoveGroupView[] {
  const order: string[] = [];
  const byPair = new Map<string, { sourceId: string; targetId: string; slots: number[] }>();
  for (const m of plan.moves) {
    const key = `${m.sourceId}>${m.targetId}`;
    let g = byPair.get(key);
    if (!g) {
      g = { sourceId: m.sourceId, targetId: m.targetId, slots: [] };
      byPair.set(key, g);
      order.push(key);
    }
    g.slots.push(m.slot);
  }
  return order.map((k) => {
    const g = byPair.get(k)!;
    return { sourceId: g.sourceId, targetId: g.targetId, slots: rangesFromSlots(g.slots), slotCount: g.slots.length };
  });
}

export function buildPlanView(input: PlanViewInput): PlanView {
  const { topology, plan } = input;
  const movePlan = isMovePlan(plan) ? plan : null;
  const after = new Map((movePlan?.nodes ?? []).map((n) => [n.id, n.slotsAfter]));
  const weights = weightsOf(topology, plan, input.rebalanceOptions);
  const withRebalance = input.rebalanceOptions !== undefined;

  const nodes: NodeView[] = [];
  const openSlots: OpenSlotView[] = [];
  for (const n of topology.nodes) {
    if (n.role !== 'master') continue;
    const flags = n.flagsSeenByEntry.filter((f) => f !== 'master' && f !== 'myself');
    nodes.push({
      id: n.id,
      addr: `${n.host}:${n.port}`,
      slots: n.slots,
      slotCount: n.slotCount,
      slotsAfter: after.get(n.id) ?? n.slotCount,
      ...(withRebalance ? { weight: weights.get(n.id) ?? 1 } : {}),
      flags,
    });
    for (const o of n.migrating) openSlots.push({ slot: o.slot, nodeId: n.id, state: 'migrating', peerId: o.peerId });
    for (const o of n.importing) openSlots.push({ slot: o.slot, nodeId: n.id, state: 'importing', peerId: o.peerId });
  }
  for (const s of topology.skipped) {
    if (s.role !== 'master' || s.slots.length === 0) continue;
    const count = s.slots.reduce((a, r) => a + r.end - r.start + 1, 0);
    nodes.push({
      id: s.id,
      addr: `${s.host}:${s.port}`,
      slots: s.slots,
      slotCount: count,
      slotsAfter: count,
      flags: ['unreachable', ...s.flags.filter((f) => f !== 'master')],
    });
  }

  const view: PlanView = {
    kind: input.kind,
    clusterName: input.clusterName,
    entry: `${topology.entry.host}:${topology.entry.port}`,
    nodes,
    openSlots,
    plan: movePlan,
    groups: movePlan ? groupViews(movePlan) : [],
    totalSlots: movePlan ? movePlan.moves.length : 0,
    ...(!isMovePlan(plan) ? { nothingToDo: { reason: plan.reason, ...(plan.threshold !== undefined ? { threshold: plan.threshold } : {}) } } : {}),
    ...(input.rebalanceOptions ? { rebalance: rebalanceOptionsView(input.rebalanceOptions) } : {}),
    settings: {
      ...(input.settings.pipeline !== undefined ? { pipeline: input.settings.pipeline } : {}),
      timeoutMs: input.settings.timeoutMs,
      replace: input.settings.replace,
      ...(input.settings.maxClientLatencyMs !== undefined ? { maxClientLatencyMs: input.settings.maxClientLatencyMs } : {}),
    },
    ...(input.slotLoad ? { slotLoad: slotLoadView(input.slotLoad) } : {}),
    ...(plan.load ? { loadShares: loadSharesView(plan.load) } : {}),
  };
  return view;
}

/** Recomputes a rebalance plan with options edited in the panel (the planner is pure and fast). */
export function recomputeRebalance(topology: Topology, o: RebalanceOptionsView): MovePlan | NothingToDo {
  const weights = o.weights.map((w) => w.trim()).filter((w) => w !== '');
  return planRebalance(topology, { weights, threshold: o.threshold, useEmptyMasters: o.useEmptyMasters });
}

/**
 * The inputs of a panel that can execute: opened by a command, or a plan
 * preview restored after a reload (its topology is loaded again on demand).
 */
export interface LiveInputs {
  topology: Topology | null;
  plan: MovePlan | null;
  readonly kind: MigrationKind;
  readonly clusterName: string;
  readonly settings: MigrationSettings;
  readonly rebalanceOptions?: RebalanceOptions;
}

/**
 * A plan preview restored after a reload can execute: the plan is the one the
 * host kept for this panel, never the webview's copy, and only when the view
 * shows that very plan. Anything else stays a restored, read-only panel.
 */
export function restoredPreview(snapshot: PanelSnapshot, kept: Readonly<Record<string, MovePlan>>): LiveInputs | null {
  const v = snapshot.view;
  const plan = kept[snapshot.panelId];
  if (snapshot.phase !== 'preview' || !plan || JSON.stringify(plan) !== JSON.stringify(v.plan)) return null;
  return {
    topology: null,
    plan,
    kind: v.kind,
    clusterName: v.clusterName,
    settings: v.settings,
    ...(v.rebalance
      ? { rebalanceOptions: { weights: v.rebalance.weights, threshold: v.rebalance.threshold, useEmptyMasters: v.rebalance.useEmptyMasters } }
      : {}),
  };
}
