/**
 * The typed host ⇄ webview protocol of the migration panel. It imports only
 * types from src/engine/model/** (plain, JSON-safe data), so the webview's DOM
 * program compiles it without Node or VS Code types. Everything here crosses
 * postMessage and getState/setState as is: no classes, no Maps.
 *
 * Shape: a `ready` handshake (the host posts nothing before it), requests
 * from the webview carry a `requestId` that the host echoes in exactly one
 * `response`, and every other message is a one-way notification.
 */
import type { LoadMeasure } from '../engine/model/load';
import type { MovePlan } from '../engine/model/plan';
import type { ProgressSnapshot } from '../engine/model/progress';
import type { StringKey } from './strings';
import type { SlotRange } from '../engine/model/slots';

export const PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------- view data

/** A master as the panel shows it (legend, slot map). No credentials, ever. */
export interface NodeView {
  readonly id: string;
  /** `host:port` */
  readonly addr: string;
  /** Slots owned when the plan was made. */
  readonly slots: readonly SlotRange[];
  readonly slotCount: number;
  /** Slots owned once the plan is done (equals slotCount when the plan does not touch it). */
  readonly slotsAfter: number;
  /** Weight used by a rebalance plan, when the node took part. */
  readonly weight?: number;
  /** Flags as seen by the entry node (`fail?`, `fail`, …) when not a plain master. */
  readonly flags: readonly string[];
}

/** Open slots of an interrupted migration, highlighted on the map. */
export interface OpenSlotView {
  readonly slot: number;
  readonly nodeId: string;
  readonly state: 'migrating' | 'importing';
  readonly peerId: string;
}

/** One source → target pair of the plan. */
export interface MoveGroupView {
  readonly sourceId: string;
  readonly targetId: string;
  readonly slots: readonly SlotRange[];
  readonly slotCount: number;
}

export interface RebalanceOptionsView {
  /** `idprefix=weight` entries. */
  readonly weights: readonly string[];
  readonly threshold: number;
  readonly useEmptyMasters: boolean;
}

export interface SettingsView {
  /** undefined: adaptive batches. */
  readonly pipeline?: number;
  readonly timeoutMs: number;
  readonly replace: boolean;
  /** Client-latency budget of paced migrations, ms. */
  readonly maxClientLatencyMs?: number;
}

export type PlanKind = 'reshard' | 'rebalance' | 'drain' | 'loadRebalance' | 'hotSlots';

/** Per-slot load the command read (index = slot; -1 = not owned / unknown). */
export interface SlotLoadView {
  readonly keys: readonly number[];
  /** Bytes; sampled or estimated unless the server measured them (`memoryEstimated`). */
  readonly memory: readonly number[];
  readonly memoryEstimated: boolean;
  /** CPU µs per slot (CLUSTER SLOT-STATS with cluster-slot-stats-enabled), else null. */
  readonly cpu: readonly number[] | null;
}

/** One master's expected share of the plan's measure, before and after (texts formatted by the host, as rcm prints them). */
export interface LoadBarView {
  readonly id: string;
  readonly before: number;
  readonly after: number;
  readonly target: number;
  readonly beforeText: string;
  readonly afterText: string;
  readonly targetText: string;
}

export interface LoadSharesView {
  readonly measure: LoadMeasure;
  readonly threshold: number;
  readonly withinThreshold: boolean;
  readonly bars: readonly LoadBarView[];
}

/** Everything the preview shows: the plan, the cluster it applies to, the options that produced it. */
export interface PlanView {
  readonly kind: PlanKind;
  readonly clusterName: string;
  readonly entry: string;
  readonly nodes: readonly NodeView[];
  readonly openSlots: readonly OpenSlotView[];
  /** null when the planner found nothing to do. */
  readonly plan: MovePlan | null;
  readonly groups: readonly MoveGroupView[];
  readonly totalSlots: number;
  /** Set when the planner found nothing to do. */
  readonly nothingToDo?: { readonly reason: 'balanced' | 'empty-plan'; readonly threshold?: number };
  /** Present for rebalance/drain: the panel can change them and recompute. */
  readonly rebalance?: RebalanceOptionsView;
  readonly settings: SettingsView;
  /** Per-slot load, when the command read it (Rebalance by Load, Move Hot Slots Away). */
  readonly slotLoad?: SlotLoadView;
  /** Expected shares of a load-based plan. */
  readonly loadShares?: LoadSharesView;
}

