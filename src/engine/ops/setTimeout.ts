/**
 * `set-timeout HOST:PORT MS` (spec §3.10, §4.5): CONFIG SET cluster-node-timeout
 * and CONFIG REWRITE on every node (concurrently; printed in node order).
 * Deliberate difference: the exit code is 1 when any node failed (redis-cli: 0).
 */
import { nodeRef, type NodeRef } from '../check/check';
import type { Topology } from '../model/types';
import { openCluster, type LoadOptions } from '../io/loader';
import { renderLoadMessages } from '../render/checkText';
import { err, out, type OutputChunk } from '../render/output';
import { errorText, OutputLog, type OpHooks } from './opOutput';

export const MIN_NODE_TIMEOUT_MS = 100;

export interface SetTimeoutReport {
  readonly topology?: Topology;
  readonly timeoutMs: number;
  readonly results: readonly ({ readonly node: NodeRef; readonly ok: true } | { readonly node: NodeRef; readonly ok: false; readonly error: string })[];
  readonly output: readonly OutputChunk[];
  readonly exitCode: 0 | 1;
}

export async function runSetTimeout(host: string, port: number, timeoutMs: number, opts: LoadOptions & OpHooks = {}): Promise<SetTimeoutReport> {
  const log = new OutputLog(opts.onOutput);
  if (!Number.isInteger(timeoutMs) || timeoutMs < MIN_NODE_TIMEOUT_MS) {
    log.emit(err('Setting a node timeout of less than 100 milliseconds is a bad idea.\n'));
    return { timeoutMs, results: [], output: log.chunks, exitCode: 1 };
  }
  const session = await openCluster(host, port, opts);
  const { topology } = session;
  try {
    log.emit(...renderLoadMessages(topology));
    log.emit(out('>>> Reconfiguring node timeout in every cluster node...\n', 'info'));
    const results = await Promise.all(topology.nodes.map(async (n) => {
      const client = session.clients.get(n.id)!;
      try {
        await client.call('CONFIG', 'SET', 'cluster-node-timeout', String(timeoutMs));
        await client.call('CONFIG', 'REWRITE');
        return { node: nodeRef(n), ok: true as const };
      } catch (e) {
        return { node: nodeRef(n), ok: false as const, error: errorText(e) };
      }
    }));
    for (const r of results) {
      log.emit(r.ok
        ? out(`*** New timeout set for ${r.node.addr}\n`, 'warn')
        : out(`ERR setting node-timeout for ${r.node.addr}: ${r.error}\n`, 'error'));
    }
    const failed = results.filter((r) => !r.ok).length;
    log.emit(out(`>>> New node timeout set. ${results.length - failed} OK, ${failed} ERR.\n`, 'info'));
    return { topology, timeoutMs, results, output: log.chunks, exitCode: failed === 0 ? 0 : 1 };
  } finally {
    session.close();
  }
}
