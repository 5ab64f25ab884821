/**
 * `del-node HOST:PORT NODE_ID` (spec §3.8, §4.14). Deliberate differences from redis-cli:
 *  - a node that is down (unreachable or flagged fail) can be removed too: it is
 *    FORGotten by every reachable node and, being unreachable, not reset
 *    (redis-cli says "No such node ID", redis/redis#11018);
 *  - a node that still owns slots is refused with redis-cli's message plus how
 *    many slots and how to move them;
 *  - orphaned replicas are never re-pointed to the node being deleted
 *    (redis-cli's fewest-replicas pick can choose it, spec §5 item 16).
 */
import { nodeRef, type NodeRef } from '../check/check';
import { countSlots } from '../model/slots';
import type { ClusterNode, SkippedNode, Topology } from '../model/types';
import type { LoadOptions } from '../io/loader';
import { renderCandidates } from '../render/candidates';
import { renderLoadMessages } from '../render/checkText';
import { err, out } from '../render/output';
import { masterWithFewestReplicas } from './addNode';
import { errorText, OutputLog, type TextOpHooks, type TextOpReport } from './opOutput';
import { openGuarded } from './runGuard';
import { dialectOfTopology } from '../model/dialect';

export interface DelNodeReport extends TextOpReport {
  readonly topology: Topology;
  /** The removed node (absent when the id is unknown). */
  readonly node?: NodeRef & { readonly down: boolean };
  /** Replicas moved to another master, and where. */
  readonly repointed: readonly { readonly replica: NodeRef; readonly master: NodeRef }[];
  /** Nodes that were sent CLUSTER FORGET. */
  readonly forgotBy: readonly NodeRef[];
}

export interface DelNodeOptions extends LoadOptions, TextOpHooks {}

export async function runDelNode(host: string, port: number, nodeId: string, opts: DelNodeOptions = {}): Promise<DelNodeReport> {
  const log = new OutputLog(opts.onOutput);
  log.emit(out(`>>> Removing node ${nodeId} from cluster ${host}:${port}\n`, 'info'));
  // Preflight and the cluster-wide lease (runGuard.ts); an open slot refuses: its importing side may be the node to delete.
  const { session, lease } = await openGuarded(host, port, opts, { op: 'del-node', kind: 'del-node', allowOpenSlots: false, requireReachableMasters: false });
  const { topology } = session;
  const repointed: { replica: NodeRef; master: NodeRef }[] = [];
  const forgotBy: NodeRef[] = [];
  let target: (NodeRef & { down: boolean }) | undefined;
  const report = (exitCode: 0 | 1): DelNodeReport => ({
    topology,
    repointed,
    forgotBy,
    output: log.chunks,
    exitCode,
    ...(target ? { node: target } : {}),
  });
  const replyError = (n: ClusterNode, e: unknown) => log.emit(out(`Node ${n.host}:${n.port} replied with error:\n${errorText(e)}\n`, 'error'));
  /** valkey-cli 9 ends with an [OK] line naming the id as given; redis-cli 7/8 end silently. */
  const removed = (): DelNodeReport => {
    if (dialectOfTopology(topology) === 'valkey') log.emit(out(`[OK] Node ${nodeId} removed from the cluster.\n`, 'ok'));
    return report(0);
  };
  try {
    log.emit(...renderLoadMessages(topology));
    const wanted = nodeId.toLowerCase();
    const live = topology.nodes.find((n) => n.id.toLowerCase() === wanted);
    const down: SkippedNode | undefined = live ? undefined : topology.skipped.find((n) => n.id.toLowerCase() === wanted);
    const victim = live ?? down;
    if (!victim) {
      log.emit(out(`[ERR] No such node ID ${nodeId}\n`, 'error'), renderCandidates('the nodes are', [...topology.nodes, ...topology.skipped]));
      return report(1);
    }
    target = { ...nodeRef(victim), down: !live };
    const owned = countSlots(victim.slots);
    if (owned > 0) {
      log.emit(out(`[ERR] Node ${victim.host}:${victim.port} is not empty! Reshard data away and try again.\n`, 'error'));
      log.emit(
        err(
          `rcm: it still owns ${owned} slot(s); move them first, e.g. rcm reshard ${host}:${port} --cluster-from ${victim.id} --cluster-to <master id> --cluster-slots ${owned}, or rcm rebalance ${host}:${port} --cluster-weight ${victim.id}=0\n`,
        ),
      );
      return report(1);
    }
    if (down) {
      const why = down.reason.kind === 'flagged' ? `flagged ${down.reason.flags.join(',')}` : 'unreachable';
      log.emit(out(`>>> Node ${down.host}:${down.port} is down (${why}): it will only be forgotten by the other nodes.\n`, 'warn'));
    }

    log.emit(out('>>> Sending CLUSTER FORGET messages to the cluster...\n', 'info'));
    const others = topology.nodes.filter((n) => n.id !== victim.id);
    for (const n of others) {
      const client = session.clients.get(n.id)!;
      if (n.masterId === victim.id) {
        const master = masterWithFewestReplicas(topology.nodes, victim.id);
        if (!master) {
          log.emit(out(`[ERR] No other master for ${n.host}:${n.port} to replicate\n`, 'error'));
          return report(1);
        }
        log.emit(out(`>>> ${n.host}:${n.port} as replica of ${master.host}:${master.port}\n`, 'info'));
        try {
          await client.call('CLUSTER', 'REPLICATE', master.id);
          repointed.push({ replica: nodeRef(n), master: nodeRef(master) });
        } catch (e) {
          replyError(n, e);
          return report(1);
        }
      }
      try {
        await client.call('CLUSTER', 'FORGET', victim.id);
        forgotBy.push(nodeRef(n));
      } catch (e) {
        replyError(n, e);
        return report(1);
      }
    }
    const unreached = topology.skipped.filter((s) => s.id !== victim.id);
    for (const s of unreached) {
      log.emit(
        out(`*** ${s.host}:${s.port} was not reachable and still knows the deleted node: run CLUSTER FORGET ${victim.id} on it when it is back.\n`, 'warn'),
      );
    }

    if (!live) {
      log.emit(out(`*** ${victim.host}:${victim.port} was not reset: if it comes back, run CLUSTER RESET on it before using it again.\n`, 'warn'));
      return removed();
    }
    log.emit(out('>>> Sending CLUSTER RESET SOFT to the deleted node.\n', 'info'));
    try {
      await session.clients.get(live.id)!.call('CLUSTER', 'RESET', 'SOFT');
    } catch (e) {
      replyError(live, e);
      return report(1);
    }
    return removed();
  } finally {
    session.close();
    lease.release();
  }
}
