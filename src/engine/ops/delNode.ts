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
import { masterWithFewestReplicas } from './addNode';
import { errorText, EventLog, loadEvent, type CommonEvent, type NodeCandidate, type OpEntry, type OpHooks, type OpReport } from './opOutput';
import { openGuarded } from './runGuard';
import { dialectOfTopology, type CliDialect } from '../model/dialect';

/** What del-node reports, in order (render/delNodeText.ts prints it). `nodeId`: as given. */
export type DelNodeEvent =
  | CommonEvent
  | { readonly kind: 'del-node-start'; readonly nodeId: string; readonly entry: string }
  | { readonly kind: 'del-node-no-such-node'; readonly nodeId: string; readonly candidates: readonly NodeCandidate[] }
  | { readonly kind: 'del-node-not-empty'; readonly node: NodeCandidate; readonly slots: number; readonly entry: string }
  /** `why`: "unreachable" or "flagged FLAGS". */
  | { readonly kind: 'del-node-down'; readonly addr: string; readonly why: string }
  | { readonly kind: 'del-node-forget' }
  | { readonly kind: 'del-node-no-master'; readonly replica: string }
  | { readonly kind: 'del-node-repoint'; readonly replica: string; readonly master: string }
  | { readonly kind: 'del-node-unreached'; readonly addr: string; readonly nodeId: string }
  | { readonly kind: 'del-node-not-reset'; readonly addr: string }
  | { readonly kind: 'del-node-reset' }
  | { readonly kind: 'del-node-removed'; readonly nodeId: string; readonly dialect: CliDialect };

export interface DelNodeReport extends OpReport<DelNodeEvent> {
  readonly topology: Topology;
  /** The removed node (absent when the id is unknown). */
  readonly node?: NodeRef & { readonly down: boolean };
  /** Replicas moved to another master, and where. */
  readonly repointed: readonly { readonly replica: NodeRef; readonly master: NodeRef }[];
  /** Nodes that were sent CLUSTER FORGET. */
  readonly forgotBy: readonly NodeRef[];
}

export interface DelNodeOptions extends LoadOptions, OpHooks<DelNodeEvent>, OpEntry {
  /** The node to remove. */
  readonly nodeId: string;
}

export async function runDelNode(opts: DelNodeOptions): Promise<DelNodeReport> {
  const { host, port, nodeId } = opts;
  const log = new EventLog(opts.onEvent);
  log.emit({ kind: 'del-node-start', nodeId, entry: `${host}:${port}` });
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
    events: log.events,
    exitCode,
    ...(target ? { node: target } : {}),
  });
  const replyError = (n: ClusterNode, e: unknown) => log.emit({ kind: 'reply-error', addr: `${n.host}:${n.port}`, error: errorText(e) });
  const removed = (): DelNodeReport => {
    log.emit({ kind: 'del-node-removed', nodeId, dialect: dialectOfTopology(topology) });
    return report(0);
  };
  try {
    log.emit(loadEvent(topology));
    const wanted = nodeId.toLowerCase();
    const live = topology.nodes.find((n) => n.id.toLowerCase() === wanted);
    const down: SkippedNode | undefined = live ? undefined : topology.skipped.find((n) => n.id.toLowerCase() === wanted);
    const victim = live ?? down;
    if (!victim) {
      const candidates = [...topology.nodes, ...topology.skipped].map((n) => ({ id: n.id, host: n.host, port: n.port }));
      log.emit({ kind: 'del-node-no-such-node', nodeId, candidates });
      return report(1);
    }
    target = { ...nodeRef(victim), down: !live };
    const owned = countSlots(victim.slots);
    if (owned > 0) {
      log.emit({ kind: 'del-node-not-empty', node: { id: victim.id, host: victim.host, port: victim.port }, slots: owned, entry: `${host}:${port}` });
      return report(1);
    }
    if (down) {
      const why = down.reason.kind === 'flagged' ? `flagged ${down.reason.flags.join(',')}` : 'unreachable';
      log.emit({ kind: 'del-node-down', addr: `${down.host}:${down.port}`, why });
    }

    log.emit({ kind: 'del-node-forget' });
    const others = topology.nodes.filter((n) => n.id !== victim.id);
    for (const n of others) {
      const client = session.clients.get(n.id)!;
      if (n.masterId === victim.id) {
        const master = masterWithFewestReplicas(topology.nodes, victim.id);
        if (!master) {
          log.emit({ kind: 'del-node-no-master', replica: `${n.host}:${n.port}` });
          return report(1);
        }
        log.emit({ kind: 'del-node-repoint', replica: `${n.host}:${n.port}`, master: `${master.host}:${master.port}` });
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
      log.emit({ kind: 'del-node-unreached', addr: `${s.host}:${s.port}`, nodeId: victim.id });
    }

    if (!live) {
      log.emit({ kind: 'del-node-not-reset', addr: `${victim.host}:${victim.port}` });
      return removed();
    }
    log.emit({ kind: 'del-node-reset' });
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
