/**
 * `add-node NEW EXISTING [--cluster-slave [--cluster-master-id ID]]` (spec §3.7, §4.13).
 * Deliberate differences from redis-cli:
 *  - we wait (deadline, quick polls) for the join in master mode too, and
 *    report success only once every node knows the new node and all agree;
 *  - after the MEET we introduce the new node to every node directly, which
 *    makes the join take a few cluster-cron ticks instead of seconds of gossip;
 *  - the master id is matched case-insensitively, and must name a master.
 */
import { checkCluster, nodeRef, type CheckResult, type NodeRef } from '../check/check';
import type { ClusterNode, Topology } from '../model/types';
import { openCluster, type ClusterSession, type LoadOptions } from '../io/loader';
import type { JoinView } from '../check/links';
import { meetArgs, resolveForMeet, type BadMeetHostEvent } from './create';
import { everyoneKnows, waitForJoin, type JoinEvent } from './joinWait';
import { probeFreshNode, type FreshNode, type FreshRejectedEvent } from './newNode';
import { errorText, EventLog, loadEvent, type CommonEvent, type NodeCandidate, type OpEntry, type OpHooks, type OpReport, type WaitOptions } from './opOutput';
import { dialectOfTopology, dictRehashOf, type CliDialect } from '../model/dialect';

/** Copying the cluster's functions to a new master (redis-cli's steps and messages; render/addNodeText.ts). */
export type FunctionsEvent =
  | { readonly kind: 'functions-get' }
  | { readonly kind: 'functions-unsupported'; readonly error: string }
  | { readonly kind: 'functions-list'; readonly addr: string }
  | { readonly kind: 'functions-list-failed'; readonly error: string }
  | { readonly kind: 'functions-present' }
  | { readonly kind: 'functions-restore'; readonly addr: string }
  | { readonly kind: 'functions-restore-failed'; readonly error: string };

/** What add-node reports, in order (render/addNodeText.ts prints it). `addr`: the new node. */
export type AddNodeEvent =
  | CommonEvent
  | JoinEvent
  | FreshRejectedEvent
  | FunctionsEvent
  | BadMeetHostEvent
  | { readonly kind: 'add-node-start'; readonly addr: string; readonly entry: string }
  | { readonly kind: 'add-node-no-such-master'; readonly masterId: string; readonly dialect: CliDialect; readonly masters: readonly NodeCandidate[] }
  | { readonly kind: 'add-node-no-master' }
  | { readonly kind: 'add-node-master-selected'; readonly master: string; readonly dialect: CliDialect }
  | { readonly kind: 'add-node-unreachable'; readonly addr: string }
  | { readonly kind: 'add-node-meet'; readonly addr: string }
  | { readonly kind: 'add-node-replicate'; readonly master: string }
  | { readonly kind: 'add-node-done' };

/** `host`/`port`: any node of the cluster. */
export interface AddNodeOptions extends LoadOptions, OpHooks<AddNodeEvent>, WaitOptions, OpEntry {
  /** The node to add. */
  readonly newHost: string;
  readonly newPort: number;
  /** --cluster-slave */
  readonly asReplica?: boolean;
  /** --cluster-master-id (only with asReplica). */
  readonly masterId?: string;
}

export interface AddNodeReport extends OpReport<AddNodeEvent> {
  readonly topology: Topology;
  readonly check: CheckResult;
  /** The added node, once it was validated. */
  readonly node?: NodeRef;
  /** The master it replicates (replica mode). */
  readonly master?: NodeRef;
}

/** The first master with the fewest replicas (node-list order), as redis-cli picks it. */
export function masterWithFewestReplicas(nodes: readonly ClusterNode[], exclude?: string): ClusterNode | undefined {
  let best: ClusterNode | undefined;
  for (const n of nodes) {
    if (n.role !== 'master' || n.id === exclude) continue;
    if (!best || n.replicaCount < best.replicaCount) best = n;
  }
  return best;
}

