/**
 * Loads a cluster from one entry node, as redis-cli does, but opens the
 * connections to all other nodes concurrently. Unreachable nodes are
 * reported in the topology, not fatal.
 */
import { EngineError, toEngineError } from '../model/errors';
import { countSlots } from '../model/slots';
import type { ClusterNode, ClusterNodesLine, NodeFlag, SkippedNode, Topology } from '../model/types';
import { configSignature, replySignature } from '../check/signature';
import { findMyself, isReplicaFlags, parseClusterNodes, parseMyselfLine } from '../parse/clusterNodes';
import { infoFields, infoNumber, parseInfo, serverNameOf, serverVersionOf } from '../parse/info';
import { countKeysInSlots } from './bulk';
import { keysOutside, keysOutsideCommand, keysOutsideOf, ownOrImportedRanges, sameRanges } from './ownKeys';
import { connectNode, type NodeClient } from './connection';
import type { ConnectionOptions } from './options';
import { SLOT_COUNT, type SlotRange } from '../model/slots';

export interface LoadOptions extends ConnectionOptions {
  /** Count keys in slots each master does not own (for --cluster-search-multiple-owners). */
  readonly searchMultipleOwners?: boolean;
  /**
   * Count keys in slots a master neither owns nor imports (orphans), slot by slot
   * only on a master whose keys are not all in its own and imported slots (ownKeys.ts;
   * with searchMultipleOwners every master is counted slot by slot); the keys outside
   * that no slot's count shows are topology.unplacedKeys.
   */
  readonly findOrphanKeys?: boolean;
  /**
   * Open connections (of an earlier load of the same run) to use again instead of connecting anew, matched by
   * address. The new session does not close them (their owner does); one that fails is replaced by a new one.
   */
  readonly reuse?: Iterable<NodeClient>;
}

/** A loaded cluster with its open node connections (keyed by node id). */
export interface ClusterSession {
  readonly topology: Topology;
  readonly clients: ReadonlyMap<string, NodeClient>;
  close(): void;
}

interface NodeProbe {
  /** Every line (the entry node's reply only: the others' lines are not needed). */
  lines: ClusterNodesLine[];
  myself: ClusterNodesLine;
  signature: string | null;
  dbsize: number | { error: string };
  info: Record<string, string>;
  /** The keys outside the ranges guessed for the node (its own and imported slots as the entry saw them), counted in the probe's pipeline. */
  outside?: { ranges: readonly SlotRange[]; keys: number | undefined };
}

/** The INFO fields a loaded node keeps (buildNode). */
const INFO_FIELDS = ['used_memory', 'used_memory_human', 'master_repl_offset', 'connected_clients', 'redis_version', 'server_name', 'valkey_version'] as const;

/** The INFO sections holding INFO_FIELDS (several sections in one INFO: Redis ≥ 7.0, Valkey). */
const INFO_SECTIONS = ['server', 'clients', 'memory', 'replication'] as const;

/**
 * CLUSTER NODES + DBSIZE + INFO (only the sections read) in one round trip. Only the entry node's
 * reply is parsed line by line; of the others only the `myself` line and the config signature are needed.
 * With `guess` (the slot ranges the node is expected to own), the count of its keys outside them too
 * (ownKeys.ts), instead of a round trip of its own after the probe: used only if the node's own view agrees.
 */
