/**
 * One node, one question: the extension's "Call Command on This Node" and
 * "Open Node Info". The connection is the engine's (io/), so the extension
 * never talks to Redis itself.
 */
import { connectNode } from '../io/connection';
import type { ConnectionOptions } from '../io/options';
import { toEngineError, type EngineError } from '../model/errors';

export type NodeCallResult = { readonly ok: true; readonly reply: unknown } | { readonly ok: false; readonly error: EngineError };

/** Sends `argv` to one node. A node that cannot be reached throws; a command that fails is the result. */
export async function callNode(host: string, port: number, argv: readonly string[], opts: ConnectionOptions = {}): Promise<NodeCallResult> {
  const client = await connectNode(host, port, opts);
  try {
    return { ok: true, reply: await client.call(argv[0]!, ...argv.slice(1)) };
  } catch (e) {
    return { ok: false, error: toEngineError(e, `${host}:${port}`) };
  } finally {
    client.close();
  }
}

export interface NodeInfo {
  /** INFO everything, with \n line ends. */
  readonly info: string;
  /** CLUSTER NODES as the node sees it. */
  readonly clusterNodes: string;
}

export async function readNodeInfo(host: string, port: number, opts: ConnectionOptions = {}): Promise<NodeInfo> {
  const client = await connectNode(host, port, opts);
  try {
    const [info, nodes] = await Promise.all([client.call('INFO', 'everything'), client.call('CLUSTER', 'NODES')]);
    return { info: String(info).replace(/\r\n/g, '\n'), clusterNodes: String(nodes) };
  } finally {
    client.close();
  }
}
