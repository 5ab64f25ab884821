/**
 * A real Redis Cluster built from scratch without redis-cli: slots split like
 * redis-cli, ADDSLOTSRANGE, SET-CONFIG-EPOCH, MEET, REPLICATE, then a
 * deadline-bounded wait until every node agrees and every replica is linked.
 */

import { Redis } from 'ioredis';
import { myselfLine, parseClusterNodes, parseInfo, slotSignature, type NodesLine } from './clusterNodes';
import { startNodes, stopNodes } from './processes';
import { DEFAULT_KIND, type ServerKind } from './serverKinds';
import { nodeState, type NodeHandle } from './registry';
import { allocSlotRanges } from './slotAlloc';
import { waitFor } from './wait';

export interface ClusterOptions {
  /** Which server runs every node (default redis7). */
  kind?: ServerKind;
  masters: number;
  /** Replicas per master (default 0). */
  replicas?: number;
  password?: string;
  /** cluster-node-timeout in ms (default 2000). */
  nodeTimeout?: number;
  /** Raw config lines for every node. */
  extraConfig?: string[];
  /** The server program for every node (default `redis-server` on PATH). */
  binary?: string;
  /** Deadline for the cluster to become healthy (default 30000 ms). */
  timeoutMs?: number;
}

export interface TestCluster {
  /** Which server runs the nodes. */
  readonly kind: ServerKind;
  /** masters first, then replicas (replica j of master i is nodes[M + i*R + j]). */
  readonly nodes: NodeHandle[];
  readonly masters: NodeHandle[];
  readonly replicas: NodeHandle[];
  /** The first master. */
  readonly entry: NodeHandle;
  readonly password: string | undefined;
  /** The master a node was made a replica of at creation (undefined for masters). */
  masterOf(handle: NodeHandle): NodeHandle | undefined;
  /** CLUSTER MYID, cached (so it still works once the node is killed). */
  nodeId(handle: NodeHandle): Promise<string>;
  /** Plain, cached, non-cluster ioredis client for one node; closed by stop(). */
  client(handle: NodeHandle): Redis;
  /** Nodes not killed or stopped. */
  liveNodes(): NodeHandle[];
  /** Waits until all live nodes report cluster_state:ok, agree on slots, and replicas are linked. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Closes clients and stops every node (idempotent). */
  stop(): Promise<void>;
}

/** Sends one command through ioredis and returns the raw reply. */
export function cmd(client: Redis, ...args: (string | number)[]): Promise<unknown> {
  const [name, ...rest] = args;
  return client.call(String(name), ...rest.map(String));
}

/** CLUSTER NODES of one node, parsed. */
export async function clusterNodesOf(cluster: TestCluster, handle: NodeHandle): Promise<NodesLine[]> {
  return parseClusterNodes(String(await cmd(cluster.client(handle), 'CLUSTER', 'NODES')));
}

function makeCluster(kind: ServerKind, nodes: NodeHandle[], masterCount: number, perMaster: number, password: string | undefined): TestCluster {
  const masters = nodes.slice(0, masterCount);
  const replicas = nodes.slice(masterCount);
  const clients = new Map<string, Redis>();
  const ids = new Map<string, string>();
  let stopping: Promise<void> | null = null;

  const client = (handle: NodeHandle): Redis => {
    const cached = clients.get(handle.addr);
    if (cached && cached.status !== 'end') return cached;
    const fresh = new Redis({
      host: handle.host,
      port: handle.port,
      password,
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      disableClientInfo: true,
    });
    fresh.on('error', () => undefined); // failures surface as rejected commands
    clients.set(handle.addr, fresh);
    return fresh;
  };

  const liveNodes = (): NodeHandle[] => nodes.filter((n) => nodeState(n) === 'running');

  const cluster: TestCluster = {
    kind,
    nodes,
    masters,
    replicas,
    entry: masters[0]!,
    password,
    masterOf: (handle) => {
      const index = replicas.indexOf(handle);
      return index === -1 ? undefined : masters[Math.floor(index / perMaster)];
    },
    async nodeId(handle) {
      let id = ids.get(handle.addr);
      if (id === undefined) {
        id = String(await cmd(client(handle), 'CLUSTER', 'MYID'));
        ids.set(handle.addr, id);
      }
      return id;
    },
    client,
    liveNodes,
    waitHealthy: (timeoutMs = 30_000) => waitFor('a healthy cluster', () => healthProbe(cluster), timeoutMs, 75),
    stop() {
      stopping ??= (async () => {
        for (const c of clients.values()) c.disconnect();
        clients.clear();
        await stopNodes(nodes);
      })();
      return stopping;
    },
  };
  return cluster;
}