async function probe(client: NodeClient, allLines: boolean, guess?: readonly SlotRange[]): Promise<NodeProbe> {
  const [nodes, dbsize, sections, outside] = await client.pipeline([
    ['CLUSTER', 'NODES'],
    ['DBSIZE'],
    ['INFO', ...INFO_SECTIONS],
    ...(guess ? [keysOutsideCommand(guess)] : []),
  ]);
  // A server that takes one section at most (before 7.0) refuses the list: then the whole INFO.
  const info = sections!.ok ? sections! : (await client.pipeline([['INFO']]))[0]!;
  if (!nodes!.ok)
    throw new EngineError({ code: 'reply-error', node: client.addr, cause: nodes!.error, message: `Node ${client.addr} replied with error: ${nodes!.error}` });
  const text = String(nodes!.value);
  const lines = allLines ? parseClusterNodes(text) : [];
  const myself = allLines ? findMyself(lines) : parseMyselfLine(text);
  if (!myself) throw new EngineError({ code: 'invalid-reply', node: client.addr, message: `CLUSTER NODES of ${client.addr} has no "myself" line` });
  return {
    lines,
    myself,
    signature: allLines ? configSignature(lines) : replySignature(text),
    dbsize: dbsize!.ok && /^\d+$/.test(String(dbsize!.value)) ? Number(dbsize!.value) : { error: dbsize!.ok ? '' : dbsize!.error },
    info: info.ok ? infoFields(String(info.value), INFO_FIELDS) : {},
    ...(guess ? { outside: { ranges: guess, keys: outside!.ok ? keysOutsideOf(outside!.value) : undefined } } : {}),
  };
}

function buildNode(host: string, port: number, own: NodeProbe, entryView: ClusterNodesLine | null): Omit<ClusterNode, 'replicaCount'> {
  const me = own.myself;
  const entryFlags = entryView?.flags ?? [];
  const ownReplica = isReplicaFlags(me.flags);
  const entryReplica = isReplicaFlags(entryFlags);
  const masterId = ownReplica ? me.masterId : entryReplica ? (entryView?.masterId ?? null) : null;
  return {
    id: me.id,
    host,
    port,
    busPort: me.address?.busPort ?? entryView?.address?.busPort ?? 0,
    ...(me.address?.hostname ? { hostname: me.address.hostname } : {}),
    announcedHost: me.address?.host || entryView?.address?.host || host,
    flags: me.flags,
    role: ownReplica || entryReplica ? 'replica' : 'master',
    masterId,
    configEpoch: me.configEpoch,
    linkState: entryView ? entryView.linkState : 'connected',
    slots: me.slots,
    slotCount: countSlots(me.slots),
    migrating: me.migrating,
    importing: me.importing,
    flagsSeenByEntry: entryFlags.length ? entryFlags : me.flags,
    signature: own.signature,
    dbsize: own.dbsize,
    stats: {
      keys: typeof own.dbsize === 'number' ? own.dbsize : undefined,
      usedMemory: infoNumber(own.info, 'used_memory'),
      usedMemoryHuman: own.info.used_memory_human,
      replicationOffset: infoNumber(own.info, 'master_repl_offset'),
      connectedClients: infoNumber(own.info, 'connected_clients'),
      opsPerSec: infoNumber(own.info, 'instantaneous_ops_per_sec'),
      masterLastIoSecondsAgo: infoNumber(own.info, 'master_last_io_seconds_ago'),
      redisVersion: own.info.redis_version,
      serverName: serverNameOf(own.info),
      serverVersion: serverVersionOf(own.info),
    },
  };
}

const EXCLUDING_FLAGS: readonly NodeFlag[] = ['noaddr', 'disconnected', 'fail'];

