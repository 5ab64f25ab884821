/**
 * `replicate REPLICA MASTER_ID` (not in redis-cli): moves a replica to another
 * master with CLUSTER REPLICATE, then waits (deadline-bounded) until every
 * reachable node lists it as a replica of that master.
 */
import { nodeRef, type NodeRef } from '../check/check';
import type { Topology } from '../model/types';
import { openCluster, type LoadOptions } from '../io/loader';
import { renderLoadMessages } from '../render/checkText';
import { out } from '../render/output';
import { waitForJoin } from './joinWait';
import { errorText, OutputLog, type TextOpHooks, type WaitOptions, type TextOpReport } from './opOutput';

export interface ReplicateReport extends TextOpReport {
  readonly topology: Topology;
  readonly node: NodeRef;
  /** The new master (null when MASTER_ID is not a loaded master). */
  readonly master: NodeRef | null;
  readonly moved: boolean;
}

/** Connects to the node at host:port (the replica to move) and makes it replicate `masterId`. */
export interface ReplicateOptions extends LoadOptions, TextOpHooks, WaitOptions {}

export async function runReplicate(host: string, port: number, masterId: string, opts: ReplicateOptions = {}): Promise<ReplicateReport> {
  const log = new OutputLog(opts.onOutput);
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
    output: log.chunks,
    exitCode: moved ? 0 : 1,
  });
  try {
    log.emit(...renderLoadMessages(topology));
    if (!master || master.role !== 'master') {
      log.emit(out(`[ERR] No master with node ID ${masterId}.\n`, 'error'));
      return report(false);
    }
    if (master.id === replica.id) {
      log.emit(out(`[ERR] Node ${addr} cannot replicate itself.\n`, 'error'));
      return report(false);
    }
    // Redis refuses CLUSTER REPLICATE on a master that owns slots or holds keys; say it in one line.
    if (replica.role === 'master' && replica.slotCount > 0) {
      log.emit(out(`[ERR] Node ${addr} is a master with ${replica.slotCount} slots: move its slots away first.\n`, 'error'));
      return report(false);
    }
    if (replica.masterId === master.id) {
      log.emit(out(`[OK] ${addr} already replicates ${master.host}:${master.port}.\n`, 'ok'));
      return report(true);
    }
    const masterAddr = `${master.host}:${master.port}`;
    log.emit(out(`>>> Sending CLUSTER REPLICATE ${master.id} to ${addr}\n`, 'info'));
    try {
      await session.clients.get(replica.id)!.call('CLUSTER', 'REPLICATE', master.id);
    } catch (e) {
      log.emit(out(`Node ${addr} replied with error:\n${errorText(e)}\n`, 'error'));
      return report(false);
    }
    const clients = topology.nodes.map((n) => session.clients.get(n.id)!);
    const waited = await waitForJoin(clients, {
      ...opts,
      log,
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
    log.emit(out(`[OK] ${addr} is now a replica of ${masterAddr}.\n`, 'ok'));
    return report(true);
  } finally {
    session.close();
  }
}
