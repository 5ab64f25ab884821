/** The events of the node operations rcm adds to redis-cli (replicate, failover: ops/replicate.ts, ops/failover.ts). Pure. */
import type { FailoverEvent } from '../ops/failover';
import type { ReplicateEvent } from '../ops/replicate';
import { isSharedEvent, renderSharedEvent } from './opText';
import { out, type OutputChunk } from './output';

export function renderReplicateEvent(e: ReplicateEvent): OutputChunk[] {
  if (isSharedEvent(e)) return renderSharedEvent(e);
  switch (e.kind) {
    case 'replicate-no-master':
      return [out(`[ERR] No master with node ID ${e.masterId}.\n`, 'error')];
    case 'replicate-self':
      return [out(`[ERR] Node ${e.addr} cannot replicate itself.\n`, 'error')];
    case 'replicate-owns-slots':
      return [out(`[ERR] Node ${e.addr} is a master with ${e.slots} slots: move its slots away first.\n`, 'error')];
    case 'replicate-already':
      return [out(`[OK] ${e.addr} already replicates ${e.master}.\n`, 'ok')];
    case 'replicate-send':
      return [out(`>>> Sending CLUSTER REPLICATE ${e.masterId} to ${e.addr}\n`, 'info')];
    case 'replicate-done':
      return [out(`[OK] ${e.addr} is now a replica of ${e.master}.\n`, 'ok')];
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}

export function renderFailoverEvent(e: FailoverEvent): OutputChunk[] {
  if (isSharedEvent(e)) return renderSharedEvent(e);
  switch (e.kind) {
    case 'failover-not-replica':
      return [out(`[ERR] Node ${e.addr} is not a replica: run failover on a replica of the master it should replace.\n`, 'error')];
    case 'failover-sync-start':
      return [out(`Waiting for ${e.addr} to be in sync with its master\n`)];
    case 'failover-sync-dot':
      return [out('.')];
    case 'failover-sync-done':
      return [out('\n')];
    case 'failover-sync-failed':
      return [out('\n'), out(`[ERR] ${e.addr} is not in sync with its master (${e.state}); if the master is down, use --force.\n`, 'error')];
    case 'failover-send':
      return [out(`>>> Sending CLUSTER FAILOVER${e.args.map((a) => ` ${a}`).join('')} to ${e.addr}, replica of ${e.master}\n`, 'info')];
    case 'failover-done':
      return [out(`[OK] ${e.addr} is now a master (it replaced ${e.master}).\n`, 'ok')];
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