export async function runAddNode(opts: AddNodeOptions): Promise<AddNodeReport> {
  const { newHost, newPort, host, port } = opts;
  const log = new EventLog(opts.onEvent);
  log.emit({ kind: 'add-node-start', addr: `${newHost}:${newPort}`, entry: `${host}:${port}` });
  const session = await openCluster(host, port, opts);
  let fresh: FreshNode | undefined;
  const { topology } = session;
  const check = checkCluster(topology);
  let master: ClusterNode | undefined;
  const report = (exitCode: 0 | 1): AddNodeReport => ({
    topology,
    check,
    events: log.events,
    exitCode,
    ...(fresh ? { node: { id: fresh.id, addr: `${fresh.host}:${fresh.port}` } } : {}),
    ...(master ? { master: nodeRef(master) } : {}),
  });
  try {
    log.emit(loadEvent(topology), { kind: 'check', topology, result: check });
    if (!check.ok) return report(1);

    if (opts.asReplica) {
      if (opts.masterId) {
        const wanted = opts.masterId.toLowerCase();
        master = topology.nodes.find((n) => n.id.toLowerCase() === wanted && n.role === 'master');
        if (!master) {
          const masters = topology.nodes.filter((n) => n.role === 'master').map((n) => ({ id: n.id, host: n.host, port: n.port }));
          log.emit({ kind: 'add-node-no-such-master', masterId: opts.masterId, dialect: dialectOfTopology(topology), masters });
          return report(1);
        }
      } else {
        master = masterWithFewestReplicas(topology.nodes);
        if (!master) {
          log.emit({ kind: 'add-node-no-master' });
          return report(1);
        }
        log.emit({ kind: 'add-node-master-selected', master: `${master.host}:${master.port}`, dialect: dialectOfTopology(topology) });
      }
    }

    const probe = await probeFreshNode(newHost, newPort, opts);
    if (!probe.ok) {
      log.emit(probe.event);
      if (probe.reason === 'unreachable') log.emit({ kind: 'add-node-unreachable', addr: `${newHost}:${newPort}` });
      return report(1);
    }
    fresh = probe.node;
    if (!opts.asReplica && !(await copyFunctions(session, fresh, log))) return report(1);

    const entry = topology.nodes[0]!;
    log.emit({ kind: 'add-node-meet', addr: `${newHost}:${newPort}` });
    const ip = await resolveForMeet(entry.host, opts.family);
    if (ip === null) {
      log.emit({ kind: 'bad-meet-host', host: entry.host });
      return report(1);
    }
    try {
      await fresh.client.call('CLUSTER', 'MEET', ...meetArgs(ip, entry));
    } catch (e) {
      log.emit({ kind: 'reply-error', addr: `${newHost}:${newPort}`, error: errorText(e) });
      return report(1);
    }
    if (!(await waitUntilKnown(session, fresh, opts, log))) return report(1);

    if (master) {
      log.emit({ kind: 'add-node-replicate', master: `${master.host}:${master.port}` });
      try {
        await fresh.client.call('CLUSTER', 'REPLICATE', master.id);
      } catch (e) {
        log.emit({ kind: 'reply-error', addr: `${newHost}:${newPort}`, error: errorText(e) });
        return report(1);
      }
    }
    log.emit({ kind: 'add-node-done' });
    return report(0);
  } finally {
    fresh?.client.close();
    session.close();
  }
}

/** Waits until the new node and every loaded node know each other and agree; introduces them directly once the entry knows it. */
async function waitUntilKnown(session: ClusterSession, fresh: FreshNode, opts: AddNodeOptions, log: EventLog<AddNodeEvent>): Promise<boolean> {
  const { nodes } = session.topology;
  const clients = [...nodes.map((n) => session.clients.get(n.id)!), fresh.client];
  const ids = [...nodes.map((n) => n.id), fresh.id];
  const freshIp = await resolveForMeet(fresh.host, opts.family);
  let introduced = false;
  const introduce = async (views: readonly JoinView[]): Promise<void> => {
    if (introduced || freshIp === null || everyoneKnows([fresh.id])(views.slice(0, 1)) !== true) return;
    introduced = true;
    await Promise.all(
      nodes.map(async (n) => {
        await session.clients
          .get(n.id)!
          .call('CLUSTER', 'MEET', ...meetArgs(freshIp, fresh))
          .catch(() => undefined);
        const ip = await resolveForMeet(n.host, opts.family);
        if (ip !== null) await fresh.client.call('CLUSTER', 'MEET', ...meetArgs(ip, n)).catch(() => undefined);
      }),
    );
  };
  // redis-cli 7.0 returns without waiting; rcm waits (quietly, so the output stays redis-cli's) until every node knows the new one.
  const joined = await waitForJoin(clients, {
    ...opts,
    log,
    condition: everyoneKnows(ids),
    onPoll: introduce,
    quiet: true,
    rehash: dictRehashOf(session.topology),
  });
  return joined.ok;
}

/**
 * redis-cli copies the cluster's functions to a new master: FUNCTION DUMP on
 * the entry node, FUNCTION LIST must be empty on the new node, FUNCTION RESTORE.
 * (The `\r\n` line ends of its error messages are kept.)
 */
async function copyFunctions(session: ClusterSession, fresh: FreshNode, log: EventLog<AddNodeEvent>): Promise<boolean> {
  const addr = `${fresh.host}:${fresh.port}`;
  const entry = session.clients.get(session.topology.nodes[0]!.id)!;
  log.emit({ kind: 'functions-get' });
  const [dump] = await entry.pipeline([['FUNCTION', 'DUMP']], { buffers: true });
  if (!dump!.ok) {
    log.emit({ kind: 'functions-unsupported', error: dump!.error });
    return true;
  }
  log.emit({ kind: 'functions-list', addr });
  let list: unknown;
  try {
    list = await fresh.client.call('FUNCTION', 'LIST');
  } catch (e) {
    log.emit({ kind: 'functions-list-failed', error: errorText(e) });
    return false;
  }
  if (Array.isArray(list) && list.length > 0) {
    log.emit({ kind: 'functions-present' });
    return false;
  }
  log.emit({ kind: 'functions-restore', addr });
  try {
    await fresh.client.call('FUNCTION', 'RESTORE', dump!.value as Buffer);
  } catch (e) {
    log.emit({ kind: 'functions-restore-failed', error: errorText(e) });
    return false;
  }
  return true;
}