/** Overall figures of a run: the engine's ProgressSnapshot without the pace (shown on its own). */
export type ProgressView = Omit<ProgressSnapshot, 'pace'>;

/** Per source → target progress. */
export interface GroupProgressView {
  readonly sourceId: string;
  readonly targetId: string;
  readonly slotsDone: number;
  readonly slots: number;
  readonly keysMoved: number;
  readonly state: 'waiting' | 'running' | 'done' | 'stopped';
  /** How the pair moves: 'legacy' (SETSLOT/MIGRATE), 'redis-atomic' or 'valkey-atomic' (one server job); unknown before it starts. */
  readonly strategy?: 'legacy' | 'redis-atomic' | 'valkey-atomic';
  /** The server's own state of the pair's atomic job (e.g. 'snapshotting'). */
  readonly jobState?: string;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  /** ms since the run started */
  readonly atMs: number;
  readonly level: LogLevel;
  /** Already localized by the host. */
  readonly text: string;
}

export interface CheckView {
  readonly ok: boolean;
  /** Localized one-line findings. */
  readonly findings: readonly string[];
}

export type RunStatus = 'done' | 'cancelled' | 'failed';

/** A master the run left without slots that Redis then turned into a replica (of the master that took its last slot). */
export interface DemotedView {
  /** `host:port` */
  readonly addr: string;
  /** `host:port` of its new master (its id's first 8 characters when that node is not loaded). */
  readonly masterAddr: string;
}

export interface SummaryView {
  readonly status: RunStatus;
  readonly slotsMoved: number;
  readonly totalSlots: number;
  readonly keysMoved: number;
  readonly durationMs: number;
  readonly keysPerSec: number;
  /** Key counts per slot matched before/after. */
  readonly verified: boolean;
  readonly mismatches: number;
  /** Slots found already moved (resume) and only finalised. */
  readonly alreadyMoved: number;
  /** null when the run failed before the post-check. */
  readonly check: CheckView | null;
  readonly error?: string;
  /** The run's journal: `rcm resume <journal>` continues an unfinished run. */
  readonly journalPath?: string;
  /** The host can continue this run from its journal (cancelled/failed, journal owned by the panel). */
  readonly resumable: boolean;
  /** Masters left without slots that are now replicas (known shortly after the run: the host reloads the cluster). */
  readonly demoted?: readonly DemotedView[];
}

export type Phase = 'preview' | 'running' | 'finished';

export interface RunView {
  readonly progress: ProgressView;
  readonly groups: readonly GroupProgressView[];
  readonly stopping: boolean;
  readonly journalPath?: string;
}

/** The whole state of a panel: what the webview persists with setState and what the host sends on init. */
export interface PanelSnapshot {
  readonly version: typeof PROTOCOL_VERSION;
  readonly panelId: string;
  readonly clusterId: string;
  readonly phase: Phase;
  readonly view: PlanView;
  /** Slots moved by the run so far (they now belong to the plan's target). */
  readonly doneSlots: readonly number[];
  readonly run: RunView | null;
  readonly log: readonly LogEntry[];
  readonly summary: SummaryView | null;
}

/** Changes since the last progress message (the host throttles them). */
export interface ProgressDelta {
  readonly progress: ProgressView;
  readonly groups: readonly GroupProgressView[];
  readonly newlyDone: readonly number[];
  readonly log: readonly LogEntry[];
  readonly stopping: boolean;
}

/** Localized strings keyed by id (see strings.ts). */
export type StringTable = Readonly<Record<string, string>>;

/** Why the panel runs in a limited mode. */
export type PanelMode =
  | 'live' // opened by a command: can execute
  | 'restored'; // brought back after a reload: shows its last state; may offer resume

/** What the webview keeps with setState (and the serializer hands back to the host after a reload). */
export interface PersistedState {
  readonly snapshot: PanelSnapshot;
  /** Keys per slot (-1: not counted), when counted. */
  readonly keyCounts: readonly number[] | null;
  readonly shadeByKeys: boolean;
  /** What the map shades by (keys when absent). */
  readonly shadeBy?: LoadMeasure;
}