/** One health poll over all live nodes; a reason string when not healthy yet. */
async function healthProbe(cluster: TestCluster): Promise<true | string> {
  const live = cluster.liveNodes();
  const views = await Promise.all(
    live.map(async (node) => {
      const c = cluster.client(node);
      const [info, nodesText, replication] = await Promise.all([cmd(c, 'CLUSTER', 'INFO'), cmd(c, 'CLUSTER', 'NODES'), cmd(c, 'INFO', 'replication')]);
      return { node, info: parseInfo(String(info)), lines: parseClusterNodes(String(nodesText)), repl: parseInfo(String(replication)) };
    }),
  );
  for (const view of views) {
    const state = view.info.get('cluster_state');
    if (state !== 'ok') return `${view.node.addr} cluster_state:${state}`;
    if (myselfLine(view.lines).flags.includes('slave')) {
      if (view.repl.get('role') !== 'slave') return `${view.node.addr} role:${view.repl.get('role')}`;
      const link = view.repl.get('master_link_status');
      if (link !== 'up') return `${view.node.addr} master_link_status:${link}`;
    }
  }
  const signatures = new Set(views.map((v) => slotSignature(v.lines)));
  return signatures.size === 1 ? true : `nodes disagree on slots (${signatures.size} signatures)`;
}

/** Starts masters*(1+replicas) nodes and joins them into a healthy cluster. */
export async function createCluster(opts: ClusterOptions): Promise<TestCluster> {
  const perMaster = opts.replicas ?? 0;
  const kind = opts.kind ?? DEFAULT_KIND;
  const nodes = await startNodes(opts.masters * (1 + perMaster), {
    kind,
    password: opts.password,
    nodeTimeout: opts.nodeTimeout,
    extraConfig: opts.extraConfig,
    binary: opts.binary,
  });
  const cluster = makeCluster(kind, nodes, opts.masters, perMaster, opts.password);
  try {
    await formCluster(cluster, opts.timeoutMs ?? 30_000);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

async function formCluster(cluster: TestCluster, timeoutMs: number): Promise<void> {
  const { nodes, masters, replicas } = cluster;
  const c = cluster.client;
  const ids = await Promise.all(nodes.map((n) => cluster.nodeId(n)));
  const ranges = allocSlotRanges(masters.length);
  await Promise.all(masters.map((m, i) => cmd(c(m), 'CLUSTER', 'ADDSLOTSRANGE', ranges[i]![0], ranges[i]![1])));
  await Promise.all(nodes.map((n, i) => cmd(c(n), 'CLUSTER', 'SET-CONFIG-EPOCH', i + 1)));
  const first = nodes[0]!;
  await Promise.all(nodes.slice(1).map((n) => cmd(c(n), 'CLUSTER', 'MEET', first.host, first.port, first.busPort)));

  const wanted = [...ids].sort().join(',');
  await waitFor(
    'every node to know every other node',
    async () => {
      for (const node of nodes) {
        const lines = await clusterNodesOf(cluster, node);
        const pending = lines.find((l) => l.flags.includes('handshake') || l.flags.includes('noaddr'));
        if (pending) return `${node.addr} still has ${pending.flags.join(',')} for ${pending.addr}`;
        if (
          lines
            .map((l) => l.id)
            .sort()
            .join(',') !== wanted
        )
          return `${node.addr} knows ${lines.length}/${nodes.length}`;
      }
      return true;
    },
    timeoutMs,
  );

  for (const replica of replicas) {
    await cmd(c(replica), 'CLUSTER', 'REPLICATE', await cluster.nodeId(cluster.masterOf(replica)!));
  }
  await cluster.waitHealthy(timeoutMs);
  for (const replica of replicas) {
    const me = myselfLine(await clusterNodesOf(cluster, replica));
    const masterId = await cluster.nodeId(cluster.masterOf(replica)!);
    if (!me.flags.includes('slave') || me.masterId !== masterId) {
      throw new Error(`${replica.addr} is ${me.flags.join(',')} of ${me.masterId}, expected slave of ${masterId}`);
    }
  }
}
