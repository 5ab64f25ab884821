/**
 * `replicate REPLICA MASTER_ID` (not in redis-cli): moves a replica to another
 * master with CLUSTER REPLICATE, then waits (deadline-bounded) until every
 * reachable node lists it as a replica of that master.
 */
import { nodeRef, type NodeRef } from '../check/check';
import type { Topology } from '../model/types';
import { dictRehashOf } from '../model/dialect';
import { openCluster, type LoadOptions } from '../io/loader';
import { waitForJoin, type JoinEvent } from './joinWait';
import { errorText, EventLog, loadEvent, type CommonEvent, type OpEntry, type OpHooks, type OpReport, type WaitOptions } from './opOutput';

/** What replicate reports, in order (render/nodeOpText.ts prints it). `addr`: the node moved, as given. */
export type ReplicateEvent =
  | CommonEvent
  | JoinEvent
  | { readonly kind: 'replicate-no-master'; readonly masterId: string }
  | { readonly kind: 'replicate-self'; readonly addr: string }
  | { readonly kind: 'replicate-owns-slots'; readonly addr: string; readonly slots: number }
  | { readonly kind: 'replicate-already'; readonly addr: string; readonly master: string }
  | { readonly kind: 'replicate-send'; readonly addr: string; readonly masterId: string }
  | { readonly kind: 'replicate-done'; readonly addr: string; readonly master: string };

export interface ReplicateReport extends OpReport<ReplicateEvent> {
  readonly topology: Topology;
  readonly node: NodeRef;
  /** The new master (null when MASTER_ID is not a loaded master). */
  readonly master: NodeRef | null;
  readonly moved: boolean;
}

/** Connects to the node at host:port (the replica to move) and makes it replicate `masterId`. */
export interface ReplicateOptions extends LoadOptions, OpHooks<ReplicateEvent>, WaitOptions, OpEntry {
  /** The master to replicate: its id, or a prefix of at least 8 characters. */
  readonly masterId: string;
}

export async function runReplicate(opts: ReplicateOptions): Promise<ReplicateReport> {
  const { host, port, masterId } = opts;
  const log = new EventLog(opts.onEvent);
  const session = await openCluster(host, port, opts);
  const { topology } = session;
  const replica = topology.nodes[0]!;
  const addr = `${host}:${port}`;
  const master = topology.nodes.find((n) => n.id === masterId || (masterId.length >= 8 && n.id.startsWith(masterId)));
  const report = (moved: boolean): ReplicateReport => ({
    topology,
    node: nodeRef(replica),
    master: master ? nodeRef(master) : null,
    moved,
    events: log.events,
    exitCode: moved ? 0 : 1,
  });
  try {
    log.emit(loadEvent(topology));
    if (!master || master.role !== 'master') {
      log.emit({ kind: 'replicate-no-master', masterId });
      return report(false);
    }
    if (master.id === replica.id) {
      log.emit({ kind: 'replicate-self', addr });
      return report(false);
    }
    // Redis refuses CLUSTER REPLICATE on a master that owns slots or holds keys; say it in one line.
    if (replica.role === 'master' && replica.slotCount > 0) {
      log.emit({ kind: 'replicate-owns-slots', addr, slots: replica.slotCount });
      return report(false);
    }
    const masterAddr = `${master.host}:${master.port}`;
    if (replica.masterId === master.id) {
      log.emit({ kind: 'replicate-already', addr, master: masterAddr });
      return report(true);
    }
    log.emit({ kind: 'replicate-send', addr, masterId: master.id });
    try {
      await session.clients.get(replica.id)!.call('CLUSTER', 'REPLICATE', master.id);
    } catch (e) {
      log.emit({ kind: 'reply-error', addr, error: errorText(e) });
      return report(false);
    }
    const clients = topology.nodes.map((n) => session.clients.get(n.id)!);
    const waited = await waitForJoin(clients, {
      ...opts,
      log,
      rehash: dictRehashOf(topology),
      banner: 'Waiting for the cluster to agree',
      condition: (views) => {
        for (const v of views) {
          const line = v.lines?.find((l) => l.id === replica.id);
          if (!line || line.masterId !== master.id || line.flags.includes('master')) return `${v.addr} does not list ${addr} as a replica of ${masterAddr} yet`;
        }
        return true;
      },
    });
    if (!waited.ok) return report(false);
    log.emit({ kind: 'replicate-done', addr, master: masterAddr });
    return report(true);
  } finally {
    session.close();
  }
}