export function isPersistedState(v: unknown): v is PersistedState {
  return isObj(v) && isPanelSnapshot(v.snapshot) && (v.keyCounts === null || Array.isArray(v.keyCounts)) && typeof v.shadeByKeys === 'boolean';
}

// ---------------------------------------------------------------- messages

/** Requests from the webview: the host answers each with one `response` carrying the same id. */
export type WebviewRequest =
  /** `fast`: the panel's "Fast" box: no client-latency budget (maintenance windows). */
  | { readonly type: 'execute'; readonly requestId: number; readonly fast?: boolean }
  | { readonly type: 'resume'; readonly requestId: number; readonly fast?: boolean }
  | { readonly type: 'exportPlan'; readonly requestId: number }
  | { readonly type: 'recompute'; readonly requestId: number; readonly options: RebalanceOptionsView }
  | { readonly type: 'loadKeyCounts'; readonly requestId: number };

/** One-way notifications from the webview. */
export type WebviewNotification =
  | { readonly type: 'ready'; readonly protocol: number }
  | { readonly type: 'cancelRun' }
  | { readonly type: 'dismiss' }
  | { readonly type: 'revealNode'; readonly nodeId: string }
  /** The summary's "View check output": a fresh Check of the cluster in a result document. */
  | { readonly type: 'viewCheck' };

export type WebviewToHost = WebviewRequest | WebviewNotification;

export type WebviewRequestType = WebviewRequest['type'];

export type ResponseMessage =
  | { readonly type: 'response'; readonly requestId: number; readonly ok: true }
  | { readonly type: 'response'; readonly requestId: number; readonly ok: false; readonly error: string };

/** Messages the extension host sends to the webview. */
export type HostToWebview =
  | {
      readonly type: 'init';
      readonly locale: string;
      readonly strings: StringTable;
      readonly mode: PanelMode;
      /** The host's current state; absent when a restored webview keeps its own. */
      readonly snapshot?: PanelSnapshot;
      /** A run is going on in the host right now (false for a restored run that a reload interrupted). */
      readonly running: boolean;
      /** Restored: the interrupted run can be continued from its journal. */
      readonly canResume: boolean;
    }
  | { readonly type: 'plan'; readonly view: PlanView }
  | { readonly type: 'keyCounts'; readonly entries: readonly (readonly [number, number])[]; readonly done: boolean }
  | { readonly type: 'runStarted'; readonly run: RunView; readonly doneSlots: readonly number[] }
  | { readonly type: 'progress'; readonly delta: ProgressDelta }
  | { readonly type: 'runFinished'; readonly summary: SummaryView; readonly delta: ProgressDelta }
  /** After a run: masters it emptied that Redis turned into replicas (added to the summary). */
  | { readonly type: 'demoted'; readonly nodes: readonly DemotedView[] }
  | ResponseMessage;

export type HostToWebviewType = HostToWebview['type'];

// ---------------------------------------------------------------- validation

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

function isRebalanceOptions(v: unknown): v is RebalanceOptionsView {
  return (
    isObj(v) &&
    Array.isArray(v.weights) &&
    v.weights.length <= 10_000 &&
    v.weights.every(isStr) &&
    typeof v.threshold === 'number' &&
    Number.isFinite(v.threshold) &&
    typeof v.useEmptyMasters === 'boolean'
  );
}

/**
 * Validates a message from the webview. The host never trusts the webview:
 * anything that is not exactly one of the declared shapes is dropped.
 */