/** Opens the entry node, then every node it knows (concurrently), and builds the topology. */
export async function openCluster(entryHost: string, entryPort: number, opts: LoadOptions = {}): Promise<ClusterSession> {
  const entryAddr = `${entryHost}:${entryPort}`;
  const reusable = new Map([...(opts.reuse ?? [])].map((c) => [c.addr, c]));
  const borrowed = new Set<NodeClient>();
  const connect = async (host: string, port: number): Promise<NodeClient> => {
    const c = reusable.get(`${host}:${port}`);
    if (!c) return connectNode(host, port, opts);
    borrowed.add(c);
    return c;
  };
  const release = (c: NodeClient): void => {
    if (!borrowed.has(c)) c.close();
  };
  /** A probe, on a borrowed connection that fails once more on a new one (the old one may have been lost meanwhile). */
  const probeOn = async (
    client: NodeClient,
    host: string,
    port: number,
    allLines: boolean,
    guess?: readonly SlotRange[],
  ): Promise<{ client: NodeClient; probe: NodeProbe }> => {
    try {
      return { client, probe: await probe(client, allLines, guess) };
    } catch (e) {
      if (!borrowed.has(client)) throw e;
      const fresh = await connectNode(host, port, opts);
      try {
        return { client: fresh, probe: await probe(fresh, allLines, guess) };
      } catch (e2) {
        fresh.close();
        throw e2;
      }
    }
  };
  let entry = await connect(entryHost, entryPort);
  const clients = new Map<string, NodeClient>();
  const closeAll = (): void => {
    for (const c of clients.values()) release(c);
    release(entry);
  };
  try {
    let infoText: string;
    try {
      try {
        infoText = String(await entry.call('INFO'));
      } catch (e) {
        if (!borrowed.has(entry)) throw e;
        entry = await connectNode(entryHost, entryPort, opts); // the borrowed one was lost meanwhile
        infoText = String(await entry.call('INFO'));
      }
    } catch (e) {
      const ee = toEngineError(e, entryAddr);
      throw ee.code === 'auth-required' || ee.code === 'unreachable' || ee.code === 'tls-failed'
        ? ee
        : new EngineError({
            code: 'reply-error',
            node: entryAddr,
            cause: ee.detail ?? ee.message,
            message: `Node ${entryAddr} replied with error: ${ee.detail ?? ee.message}`,
          });
    }
    if (parseInfo(infoText).cluster_enabled !== '1') {
      throw new EngineError({
        code: 'not-cluster-enabled',
        node: entryAddr,
        message: `Node ${entryAddr} is not configured as a cluster node (cluster_enabled:0): start it with cluster-enabled yes.`,
      });
    }
    const entryProbed = await probeOn(entry, entryHost, entryPort, true);
    entry = entryProbed.client;
    const entryProbe = entryProbed.probe;
    clients.set(entryProbe.myself.id, entry);
    // Orphan counts start as soon as a master's own view is in, while the other nodes still load.
    const ownKeys = new Map<NodeClient, Promise<number | undefined>>();
    const countOwnKeys = (client: NodeClient, p: NodeProbe): void => {
      if (!opts.findOrphanKeys || isReplicaFlags(p.myself.flags)) return;
      const ranges = ownOrImportedRanges(p.myself);
      // Counted in the probe's pipeline for the ranges the entry saw: good when the node's own view is the same.
      const counted = p.outside && sameRanges(p.outside.ranges, ranges) ? p.outside.keys : undefined;
      ownKeys.set(client, counted !== undefined ? Promise.resolve(counted) : keysOutside(client, ranges));
    };
    countOwnKeys(entry, entryProbe);

    const friends = entryProbe.lines.filter((l) => l !== entryProbe.myself);
    const results = await Promise.all(
      friends.map(async (line) => {
        if (!line.address || !line.address.host || line.address.port === 0) return { line, outcome: { kind: 'no-address' as const } };
        const { host, port } = line.address;
        let client: NodeClient;
        try {
          client = await connect(host, port);
        } catch (e) {
          return { line, outcome: { kind: 'unreachable' as const, error: toEngineError(e, `${host}:${port}`, 'unreachable').toJSON() } };
        }
        try {
          // A master in the entry's view: its keys outside its slots are counted in the same round trip.
          const guess = opts.findOrphanKeys && !isReplicaFlags(line.flags) ? ownOrImportedRanges({ slots: line.slots, importing: [] }) : undefined;
          const probed = await probeOn(client, host, port, false, guess);
          countOwnKeys(probed.client, probed.probe);
          return { line, outcome: { kind: 'ok' as const, client: probed.client, probe: probed.probe } };
        } catch (e) {
          release(client);
          return { line, outcome: { kind: 'load-failed' as const, error: (e as Error).message } };
        }
      }),
    );

    const nodes: Omit<ClusterNode, 'replicaCount'>[] = [buildNode(entryHost, entryPort, entryProbe, null)];
    const skipped: SkippedNode[] = [];
    for (const { line, outcome } of results) {
      const base = {
        id: line.id,
        host: line.address?.host ?? '',
        port: line.address?.port ?? 0,
        role: isReplicaFlags(line.flags) ? ('replica' as const) : ('master' as const),
        flags: line.flags,
        slots: line.slots,
      };
      if (outcome.kind !== 'ok') {
        skipped.push({ ...base, reason: outcome });
        continue;
      }
      const ownFlags = outcome.probe.myself.flags;
      const bad = EXCLUDING_FLAGS.filter((f) => line.flags.includes(f) || ownFlags.includes(f));
      if (bad.length > 0) {
        release(outcome.client);
        skipped.push({ ...base, reason: { kind: 'flagged', flags: bad } });
        continue;
      }
      clients.set(outcome.probe.myself.id, outcome.client);
      nodes.push(buildNode(base.host, base.port, outcome.probe, line));
    }

    const orphanReplicas: Topology['orphanReplicas'][number][] = [];
    const replicaCounts = new Map<string, number>();
    for (const n of nodes) {
      if (!n.masterId) continue;
      if (nodes.some((m) => m.id === n.masterId)) replicaCounts.set(n.masterId, (replicaCounts.get(n.masterId) ?? 0) + 1);
      else orphanReplicas.push({ host: n.host, port: n.port, masterId: n.masterId });
    }
    const loaded: ClusterNode[] = nodes.map((n) => ({ ...n, replicaCount: replicaCounts.get(n.id) ?? 0 }));
    const topology: Topology = {
      entry: { host: entryHost, port: entryPort },
      nodes: loaded,
      skipped,
      unreachableMasters: skipped.filter((s) => s.role === 'master').length,
      orphanReplicas,
      ...(opts.searchMultipleOwners || opts.findOrphanKeys ? await countForeignKeys(loaded, clients, opts, ownKeys) : {}),
    };
    return { topology, clients, close: closeAll };
  } catch (e) {
    closeAll();
    throw e;
  }
}

