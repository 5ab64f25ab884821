/**
 * `set-timeout HOST:PORT MS` (spec §3.10, §4.5): CONFIG SET cluster-node-timeout
 * and CONFIG REWRITE on every node (concurrently; printed in node order).
 */
import { nodeRef, type NodeRef } from '../check/check';
import type { Topology } from '../model/types';
import { openCluster, type LoadOptions } from '../io/loader';
import { renderLoadMessages } from '../render/checkText';
import { err, out } from '../render/output';
import { errorText, OutputLog, type OpHooks, type OpReport } from './opOutput';

export const MIN_NODE_TIMEOUT_MS = 100;

/** One node's outcome: the value is in effect (CONFIG SET), and persisted (CONFIG REWRITE) or not. */
export type SetTimeoutResult =
  | { readonly node: NodeRef; readonly ok: true; readonly persisted: true }
  | { readonly node: NodeRef; readonly ok: true; readonly persisted: false; readonly rewriteError: string }
  | { readonly node: NodeRef; readonly ok: false; readonly persisted: false; readonly error: string };

export interface SetTimeoutReport extends OpReport {
  readonly topology?: Topology;
  readonly timeoutMs: number;
  /** `ok`: the new value is in effect on that node. */
  readonly results: readonly SetTimeoutResult[];
}

/**
 * Deliberate difference (spec §3.10): redis-cli counts a node whose CONFIG
 * REWRITE failed (no config file) as ERR although the new value is in effect
 * there, and always exits 0. Here such a node is OK, its line says the value
 * is not persisted, and a warning names the count; the exit code is 0 when the
 * value is in effect on every node, else 1. A node where both succeed prints
 * redis-cli's line, so a cluster with config files prints redis-cli's output.
 */
export interface SetTimeoutOptions extends LoadOptions, OpHooks {
  /** Only these nodes (the extension's "Set Timeout on This Node"); default every node, as redis-cli. */
  readonly nodeIds?: readonly string[];
}

export async function runSetTimeout(host: string, port: number, timeoutMs: number, opts: SetTimeoutOptions = {}): Promise<SetTimeoutReport> {
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
    const targets = opts.nodeIds ? topology.nodes.filter((n) => opts.nodeIds!.includes(n.id)) : topology.nodes;
    const results = await Promise.all(
      targets.map(async (n): Promise<SetTimeoutResult> => {
        const client = session.clients.get(n.id)!;
        try {
          await client.call('CONFIG', 'SET', 'cluster-node-timeout', String(timeoutMs));
        } catch (e) {
          return { node: nodeRef(n), ok: false, persisted: false, error: errorText(e) };
        }
        try {
          await client.call('CONFIG', 'REWRITE');
          return { node: nodeRef(n), ok: true, persisted: true };
        } catch (e) {
          return { node: nodeRef(n), ok: true, persisted: false, rewriteError: errorText(e) };
        }
      }),
    );
    for (const r of results) {
      if (!r.ok) log.emit(out(`ERR setting node-timeout for ${r.node.addr}: ${r.error}\n`, 'error'));
      else if (r.persisted) log.emit(out(`*** New timeout set for ${r.node.addr}\n`, 'warn'));
      else log.emit(out(`*** New timeout set for ${r.node.addr} (in effect, not persisted: ${r.rewriteError})\n`, 'warn'));
    }
    const failed = results.filter((r) => !r.ok).length;
    const unpersisted = results.filter((r) => r.ok && !r.persisted).length;
    log.emit(out(`>>> New node timeout set. ${results.length - failed} OK, ${failed} ERR.\n`, 'info'));
    if (unpersisted > 0) {
      log.emit(
        out(
          `*** ${unpersisted} node(s) could not save the new timeout to a config file (CONFIG REWRITE failed; was the server started without one?): it is in effect there until they restart.\n`,
          'warn',
        ),
      );
    }
    return { topology, timeoutMs, results, output: log.chunks, exitCode: failed === 0 ? 0 : 1 };
  } finally {
    session.close();
  }
}