export function parseWebviewToHost(v: unknown): WebviewToHost | undefined {
  if (!isObj(v) || !isStr(v.type)) return undefined;
  switch (v.type) {
    case 'ready':
      return isInt(v.protocol) ? { type: 'ready', protocol: v.protocol } : undefined;
    case 'cancelRun':
    case 'dismiss':
    case 'viewCheck':
      return { type: v.type };
    case 'revealNode':
      return isStr(v.nodeId) && v.nodeId.length <= 64 ? { type: 'revealNode', nodeId: v.nodeId } : undefined;
    case 'execute':
    case 'resume':
      if (!isInt(v.requestId) || (v.fast !== undefined && typeof v.fast !== 'boolean')) return undefined;
      return { type: v.type, requestId: v.requestId, ...(v.fast === true ? { fast: true } : {}) };
    case 'exportPlan':
    case 'loadKeyCounts':
      return isInt(v.requestId) ? { type: v.type, requestId: v.requestId } : undefined;
    case 'recompute':
      if (!isInt(v.requestId) || !isRebalanceOptions(v.options)) return undefined;
      return {
        type: 'recompute',
        requestId: v.requestId,
        options: { weights: [...v.options.weights], threshold: v.options.threshold, useEmptyMasters: v.options.useEmptyMasters },
      };
    default:
      return undefined;
  }
}

const HOST_TYPES: ReadonlySet<string> = new Set<HostToWebviewType>([
  'init',
  'plan',
  'keyCounts',
  'runStarted',
  'progress',
  'runFinished',
  'demoted',
  'response',
]);

/** Cheap guard on the webview side (the host is trusted; this only filters foreign messages). */
export function isHostToWebview(v: unknown): v is HostToWebview {
  return isObj(v) && isStr(v.type) && HOST_TYPES.has(v.type);
}

/** Is this persisted state something this version of the webview can render? */
export function isPanelSnapshot(v: unknown): v is PanelSnapshot {
  return (
    isObj(v) &&
    v.version === PROTOCOL_VERSION &&
    isStr(v.panelId) &&
    isStr(v.clusterId) &&
    (v.phase === 'preview' || v.phase === 'running' || v.phase === 'finished') &&
    isObj(v.view) &&
    Array.isArray(v.doneSlots) &&
    Array.isArray(v.log)
  );
}

// ---------------------------------------------------------------- state transitions (shared by host and webview)

/** Most log entries a panel keeps (older ones are dropped). */
export const LOG_LIMIT = 500;

export function appendLog(log: readonly LogEntry[], more: readonly LogEntry[]): LogEntry[] {
  const all = more.length === 0 ? [...log] : [...log, ...more];
  return all.length > LOG_LIMIT ? all.slice(all.length - LOG_LIMIT) : all;
}

/** Applies a progress delta to a snapshot. Pure; the host and the webview use the same function. */
export function applyDelta(s: PanelSnapshot, d: ProgressDelta): PanelSnapshot {
  return {
    ...s,
    doneSlots: d.newlyDone.length > 0 ? [...s.doneSlots, ...d.newlyDone] : s.doneSlots,
    log: appendLog(s.log, d.log),
    run: { ...(s.run ?? { journalPath: undefined }), progress: d.progress, groups: d.groups, stopping: d.stopping },
  };
}

/** Applies any state-changing host message to a snapshot (init, plan, runStarted, progress, runFinished, demoted). */
export function reduceSnapshot(s: PanelSnapshot, m: HostToWebview): PanelSnapshot {
  switch (m.type) {
    case 'init':
      return m.snapshot ?? s;
    case 'plan':
      return { ...s, phase: 'preview', view: m.view, doneSlots: [], run: null, log: [], summary: null };
    case 'runStarted':
      return { ...s, phase: 'running', run: m.run, doneSlots: m.doneSlots, summary: null };
    case 'progress':
      return applyDelta(s, m.delta);
    case 'runFinished':
      return { ...applyDelta(s, m.delta), phase: 'finished', summary: m.summary };
    case 'demoted':
      return s.summary && m.nodes.length > 0 ? { ...s, summary: { ...s.summary, demoted: m.nodes } } : s;
    case 'keyCounts':
    case 'response':
      return s;
  }
}

/** The panel's badge: a run that ended says how (a cancelled run is not "Finished"); a restored idle panel says so. */
export function phaseBadgeKey(s: PanelSnapshot, restoredIdle: boolean): StringKey {
  if (restoredIdle) return 'phase.restored';
  if (s.phase !== 'finished') return `phase.${s.phase}`;
  const status = s.summary?.status ?? 'done';
  return status === 'done' ? 'phase.finished' : `phase.${status}`;
}
