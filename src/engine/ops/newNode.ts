/**
 * Connecting to a node that is about to join a cluster (create, add-node)
 * and checking it is usable: reachable, cluster-enabled and empty. Messages
 * are redis-cli's (spec §3.1 validation), plus one of ours for a node that
 * already serves slots while knowing no other node.
 */
import { toEngineError, type EngineErrorData } from '../model/errors';
import { countSlots } from '../model/slots';
import type { NodeFlag } from '../model/types';
import { findMyself, parseClusterNodes } from '../parse/clusterNodes';
import { parseInfo, serverNameOf, serverVersionOf } from '../parse/info';
import type { NodeClient } from '../exec/nodeClient';
import { connectNode } from '../io/connection';
import type { ConnectionOptions } from '../io/options';

/** A validated, empty, cluster-enabled node with its open connection. */
export interface FreshNode {
  readonly client: NodeClient;
  readonly host: string;
  readonly port: number;
  readonly id: string;
  readonly busPort: number;
  /** Own flags without `myself` (normally `master`). */
  readonly flags: readonly NodeFlag[];
  readonly serverName: 'redis' | 'valkey';
  readonly serverVersion?: string;
}

export type FreshRejection = 'unreachable' | 'reply-error' | 'not-cluster-enabled' | 'not-empty';

/** Why a node cannot join (render/newNodeText.ts says it in redis-cli's words). */
export type FreshProblem =
  | { readonly kind: 'connect'; readonly error: EngineErrorData }
  /** redis-cli: "[ERR] Node ADDR " and the text. */
  | { readonly kind: 'node-error'; readonly text: string }
  | { readonly kind: 'not-cluster-enabled' }
  | { readonly kind: 'reply-error'; readonly error: string }
  | { readonly kind: 'invalid-nodes' }
  /** It knows other nodes or holds keys; `servedSlots`: ours, it already serves slots while knowing no other node. */
  | { readonly kind: 'not-empty'; readonly servedSlots?: number };

/** A node given to create or add-node that cannot join. */
export interface FreshRejectedEvent {
  readonly kind: 'fresh-rejected';
  readonly addr: string;
  readonly problem: FreshProblem;
}

export type FreshProbe =
  { readonly ok: true; readonly node: FreshNode } | { readonly ok: false; readonly reason: FreshRejection; readonly event: FreshRejectedEvent };

/** Connects and validates; on failure the connection is closed and what is wrong returned. */
export async function probeFreshNode(host: string, port: number, opts: ConnectionOptions): Promise<FreshProbe> {
  const addr = `${host}:${port}`;
  let client: NodeClient;
  try {
    client = await connectNode(host, port, opts);
  } catch (e) {
    return {
      ok: false,
      reason: 'unreachable',
      event: { kind: 'fresh-rejected', addr, problem: { kind: 'connect', error: toEngineError(e, addr, 'unreachable').toJSON() } },
    };
  }
  const fail = (reason: FreshRejection, problem: FreshProblem): FreshProbe => {
    client.close();
    return { ok: false, reason, event: { kind: 'fresh-rejected', addr, problem } };
  };
  let replies;
  try {
    replies = await client.pipeline([['INFO'], ['CLUSTER', 'NODES'], ['CLUSTER', 'INFO']]);
  } catch (e) {
    return fail('unreachable', { kind: 'node-error', text: (e as Error).message });
  }
  const [info, nodes, clusterInfo] = replies as [(typeof replies)[0], (typeof replies)[0], (typeof replies)[0]];
  if (!info.ok) return fail('reply-error', { kind: 'node-error', text: info.error });
  const infoText = String(info.value);
  const fields = parseInfo(infoText);
  if (fields.cluster_enabled !== '1') {
    return fail('not-cluster-enabled', { kind: 'not-cluster-enabled' });
  }
  if (!nodes.ok) return fail('reply-error', { kind: 'reply-error', error: nodes.error });
  let myself;
  try {
    myself = findMyself(parseClusterNodes(String(nodes.value)));
  } catch {
    myself = undefined;
  }
  if (!myself) return fail('reply-error', { kind: 'invalid-nodes' });
  if (infoText.includes('db0:')) return fail('not-empty', { kind: 'not-empty' });
  if (!clusterInfo.ok) return fail('reply-error', { kind: 'node-error', text: clusterInfo.error });
  if (parseInfo(String(clusterInfo.value)).cluster_known_nodes !== '1') return fail('not-empty', { kind: 'not-empty' });
  // Ours: redis-cli accepts a lone node that already owns slots and then fails at ADDSLOTS.
  const owned = countSlots(myself.slots);
  if (owned > 0) {
    return fail('not-empty', { kind: 'not-empty', servedSlots: owned });
  }
  return {
    ok: true,
    node: {
      client,
      host,
      port,
      id: myself.id,
      busPort: myself.address?.busPort ?? 0,
      flags: myself.flags.filter((f) => f !== 'myself'),
      serverName: serverNameOf(fields),
      serverVersion: serverVersionOf(fields),
    },
  };
}
