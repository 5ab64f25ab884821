/** Why a node cannot join a cluster (ops/newNode.ts), in redis-cli's words (spec §3.1 validation). Pure. */
import type { FreshRejectedEvent } from '../ops/newNode';
import { renderNodeErrorChunks } from './checkText';
import { err, out, type OutputChunk } from './output';

const NOT_EMPTY_TEXT = 'is not empty. Either the node already knows other nodes (check with CLUSTER NODES) or contains some key in database 0.';

export function renderFreshRejected(e: FreshRejectedEvent): OutputChunk[] {
  const { addr, problem: p } = e;
  switch (p.kind) {
    case 'connect':
      return renderNodeErrorChunks(p.error, addr);
    case 'node-error':
      return [out(`[ERR] Node ${addr} ${p.text}\n`, 'error')];
    case 'not-cluster-enabled':
      return [out(`[ERR] Node ${addr} is not configured as a cluster node.\n`, 'error')];
    case 'reply-error':
      return [out(`Node ${addr} replied with error:\n${p.error}\n`, 'error')];
    case 'invalid-nodes':
      return [err('Error: invalid CLUSTER NODES reply\n')];
    case 'not-empty':
      return [
        out(
          `[ERR] Node ${addr} ${p.servedSlots === undefined ? NOT_EMPTY_TEXT : `is not empty. It already serves ${p.servedSlots} hash slots (see CLUSTER NODES); run CLUSTER RESET on it first.`}\n`,
          'error',
        ),
      ];
    default: {
      const unhandled: never = p;
      return unhandled;
    }
  }
}
