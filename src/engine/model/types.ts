/**
 * The plain, JSON-safe model of a Redis Cluster as the engine sees it.
 * No classes with behaviour, no Maps: everything here crosses process and
 * webview boundaries as is.
 */
import type { SlotRange } from './slots';

/** `host:port` plus the cluster-bus port and the optional announced hostname. */
export interface NodeAddress {
  readonly host: string;
  readonly port: number;
  /** Cluster bus port (0 when unknown). */
  readonly busPort: number;
  /** Announced hostname (`ip:port@cport,hostname`), if any. */
  readonly hostname?: string;
}

/** A slot left open by an interrupted migration. */
export interface OpenSlot {
  readonly slot: number;
  /** Migrating: the node it moves to. Importing: the node it comes from. */
  readonly peerId: string;
}

export type LinkState = 'connected' | 'disconnected';

/** Flags as Redis prints them in CLUSTER NODES. */
export type NodeFlag = 'myself' | 'master' | 'slave' | 'fail?' | 'fail' | 'handshake' | 'noaddr' | 'nofailover' | 'noflags' | (string & {});

/** One line of a CLUSTER NODES reply, as written by the node that sent it. */
export interface ClusterNodesLine {
  readonly id: string;
  /** null when the node has no address yet (`:0@0`, flag `noaddr`). */
  readonly address: NodeAddress | null;
  /** The address field exactly as sent. */
  readonly addressText: string;
  readonly flags: readonly NodeFlag[];
  readonly masterId: string | null;
  readonly pingSent: number;
  readonly pongReceived: number;
  readonly configEpoch: number;
  readonly linkState: LinkState;
  readonly slots: readonly SlotRange[];
  readonly migrating: readonly OpenSlot[];
  readonly importing: readonly OpenSlot[];
  /** Slot tokens exactly as sent (owned slots only; open-slot markers excluded). */
  readonly slotTokens: readonly string[];
}

export type Role = 'master' | 'replica';

/** Key-space and memory figures of one node (from INFO and DBSIZE). */
export interface NodeStats {
  readonly keys?: number;
  readonly usedMemory?: number;
  readonly usedMemoryHuman?: string;
  readonly replicationOffset?: number;
  readonly connectedClients?: number;
  /** INFO instantaneous_ops_per_sec. */
  readonly opsPerSec?: number;
  /** Replicas: INFO master_last_io_seconds_ago (seconds since the master last sent something). */
  readonly masterLastIoSecondsAgo?: number;
  readonly redisVersion?: string;
  /** `valkey` when the server says so (INFO server_name / valkey_version), else `redis`. */
  readonly serverName?: 'redis' | 'valkey';
  /** The server's own version (valkey_version for Valkey, else redis_version). */
  readonly serverVersion?: string;
}

/** A node that was reached and loaded. Fields come from the node's own view. */
export interface ClusterNode {
  readonly id: string;
  /** The address used in listings: what the user typed for the entry node, else the announced ip. */
  readonly host: string;
  readonly port: number;
  readonly busPort: number;
  readonly hostname?: string;
  /** The ip the node announces in CLUSTER NODES (what other nodes use to reach it, e.g. for MIGRATE). */
  readonly announcedHost: string;
  /** The node's own flags (including `myself`). */
  readonly flags: readonly NodeFlag[];
  readonly role: Role;
  readonly masterId: string | null;
  readonly configEpoch: number;
  /** Link state of the entry node's bus link to this node. */
  readonly linkState: LinkState;
  readonly slots: readonly SlotRange[];
  readonly slotCount: number;
  readonly migrating: readonly OpenSlot[];
  readonly importing: readonly OpenSlot[];
  /** Flags the entry node sees for this node (e.g. `fail?`). */
  readonly flagsSeenByEntry: readonly NodeFlag[];
  /** The node's configuration signature (see check/signature.ts); null if it owns nothing. */
  readonly signature: string | null;
  /** Number of loaded replicas naming this node as master. */
  readonly replicaCount: number;
  /** DBSIZE, or the error text the node replied with. */
  readonly dbsize: number | { readonly error: string };
  readonly stats: NodeStats;
}

/** Why a node from the entry node's view was not loaded. */
export type SkipReason =
  | { readonly kind: 'no-address' }
  | { readonly kind: 'unreachable'; readonly error: import('./errors').EngineErrorData }
  | { readonly kind: 'load-failed'; readonly error: string }
  | { readonly kind: 'flagged'; readonly flags: readonly NodeFlag[] };

export interface SkippedNode {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly role: Role;
  readonly flags: readonly NodeFlag[];
  readonly slots: readonly SlotRange[];
  readonly reason: SkipReason;
}

/** The cluster loaded from one entry node. `nodes` is in redis-cli's node-list order. */
export interface Topology {
  readonly entry: { readonly host: string; readonly port: number };
  readonly nodes: readonly ClusterNode[];
  readonly skipped: readonly SkippedNode[];
  /** Skipped nodes that are masters (redis-cli's "unreachable masters"). */
  readonly unreachableMasters: number;
  /** Replicas that name a master that is not in the node list. */
  readonly orphanReplicas: readonly { readonly host: string; readonly port: number; readonly masterId: string }[];
  /** For each master: keys found in slots it does not own (searchMultipleOwners: every master; findOrphanKeys: only masters holding keys outside their own and imported slots). */
  readonly foreignKeys?: readonly { readonly nodeId: string; readonly slot: number; readonly keys: number }[];
  /**
   * With findOrphanKeys, for each master: keys DBSIZE counts outside its own and imported slots that no
   * per-slot count shows (Redis 8 hides the keys of a slot its node neither owns nor imports from
   * COUNTKEYSINSLOT, GETKEYSINSLOT and SCAN).
   */
  readonly unplacedKeys?: readonly { readonly nodeId: string; readonly keys: number }[];
}
