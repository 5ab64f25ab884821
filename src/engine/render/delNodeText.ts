/** del-node's events (ops/delNode.ts) in redis-cli's words, with rcm's own lines where it does more. Pure. */
import type { DelNodeEvent } from '../ops/delNode';
import { renderCandidates } from './candidates';
import { isSharedEvent, renderSharedEvent } from './opText';
import { err, out, type OutputChunk } from './output';

export function renderDelNodeEvent(e: DelNodeEvent): OutputChunk[] {
  if (isSharedEvent(e)) return renderSharedEvent(e);
  switch (e.kind) {
    case 'del-node-start':
      return [out(`>>> Removing node ${e.nodeId} from cluster ${e.entry}\n`, 'info')];
    case 'del-node-no-such-node':
      return [out(`[ERR] No such node ID ${e.nodeId}\n`, 'error'), renderCandidates('the nodes are', e.candidates)];
    case 'del-node-not-empty': {
      const { node: n, slots, entry } = e;
      return [
        out(`[ERR] Node ${n.host}:${n.port} is not empty! Reshard data away and try again.\n`, 'error'),
        err(
          `rcm: it still owns ${slots} slot(s); move them first, e.g. rcm reshard ${entry} --cluster-from ${n.id} --cluster-to <master id> --cluster-slots ${slots}, or rcm rebalance ${entry} --cluster-weight ${n.id}=0\n`,
        ),
      ];
    }
    case 'del-node-down':
      return [out(`>>> Node ${e.addr} is down (${e.why}): it will only be forgotten by the other nodes.\n`, 'warn')];
    case 'del-node-forget':
      return [out('>>> Sending CLUSTER FORGET messages to the cluster...\n', 'info')];
    case 'del-node-no-master':
      return [out(`[ERR] No other master for ${e.replica} to replicate\n`, 'error')];
    case 'del-node-repoint':
      return [out(`>>> ${e.replica} as replica of ${e.master}\n`, 'info')];
    case 'del-node-unreached':
      return [out(`*** ${e.addr} was not reachable and still knows the deleted node: run CLUSTER FORGET ${e.nodeId} on it when it is back.\n`, 'warn')];
    case 'del-node-not-reset':
      return [out(`*** ${e.addr} was not reset: if it comes back, run CLUSTER RESET on it before using it again.\n`, 'warn')];
    case 'del-node-reset':
      return [out('>>> Sending CLUSTER RESET SOFT to the deleted node.\n', 'info')];
    case 'del-node-removed':
      // valkey-cli 9 ends with an [OK] line naming the id as given; redis-cli 7/8 end silently.
      return e.dialect === 'valkey' ? [out(`[OK] Node ${e.nodeId} removed from the cluster.\n`, 'ok')] : [];
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
