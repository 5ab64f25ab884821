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
import { renderCandidates } from '../render/candidates';
import { renderCheck, renderLoadMessages } from '../render/checkText';
import type { JoinView } from '../check/links';
import { err, out } from '../render/output';
import { meetArgs, resolveForMeet } from './create';
import { everyoneKnows, waitForJoin } from './joinWait';
import { renderJoinEvent } from '../render/joinText';
import { probeFreshNode, type FreshNode } from './newNode';
import { errorText, OutputLog, type TextOpHooks, type WaitOptions, type TextOpReport } from './opOutput';
import { dialectOfTopology, wordsOf } from '../model/dialect';

export interface AddNodeOptions extends LoadOptions, TextOpHooks, WaitOptions {
  /** --cluster-slave */
  readonly asReplica?: boolean;
  /** --cluster-master-id (only with asReplica). */
  readonly masterId?: string;
}

export interface AddNodeReport extends TextOpReport {
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

export async function runAddNode(newHost: string, newPort: number, host: string, port: number, opts: AddNodeOptions = {}): Promise<AddNodeReport> {
  const log = new OutputLog(opts.onOutput);
  log.emit(out(`>>> Adding node ${newHost}:${newPort} to cluster ${host}:${port}\n`, 'info'));
  const session = await openCluster(host, port, opts);
  let fresh: FreshNode | undefined;
  const { topology } = session;
  const check = checkCluster(topology);
  let master: ClusterNode | undefined;
  const report = (exitCode: 0 | 1): AddNodeReport => ({
    topology,
    check,
    output: log.chunks,
    exitCode,
    ...(fresh ? { node: { id: fresh.id, addr: `${fresh.host}:${fresh.port}` } } : {}),
    ...(master ? { master: nodeRef(master) } : {}),
  });
  try {
    log.emit(...renderLoadMessages(topology), ...renderCheck(topology, check));
    if (!check.ok) return report(1);

    if (opts.asReplica) {
      if (opts.masterId) {
        const wanted = opts.masterId.toLowerCase();
        master = topology.nodes.find((n) => n.id.toLowerCase() === wanted && n.role === 'master');
        if (!master) {
          log.emit(
            out(`[ERR] No such ${wordsOf(dialectOfTopology(topology)).master} ID ${opts.masterId}\n`, 'error'),
            renderCandidates(
              'the masters are',
              topology.nodes.filter((n) => n.role === 'master'),
            ),
          );
          return report(1);
        }
      } else {
        master = masterWithFewestReplicas(topology.nodes);
        if (!master) {
          log.emit(out('[ERR] The cluster has no master to replicate\n', 'error'));
          return report(1);
        }
        log.emit(out(`Automatically selected ${wordsOf(dialectOfTopology(topology)).master} ${master.host}:${master.port}\n`));
      }
    }

    const probe = await probeFreshNode(newHost, newPort, opts);
    if (!probe.ok) {
      log.emit(...probe.output);
      if (probe.reason === 'unreachable') log.emit(out(`[ERR] Sorry, can't connect to node ${newHost}:${newPort}\n`, 'error'));
      return report(1);
    }
    fresh = probe.node;
    if (!opts.asReplica && !(await copyFunctions(session, fresh, log))) return report(1);

    const entry = topology.nodes[0]!;
    log.emit(out(`>>> Send CLUSTER MEET to node ${newHost}:${newPort} to make it join the cluster.\n`, 'info'));
    const ip = await resolveForMeet(entry.host, opts.family);
    if (ip === null) {
      log.emit(err(`Invalid IP address or hostname specified: ${entry.host}\n`));
      return report(1);
    }
    try {
      await fresh.client.call('CLUSTER', 'MEET', ...meetArgs(ip, entry));
    } catch (e) {
      log.emit(out(`Node ${newHost}:${newPort} replied with error:\n${errorText(e)}\n`, 'error'));
      return report(1);
    }
    if (!(await waitUntilKnown(session, fresh, opts, log))) return report(1);

    if (master) {
      log.emit(out(`>>> Configure node as replica of ${master.host}:${master.port}.\n`, 'info'));
      try {
        await fresh.client.call('CLUSTER', 'REPLICATE', master.id);
      } catch (e) {
        log.emit(out(`Node ${newHost}:${newPort} replied with error:\n${errorText(e)}\n`, 'error'));
        return report(1);
      }
    }
    log.emit(out('[OK] New node added correctly.\n', 'ok'));
    return report(0);
  } finally {
    fresh?.client.close();
    session.close();
  }
}

/** Waits until the new node and every loaded node know each other and agree; introduces them directly once the entry knows it. */
async function waitUntilKnown(session: ClusterSession, fresh: FreshNode, opts: AddNodeOptions, log: OutputLog): Promise<boolean> {
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
    log: { emit: (...es) => log.emit(...es.flatMap(renderJoinEvent)) },
    condition: everyoneKnows(ids),
    onPoll: introduce,
    quiet: true,
  });
  return joined.ok;
}

/**
 * redis-cli copies the cluster's functions to a new master: FUNCTION DUMP on
 * the entry node, FUNCTION LIST must be empty on the new node, FUNCTION RESTORE.
 * (The `\r\n` line ends of its error messages are kept.)
 */
async function copyFunctions(session: ClusterSession, fresh: FreshNode, log: OutputLog): Promise<boolean> {
  const addr = `${fresh.host}:${fresh.port}`;
  const entry = session.clients.get(session.topology.nodes[0]!.id)!;
  log.emit(out('>>> Getting functions from cluster\n', 'info'));
  const [dump] = await entry.pipeline([['FUNCTION', 'DUMP']], { buffers: true });
  if (!dump!.ok) {
    log.emit(
      out(
        `>>> Failed retrieving Functions from the cluster, skip this step as Redis version do not support function command (error = '${dump!.error}')\n`,
        'info',
      ),
    );
    return true;
  }
  log.emit(out(`>>> Send FUNCTION LIST to ${addr} to verify there is no functions in it\n`, 'info'));
  let list: unknown;
  try {
    list = await fresh.client.call('FUNCTION', 'LIST');
  } catch (e) {
    log.emit(out(`>>> Failed on CLUSTER LIST (error = '${errorText(e)}')\r\n`, 'error'));
    return false;
  }
  if (Array.isArray(list) && list.length > 0) {
    log.emit(out('>>> New node already contains functions and can not be added to the cluster. Use FUNCTION FLUSH and try again.\r\n', 'error'));
    return false;
  }
  log.emit(out(`>>> Send FUNCTION RESTORE to ${addr}\n`, 'info'));
  try {
    await fresh.client.call('FUNCTION', 'RESTORE', dump!.value as Buffer);
  } catch (e) {
    log.emit(out(`>>> Failed loading functions to the new node (error = '${errorText(e)}')\r\n`, 'error'));
    return false;
  }
  return true;
}
