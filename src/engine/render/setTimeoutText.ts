/** set-timeout's events in redis-cli's words (ops/setTimeout.ts). Pure. */
import type { SetTimeoutEvent } from '../ops/setTimeout';
import { renderLoadMessages } from './checkText';
import { err, out, type OutputChunk } from './output';

export function renderSetTimeoutEvent(e: SetTimeoutEvent): OutputChunk[] {
  switch (e.kind) {
    case 'set-timeout-refused':
      return [err('Setting a node timeout of less than 100 milliseconds is a bad idea.\n')];
    case 'load':
      return renderLoadMessages(e);
    case 'set-timeout-start':
      return [out('>>> Reconfiguring node timeout in every cluster node...\n', 'info')];
    case 'set-timeout-node': {
      const r = e.result;
      if (!r.ok) return [out(`ERR setting node-timeout for ${r.node.addr}: ${r.error}\n`, 'error')];
      if (r.persisted) return [out(`*** New timeout set for ${r.node.addr}\n`, 'warn')];
      return [out(`*** New timeout set for ${r.node.addr} (in effect, not persisted: ${r.rewriteError})\n`, 'warn')];
    }
    case 'set-timeout-done': {
      const chunks = [out(`>>> New node timeout set. ${e.ok} OK, ${e.failed} ERR.\n`, 'info')];
      if (e.unpersisted > 0) {
        chunks.push(
          out(
            `*** ${e.unpersisted} node(s) could not save the new timeout to a config file (CONFIG REWRITE failed; was the server started without one?): it is in effect there until they restart.\n`,
            'warn',
          ),
        );
      }
      return chunks;
    }
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
