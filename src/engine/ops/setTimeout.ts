/**
 * `set-timeout HOST:PORT MS` (spec §3.10, §4.5): CONFIG SET cluster-node-timeout
 * and CONFIG REWRITE on every node (concurrently; printed in node order).
 */
import { nodeRef, type NodeRef } from '../check/check';
import type { Topology } from '../model/types';
import { openCluster, type LoadOptions } from '../io/loader';
import { errorText, EventLog, loadEvent, type LoadEvent, type OpEntry, type OpHooks, type OpReport } from './opOutput';

export const MIN_NODE_TIMEOUT_MS = 100;

/** One node's outcome: the value is in effect (CONFIG SET), and persisted (CONFIG REWRITE) or not. */
export type SetTimeoutResult =
  | { readonly node: NodeRef; readonly ok: true; readonly persisted: true }
  | { readonly node: NodeRef; readonly ok: true; readonly persisted: false; readonly rewriteError: string }
  | { readonly node: NodeRef; readonly ok: false; readonly persisted: false; readonly error: string };

/** What set-timeout reports, in order (render/setTimeoutText.ts prints it). */
export type SetTimeoutEvent =
  | { readonly kind: 'set-timeout-refused'; readonly timeoutMs: number }
  | LoadEvent
  | { readonly kind: 'set-timeout-start' }
  /** One per node, in node order, once every node has answered. */
  | { readonly kind: 'set-timeout-node'; readonly result: SetTimeoutResult }
  | { readonly kind: 'set-timeout-done'; readonly ok: number; readonly failed: number; readonly unpersisted: number };

export interface SetTimeoutReport extends OpReport<SetTimeoutEvent> {
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
export interface SetTimeoutOptions extends LoadOptions, OpHooks<SetTimeoutEvent>, OpEntry {
  readonly timeoutMs: number;
  /** Only these nodes (the extension's "Set Timeout on This Node"); default every node, as redis-cli. */
  readonly nodeIds?: readonly string[];
}

export async function runSetTimeout(opts: SetTimeoutOptions): Promise<SetTimeoutReport> {
  const { host, port, timeoutMs } = opts;
  const log = new EventLog(opts.onEvent);
  if (!Number.isInteger(timeoutMs) || timeoutMs < MIN_NODE_TIMEOUT_MS) {
    log.emit({ kind: 'set-timeout-refused', timeoutMs });
    return { timeoutMs, results: [], events: log.events, exitCode: 1 };
  }
  const session = await openCluster(host, port, opts);
  const { topology } = session;
  try {
    log.emit(loadEvent(topology), { kind: 'set-timeout-start' });
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
    for (const result of results) log.emit({ kind: 'set-timeout-node', result });
    const failed = results.filter((r) => !r.ok).length;
    const unpersisted = results.filter((r) => r.ok && !r.persisted).length;
    log.emit({ kind: 'set-timeout-done', ok: results.length - failed, failed, unpersisted });
    return { topology, timeoutMs, results, events: log.events, exitCode: failed === 0 ? 0 : 1 };
  } finally {
    session.close();
  }
}
