/**
 * Per-slot load: what each hash slot carries (keys, memory, and where the
 * server measures them CPU time and network bytes), with the source of every
 * figure. Plain, JSON-safe data produced by the collector (io/slotLoad.ts)
 * and read by the load planners, `rcm hot-slots` and the extension.
 */

/** What a figure is based on: counted/measured by the server, sampled (MEMORY USAGE of some keys), or estimated. */
export type FigureSource = 'measured' | 'sampled' | 'estimated';

/** A measure of load a slot carries. */
export type LoadMeasure = 'keys' | 'memory' | 'cpu';

/** What `rebalance --cluster-balance-by` balances: slot counts (redis-cli) or a load measure. */
export type BalanceBy = 'slots' | LoadMeasure;

export const LOAD_MEASURES: readonly LoadMeasure[] = ['keys', 'memory', 'cpu'];
export const BALANCE_BY: readonly BalanceBy[] = ['slots', ...LOAD_MEASURES];

export interface SlotLoad {
  readonly slot: number;
  /** The master that owns the slot. */
  readonly ownerId: string;
  readonly keys: number;
  /** Bytes (MEMORY USAGE semantics). */
  readonly memory: number;
  /** CPU time spent on the slot's commands, µs (SLOT-STATS with cluster-slot-stats-enabled). */
  readonly cpuUs?: number;
  /** Network bytes in / out for the slot's commands (SLOT-STATS with cluster-slot-stats-enabled). */
  readonly netIn?: number;
  readonly netOut?: number;
  readonly source: {
    readonly keys: FigureSource;
    readonly memory: FigureSource;
    readonly cpu?: FigureSource;
    readonly net?: FigureSource;
  };
}

/** Totals of one master over the slots it owns. */
export interface MasterLoad {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly slots: number;
  readonly keys: number;
  readonly memory: number;
  readonly cpuUs?: number;
  readonly netIn?: number;
  readonly netOut?: number;
  /** How this master's figures were obtained. */
  readonly method: 'slot-stats' | 'count-and-sample';
}

export interface SlotLoadReport {
  /** Owned slots in slot order. */
  readonly slots: readonly SlotLoad[];
  readonly masters: readonly MasterLoad[];
  /** True when every master's figures were collected within the time budget (else some memory is estimated only). */
  readonly complete: boolean;
  /** Whether CPU figures exist for every owned slot (SLOT-STATS with cluster-slot-stats-enabled on every master). */
  readonly hasCpu: boolean;
}

/** The value of `measure` for one slot or one master (CPU: 0 when not measured). */
export function loadValue(load: Pick<SlotLoad, 'keys' | 'memory' | 'cpuUs'>, measure: LoadMeasure): number {
  switch (measure) {
    case 'keys':
      return load.keys;
    case 'memory':
      return load.memory;
    case 'cpu':
      return load.cpuUs ?? 0;
  }
}
