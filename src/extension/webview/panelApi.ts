/**
 * The contract between the extension's commands (which gather inputs and
 * compute plans) and the migration panel (plan preview, live progress).
 * Commands depend on this interface only; the panel implements it.
 */
import type { ConnectionOptions, MigrationService, MovePlan, NothingToDo, RebalanceOptions, SlotLoadReport, Topology } from '../../engine';

export type MigrationKind = 'reshard' | 'rebalance' | 'drain' | 'loadRebalance' | 'hotSlots';

export interface MigrationSettings {
  /** Fixed keys per batch, or undefined for the engine's adaptive batches. */
  readonly pipeline?: number;
  readonly timeoutMs: number;
  readonly replace: boolean;
  /** Client-latency budget of paced migrations, ms (engine default when undefined). */
  readonly maxClientLatencyMs?: number;
}

export interface MigrationRequest {
  readonly kind: MigrationKind;
  readonly clusterId: string;
  readonly clusterName: string;
  /** The topology the plan was computed from. */
  readonly topology: Topology;
  readonly plan: MovePlan | NothingToDo;
  /** For rebalance/drain: the options, so the panel can change them and recompute (planners are pure). */
  readonly rebalanceOptions?: RebalanceOptions;
  readonly settings: MigrationSettings;
  /** Per-slot load the command read (load-based plans): shading and hover figures on the slot map. */
  readonly slotLoad?: SlotLoadReport;
}

export type MigrationOutcome = 'executed' | 'failed' | 'cancelled' | 'closed';

export interface MigrationPanelHost {
  /** Opens (or reveals) the panel on the plan; resolves when the run ends or the user cancels/closes it. */
  show(request: MigrationRequest): Promise<MigrationOutcome>;
}

/** What the panel needs from the extension (built in the composition root). */
export interface MigrationPanelDeps {
  /** Connection options including secrets, for the engine only: never posted to the webview. */
  connection(clusterId: string): Promise<ConnectionOptions>;
  /** The cluster's topology now (a preview restored after a reload recomputes on it). */
  topology(clusterId: string): Promise<Topology>;
  /** Runs every migration (journal, lock, cancel, progress); the panel only renders its runs. */
  readonly service: MigrationService;
  /** Reveal a node in the tree (legend click). */
  revealNode(clusterId: string, nodeId: string): void;
  /** The summary's "View check output": runs Check on the cluster and opens its result document. */
  viewCheck(clusterId: string): void;
}