/**
 * For each master, keys held in slots it does not claim (pipelined COUNTKEYSINSLOT, masters in parallel).
 * For orphans only, a master with no key outside its own and imported slots (`outside`, counted while
 * loading: ownKeys.ts) is not searched. Keys counted outside that the search does not find are unplaced.
 */
async function countForeignKeys(
  nodes: readonly ClusterNode[],
  clients: ReadonlyMap<string, NodeClient>,
  opts: LoadOptions,
  outside: ReadonlyMap<NodeClient, Promise<number | undefined>>,
): Promise<Pick<Topology, 'foreignKeys' | 'unplacedKeys'>> {
  const masters = nodes.filter((n) => n.role === 'master');
  const unplacedKeys: { nodeId: string; keys: number }[] = [];
  const perMaster = await Promise.all(
    masters.map(async (m) => {
      const client = clients.get(m.id);
      if (!client) return [];
      const out = opts.findOrphanKeys ? await (outside.get(client) ?? keysOutside(client, ownOrImportedRanges(m))) : undefined;
      if (out === 0 && !opts.searchMultipleOwners) return [];
      const owned = new Uint8Array(SLOT_COUNT);
      for (const r of m.slots) owned.fill(1, r.start, r.end + 1);
      const slots: number[] = [];
      for (let s = 0; s < SLOT_COUNT; s++) if (!owned[s]) slots.push(s);
      const counts = await countKeysInSlots(client, slots);
      const found = slots.map((slot, i) => ({ nodeId: m.id, slot, keys: counts[i]! })).filter((f) => f.keys > 0);
      const importing = new Set(m.importing.map((o) => o.slot));
      const placed = found.filter((f) => !importing.has(f.slot)).reduce((a, f) => a + f.keys, 0);
      if (out !== undefined && out > placed) unplacedKeys.push({ nodeId: m.id, keys: out - placed });
      return found;
    }),
  );
  return { foreignKeys: perMaster.flat(), ...(opts.findOrphanKeys ? { unplacedKeys } : {}) };
}

/** Loads the topology and closes every connection. */
export async function loadTopology(entryHost: string, entryPort: number, opts: LoadOptions = {}): Promise<Topology> {
  const session = await openCluster(entryHost, entryPort, opts);
  session.close();
  return session.topology;
}
