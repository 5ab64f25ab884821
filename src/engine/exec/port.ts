/**
 * What the migration executor needs from a cluster. The real implementation
 * (io/slotPort.ts) sends pipelined commands over the node connections; tests
 * may use an in-memory fake to pin down failure paths.
 */

export type SetSlotAction =
  | { readonly slot: number; readonly action: 'IMPORTING' | 'MIGRATING' | 'NODE'; readonly nodeId: string }
  | { readonly slot: number; readonly action: 'STABLE' };

export interface MigrateOptions {
  readonly timeoutMs: number;
  readonly replace: boolean;
}

/** A master's replication offset and what each of its replicas (as loaded) says now (ROLE). */
export interface ReplicationState {
  /** The node still answers ROLE master. */
  readonly master: boolean;
  /** Its master_repl_offset (0 when not a master). */
  readonly offset: number;
  readonly replicas: readonly {
    readonly addr: string;
    /** following: a replica of this node with its link up; master: it took over; other: a replica of another node or linking. */
    readonly role: 'following' | 'master' | 'other' | 'unreachable';
    /** Replication offset it has processed (following only). */
    readonly offset: number;
  }[];
}

/** migrateCopy's reply when a key changed on the source between its copy and its deletion. */
export const MIGRATE_COPY_CHANGED = 'RCM-CHANGED keys were written on the source while they moved';

export interface SlotPort {
  /** `host:port` of a node, for messages. */
  nodeAddr(nodeId: string): string;
  /** Ids of every reachable master (for the final SETSLOT NODE broadcast). */
  masterIds(): readonly string[];
  /** CLUSTER SETSLOT for many slots on one node, pipelined. Per item: null, or the error text. */
  setSlots(nodeId: string, items: readonly SetSlotAction[]): Promise<(string | null)[]>;
  /** CLUSTER GETKEYSINSLOT slot count, for each slot (pipelined). Keys are binary-safe. */
  getKeysInSlots(nodeId: string, slots: readonly number[], count: number): Promise<Buffer[][]>;
  /** CLUSTER COUNTKEYSINSLOT for each slot (pipelined). */
  countKeysInSlots(nodeId: string, slots: readonly number[]): Promise<number[]>;
  /**
   * MIGRATE on the source towards the target (db 0), one command per key group
   * (every group's keys in one slot: MIGRATE refuses CROSSSLOT), pipelined.
   * Per group: null on success, else the error text.
   */
  migrate(sourceId: string, targetId: string, groups: readonly (readonly Buffer[])[], opts: MigrateOptions): Promise<(string | null)[]>;
  /**
   * One slot's keys moved so that the source's copies are deleted only once the target's replica has
   * them: WATCH, MIGRATE … COPY, `confirm()` (throws: nothing deleted), then DEL in MULTI/EXEC. null on
   * success; MIGRATE_COPY_CHANGED when a key was written meanwhile (the source's copies stay; move them
   * again with REPLACE); else MIGRATE's error text. A target without replicas gets a plain MIGRATE.
   */
  migrateCopy?(sourceId: string, targetId: string, keys: readonly Buffer[], opts: MigrateOptions, confirm: () => Promise<void>): Promise<string | null>;
  /** DUMP payloads of keys on a node (null where missing), to compare colliding keys. */
  dump(nodeId: string, keys: readonly Buffer[]): Promise<(Buffer | null)[]>;
  /** cluster_current_epoch and cluster_my_epoch of a node (CLUSTER INFO), and whether it is a master (ROLE). */
  epochs(nodeId: string): Promise<{ readonly current: number; readonly mine: number; readonly master: boolean }>;
  /** CLUSTER BUMPEPOCH on a node. */
  bumpEpoch(nodeId: string): Promise<void>;
  /** Releases any extra connections the port opened. */
  close?(): void;
  /**
   * After a MIGRATE of `keys` failed with a timeout: the target may have restored some of
   * them while the source kept its copies. For each key the target holds whose source copy
   * is identical (compared under WATCH), deletes the source copy (what MIGRATE would have
   * done); returns the keys still to move, and whether the target holds a stale copy of any
   * (then the retry needs REPLACE: that copy came from this move). `confirm` runs after the target's
   * copies are read and before any source copy is deleted (or moved again); it throws to delete nothing.
   */
  finishTimedOut?(
    sourceId: string,
    targetId: string,
    keys: readonly Buffer[],
    confirm?: () => Promise<void>,
  ): Promise<{ readonly remaining: Buffer[]; readonly replace: boolean }>;
  /** ROLE of a master and of each of its replicas (exec/durability.ts decides from it). */
  replicationState?(nodeId: string): Promise<ReplicationState>;
  /** PING on a connection of its own (the pacing probe: it queues behind MIGRATEs as a client would). */
  probe?(nodeId: string): Promise<void>;
  /** instantaneous_ops_per_sec of a node (INFO stats, on the probe connection). */
  opsPerSec?(nodeId: string): Promise<number>;
  /** Any command on one node (server-side atomic migration). Rejects with the reply error. */
  command?(nodeId: string, ...args: (string | number)[]): Promise<unknown>;
}

/** Time source, injected so the executor can be tested deterministically. */
export interface Clock {
  now(): number;
  /** Monotonic sub-millisecond time for measuring round trips (default: now). */
  hrNow?(): number;
  /** Waits (polling of server-side migrations). */
  sleep?(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), hrNow: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** Waits with the clock's own sleep (tests advance a fake clock), else the system's. */
export function clockSleep(clock: Clock, ms: number): Promise<void> {
  return (clock.sleep ?? systemClock.sleep!)(ms);
}
