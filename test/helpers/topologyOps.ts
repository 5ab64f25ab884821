/** Small helpers for the topology-operation tests (create, add-node, del-node, call, set-timeout, sandbox). */
import * as net from 'node:net';
import { Redis } from 'ioredis';
import { myselfLine, parseClusterNodes, parseInfo, type NodesLine } from './clusterNodes';
import type { NodeHandle } from './registry';

/** One command on one node through a short-lived plain connection. */
export async function nodeCall(node: Pick<NodeHandle, 'host' | 'port'>, ...args: (string | number)[]): Promise<unknown> {
  const client = new Redis({ host: node.host, port: node.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    client.disconnect();
  }
}

export async function nodesOf(node: NodeHandle): Promise<NodesLine[]> {
  return parseClusterNodes(String(await nodeCall(node, 'CLUSTER', 'NODES')));
}

export async function myIdOf(node: NodeHandle): Promise<string> {
  return String(await nodeCall(node, 'CLUSTER', 'MYID'));
}

/** What must not change when an operation is refused: known nodes, assigned slots, keys, own role. */
export async function nodeState(node: NodeHandle): Promise<string> {
  const info = parseInfo(String(await nodeCall(node, 'CLUSTER', 'INFO')));
  const me = myselfLine(await nodesOf(node));
  const keys = Number(await nodeCall(node, 'DBSIZE'));
  return `${node.addr} known=${info.get('cluster_known_nodes')} slots=${info.get('cluster_slots_assigned')} keys=${keys} ${me.flags.join(',')} ${me.masterId}`;
}

export function statesOf(nodes: readonly NodeHandle[]): Promise<string[]> {
  return Promise.all(nodes.map(nodeState));
}

function canBind(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A base port P with P … P+count-1 and their bus ports (+10000) all free. */
export async function freeBasePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    let ok = true;
    for (let p = base; ok && p < base + count; p++) ok = (await canBind(p)) && (await canBind(p + 10000));
    if (ok) return base;
  }
  throw new Error(`no free range of ${count} ports`);
}

/** Replaces every node's `ip:port` by `<nodeI>`, I its position in `order` (to compare runs on different ports). */
export function normalizeAddresses(text: string, order: readonly NodeHandle[]): string {
  let out = text;
  order.forEach((n, i) => {
    out = out.split(n.addr).join(`<node${i}>`);
  });
  return out;
}
