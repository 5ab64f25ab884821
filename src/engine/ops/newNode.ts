/**
 * Connecting to a node that is about to join a cluster (create, add-node)
 * and checking it is usable: reachable, cluster-enabled and empty. Messages
 * are redis-cli's (spec §3.1 validation), plus one of ours for a node that
 * already serves slots while knowing no other node.
 */
import { toEngineError } from '../model/errors';
import { countSlots } from '../model/slots';
import type { NodeFlag } from '../model/types';
import { findMyself, parseClusterNodes } from '../parse/clusterNodes';
import { parseInfo, serverNameOf } from '../parse/info';
import type { NodeClient } from '../exec/nodeClient';
import { connectNode } from '../io/connection';
import type { ConnectionOptions } from '../io/options';
import { renderNodeErrorChunks } from '../render/checkText';
import { out, type OutputChunk } from '../render/output';

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
}

export type FreshRejection = 'unreachable' | 'reply-error' | 'not-cluster-enabled' | 'not-empty';

export type FreshProbe =
  { readonly ok: true; readonly node: FreshNode } | { readonly ok: false; readonly reason: FreshRejection; readonly output: readonly OutputChunk[] };

const notEmpty = (addr: string, why: string): OutputChunk => out(`[ERR] Node ${addr} ${why}\n`, 'error');
const NOT_EMPTY_TEXT = 'is not empty. Either the node already knows other nodes (check with CLUSTER NODES) or contains some key in database 0.';

/** Connects and validates; on failure the connection is closed and redis-cli's message returned. */
export async function probeFreshNode(host: string, port: number, opts: ConnectionOptions): Promise<FreshProbe> {
  const addr = `${host}:${port}`;
  let client: NodeClient;
  try {
    client = await connectNode(host, port, opts);
  } catch (e) {
    return { ok: false, reason: 'unreachable', output: renderNodeErrorChunks(toEngineError(e, addr, 'unreachable').toJSON(), addr) };
  }
  const fail = (reason: FreshRejection, output: OutputChunk[]): FreshProbe => {
    client.close();
    return { ok: false, reason, output };
  };
  let replies;
  try {
    replies = await client.pipeline([['INFO'], ['CLUSTER', 'NODES'], ['CLUSTER', 'INFO']]);
  } catch (e) {
    return fail('unreachable', [out(`[ERR] Node ${addr} ${(e as Error).message}\n`, 'error')]);
  }
  const [info, nodes, clusterInfo] = replies as [(typeof replies)[0], (typeof replies)[0], (typeof replies)[0]];
  if (!info.ok) return fail('reply-error', [out(`[ERR] Node ${addr} ${info.error}\n`, 'error')]);
  const infoText = String(info.value);
  const fields = parseInfo(infoText);
  if (fields.cluster_enabled !== '1') {
    return fail('not-cluster-enabled', [out(`[ERR] Node ${addr} is not configured as a cluster node.\n`, 'error')]);
  }
  if (!nodes.ok) return fail('reply-error', [out(`Node ${addr} replied with error:\n${nodes.error}\n`, 'error')]);
  let myself;
  try {
    myself = findMyself(parseClusterNodes(String(nodes.value)));
  } catch {
    myself = undefined;
  }
  if (!myself) return fail('reply-error', [{ stream: 'stderr', level: 'plain', text: 'Error: invalid CLUSTER NODES reply\n' }]);
  if (infoText.includes('db0:')) return fail('not-empty', [notEmpty(addr, NOT_EMPTY_TEXT)]);
  if (!clusterInfo.ok) return fail('reply-error', [notEmpty(addr, clusterInfo.error)]);
  if (parseInfo(String(clusterInfo.value)).cluster_known_nodes !== '1') return fail('not-empty', [notEmpty(addr, NOT_EMPTY_TEXT)]);
  // Ours: redis-cli accepts a lone node that already owns slots and then fails at ADDSLOTS.
  const owned = countSlots(myself.slots);
  if (owned > 0) {
    return fail('not-empty', [notEmpty(addr, `is not empty. It already serves ${owned} hash slots (see CLUSTER NODES); run CLUSTER RESET on it first.`)]);
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
    },
  };
}
