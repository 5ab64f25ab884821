/** The SlotPort over a loaded cluster session: pipelined commands on the node connections. */
import { MIGRATE_COPY_CHANGED, type MigrateOptions, type SetSlotAction, type SlotPort } from '../exec/port';
import { EngineError } from '../model/errors';
import type { ClusterSession } from './loader';
import { parseInfo } from '../parse/info';
import { connectNode, type Arg, type NodeClient } from './connection';
import { countKeysInSlots } from './bulk';
import type { ConnectionOptions } from './options';

export function createSlotPort(session: ClusterSession, conn: ConnectionOptions): SlotPort {
  const nodes = new Map(session.topology.nodes.map((n) => [n.id, n]));
  const client = (id: string): NodeClient => {
    const c = session.clients.get(id);
    if (!c) throw new EngineError({ code: 'no-such-node', message: `Node ${id} is not connected (it is not in the loaded cluster)` });
    return c;
  };
  const pool = connectionPool((id) => {
    const n = nodes.get(id);
    if (!n) throw new EngineError({ code: 'no-such-node', message: `Node ${id} is not in the loaded cluster` });
    return connectNode(n.host, n.port, conn);
  }, client);
  const probes = probeConnections((id) => {
    const n = nodes.get(id);
    if (!n) throw new EngineError({ code: 'no-such-node', message: `Node ${id} is not in the loaded cluster` });
    return connectNode(n.host, n.port, conn);
  });
  const auth: Arg[] = conn.password ? (conn.user ? ['AUTH2', conn.user, conn.password] : ['AUTH', conn.password]) : [];

  return {
    nodeAddr: (id) => {
      const n = nodes.get(id);
      return n ? `${n.host}:${n.port}` : id;
    },
    masterIds: () => session.topology.nodes.filter((n) => n.role === 'master').map((n) => n.id),
    async setSlots(nodeId, items: readonly SetSlotAction[]) {
      const res = await client(nodeId).pipeline(
        items.map((it) =>
          it.action === 'STABLE' ? (['CLUSTER', 'SETSLOT', it.slot, 'STABLE'] as const) : (['CLUSTER', 'SETSLOT', it.slot, it.action, it.nodeId] as const),
        ),
      );
      return res.map((r) => (r.ok ? null : r.error));
    },
    async getKeysInSlots(nodeId, slots, count) {
      const res = await client(nodeId).pipeline(
        slots.map((s) => ['CLUSTER', 'GETKEYSINSLOT', s, count] as const),
        { buffers: true },
      );
      return res.map((r, i) => {
        if (!r.ok)
          throw new EngineError({
            code: 'reply-error',
            node: client(nodeId).addr,
            cause: r.error,
            message: `CLUSTER GETKEYSINSLOT ${slots[i]} on ${client(nodeId).addr} failed: ${r.error}`,
          });
        return r.value as Buffer[];
      });
    },
    countKeysInSlots: (nodeId, slots) => countKeysInSlots(client(nodeId), slots),
    async migrate(sourceId, targetId, groups, opts: MigrateOptions) {
      const target = nodes.get(targetId);
      if (!target) return groups.map(() => `unknown target node ${targetId}`);
      const head: Arg[] = [target.announcedHost, target.port, '', 0, opts.timeoutMs];
      if (opts.replace) head.push('REPLACE');
      head.push(...auth, 'KEYS');
      // One MIGRATE per connection at a time: the source serves other clients between our commands.
      const c = groups.length === 1 ? await pool.acquire(sourceId) : client(sourceId);
      try {
        const res = await c.pipeline(groups.map((keys) => ['MIGRATE', ...head, ...keys] as const));
        return res.map((r) => (r.ok ? (r.value === 'OK' || r.value === 'NOKEY' ? null : `unexpected MIGRATE reply ${String(r.value)}`) : r.error));
      } finally {
        if (groups.length === 1) pool.release(sourceId, c);
      }
    },
    async migrateCopy(sourceId, targetId, keys, opts: MigrateOptions, confirm) {
      const target = nodes.get(targetId);
      if (!target) return `unknown target node ${targetId}`;
      // A target without replicas cannot be replaced by one that lacks the keys: MIGRATE as redis-cli does.
      if (!session.topology.nodes.some((n) => n.masterId === targetId)) return (await this.migrate(sourceId, targetId, [keys], opts))[0] ?? null;
      const head: Arg[] = [target.announcedHost, target.port, '', 0, opts.timeoutMs, 'COPY'];
      if (opts.replace) head.push('REPLACE');
      head.push(...auth, 'KEYS');
      // WATCH and MULTI/EXEC need a connection no other command shares (another EXEC would drop the WATCH).
      const c = await pool.acquireOwn(sourceId);
      try {
        const [watch, moved] = await c.pipeline([
          ['WATCH', ...keys],
          ['MIGRATE', ...head, ...keys],
        ]);
        if (!watch!.ok) {
          // A key gone since GETKEYSINSLOT (TRYAGAIN / ASK in a migrating slot): this batch moves as plain MIGRATE.
          await c.call('UNWATCH');
          if (!moved!.ok) return moved!.error;
          return (await this.migrate(sourceId, targetId, [keys], opts))[0] ?? null;
        }
        if (!moved!.ok || (moved!.value !== 'OK' && moved!.value !== 'NOKEY')) {
          await c.call('UNWATCH');
          return moved!.ok ? `unexpected MIGRATE reply ${String(moved!.value)}` : moved!.error;
        }
        try {
          await confirm();
        } catch (e) {
          await c.call('UNWATCH').catch(() => undefined);
          throw e;
        }
        const res = await c.pipeline([['MULTI'], ['DEL', ...keys], ['EXEC']]);
        if (res[2]!.ok && res[2]!.value !== null) return null;
        // Written (or deleted) meanwhile: the source's copy is the served one. A key deleted on the source
        // must not survive as our copy on the target; the caller moves the rest again with REPLACE.
        const exists = await c.pipeline(keys.map((k) => ['EXISTS', k] as const));
        const gone = keys.filter((_, i) => exists[i]!.ok && Number(exists[i]!.value) === 0);
        if (gone.length > 0) await client(targetId).pipeline(gone.flatMap((k) => [['ASKING'] as const, ['DEL', k] as const]));
        return MIGRATE_COPY_CHANGED;
      } finally {
        pool.release(sourceId, c);
      }
    },
    close: () => {
      pool.close();
      probes.close();
    },
    async finishTimedOut(sourceId, targetId, keys, confirm) {
      const [src, dst] = [nodes.get(sourceId), nodes.get(targetId)];
      if (!src || !dst) return { remaining: [...keys], replace: false };
      const remaining: Buffer[] = [];
      let replace = false;
      // Own connections: WATCH must not share a connection with other commands. Both are settled before
      // anything else: a target that died mid-MIGRATE refuses its connection, and the source's, already open,
      // must be closed then too (a leaked idle socket kept rcm alive forever after a failed run).
      const [s, d] = await openBoth(
        () => connectNode(src.host, src.port, conn),
        () => connectNode(dst.host, dst.port, conn),
      );
      try {
        // The target's copies first, then (before any source copy is deleted) the caller's check that the
        // target still replicates what it acknowledged: a target that woke up after its replica took over
        // answers with copies that its resync is about to drop.
        const copies: { key: Buffer; copy: Buffer }[] = [];
        for (const key of keys) {
          const [, onTarget] = await d.pipeline([['ASKING'], ['DUMP', key]], { buffers: true });
          const copy = onTarget!.ok && Buffer.isBuffer(onTarget!.value) ? onTarget!.value : null;
          if (copy) copies.push({ key, copy });
          else remaining.push(key);
        }
        // Also with no copy: the retry would MIGRATE again to a target that may have been replaced.
        await confirm?.();
        for (const { key, copy } of copies) {
          // In a MIGRATING slot the source answers ASK for keys it no longer has: the move completed.
          const [watch] = await s.pipeline([['WATCH', key]]);
          if (!watch!.ok) {
            if (watch!.error.startsWith('ASK ')) continue;
            remaining.push(key);
            continue;
          }
          const [mine] = await s.pipeline([['DUMP', key]], { buffers: true });
          const own = mine!.ok && Buffer.isBuffer(mine!.value) ? mine!.value : null;
          if (own === null) {
            await s.call('UNWATCH');
            continue; // the source no longer has it: the move completed
          }
          if (!own.equals(copy)) {
            await s.call('UNWATCH');
            remaining.push(key);
            replace = true;
            continue;
          }
          const res = await s.pipeline([['MULTI'], ['DEL', key], ['EXEC']]);
          const exec = res[2]!;
          if (!exec.ok || exec.value === null) {
            remaining.push(key); // written meanwhile: move it again over the stale copy
            replace = true;
          }
        }
      } finally {
        s.close();
        d.close();
      }
      return { remaining, replace };
    },
    async replicationState(nodeId) {
      const info = async (c: NodeClient): Promise<Record<string, string>> => parseInfo(String(await c.call('INFO', 'replication')));
      const replicaNodes = session.topology.nodes.filter((n) => n.masterId === nodeId);
      // The target and its replicas at once (one round trip): a replica read at or after the target's offset
      // was read is what the verdict compares, so reading them together never passes one that lags.
      const [own, views] = await Promise.all([
        info(client(nodeId)),
        Promise.all(
          replicaNodes.map(async (n) => {
            const c = session.clients.get(n.id);
            return c ? info(c).catch(() => undefined) : undefined;
          }),
        ),
      ]);
      const master = own.role === 'master';
      // A replica follows the target when it carries the target's replication id (host names and
      // addresses may differ between the two views) with its link up.
      const replicas = replicaNodes.map((n, i) => {
        const addr = `${n.host}:${n.port}`;
        const v = views[i];
        if (!v) return { addr, role: 'unreachable' as const, offset: 0 };
        if (v.role === 'master') return { addr, role: 'master' as const, offset: 0 };
        const follows = master && v.master_replid === own.master_replid && v.master_link_status === 'up';
        return follows ? { addr, role: 'following' as const, offset: Number(v.slave_repl_offset ?? 0) } : { addr, role: 'other' as const, offset: 0 };
      });
      return { master, offset: master ? Number(own.master_repl_offset ?? 0) : 0, replicas };
    },
    async probe(nodeId) {
      await probes.call(nodeId, 'PING');
    },
    async opsPerSec(nodeId) {
      const info = parseInfo(String(await probes.call(nodeId, 'INFO', 'stats')));
      return Number(info.instantaneous_ops_per_sec ?? 0);
    },
    async epochs(nodeId) {
      const [ci, role] = await client(nodeId).pipeline([['CLUSTER', 'INFO'], ['ROLE']]);
      if (!ci!.ok)
        throw new EngineError({
          code: 'reply-error',
          node: client(nodeId).addr,
          cause: ci!.error,
          message: `CLUSTER INFO on ${client(nodeId).addr} failed: ${ci!.error}`,
        });
      const info = parseInfo(String(ci!.value));
      const master = role!.ok && Array.isArray(role!.value) && role!.value[0] === 'master';
      return { current: Number(info.cluster_current_epoch ?? 0), mine: Number(info.cluster_my_epoch ?? 0), master };
    },
    async bumpEpoch(nodeId) {
      await client(nodeId).call('CLUSTER', 'BUMPEPOCH');
    },
    command: (nodeId, ...args) => client(nodeId).call(String(args[0]), ...args.slice(1)),
    async dump(nodeId, keys) {
      // ASKING before each DUMP: on an importing target the slot is not owned yet.
      const res = await client(nodeId).pipeline(
        keys.flatMap((k) => [['ASKING'] as const, ['DUMP', k] as const]),
        { buffers: true },
      );
      return keys.map((_, i) => {
        const r = res[2 * i + 1]!;
        return r.ok && Buffer.isBuffer(r.value) ? r.value : null;
      });
    },
  };
}

/** Opens two connections at once; if either fails, closes the other and rethrows. */
async function openBoth(a: () => Promise<NodeClient>, b: () => Promise<NodeClient>): Promise<[NodeClient, NodeClient]> {
  const [x, y] = await Promise.allSettled([a(), b()]);
  if (x.status === 'fulfilled' && y.status === 'fulfilled') return [x.value, y.value];
  if (x.status === 'fulfilled') x.value.close();
  if (y.status === 'fulfilled') y.value.close();
  throw x.status === 'rejected' ? x.reason : (y as PromiseRejectedResult).reason;
}

/**
 * Extra connections per node for MIGRATE, so several single MIGRATEs can be in
 * flight on one source without pipelining them on one connection (Redis runs a
 * connection's pipelined commands back to back, stalling other clients).
 */
function connectionPool(open: (id: string) => Promise<NodeClient>, main: (id: string) => NodeClient, max = 2) {
  const free = new Map<string, NodeClient[]>();
  const all: NodeClient[] = [];
  const count = new Map<string, number>();
  return {
    async acquire(id: string): Promise<NodeClient> {
      const list = free.get(id);
      if (list && list.length > 0) return list.pop()!;
      if ((count.get(id) ?? 0) >= max) return main(id);
      count.set(id, (count.get(id) ?? 0) + 1);
      try {
        const c = await open(id);
        all.push(c);
        return c;
      } catch {
        count.set(id, (count.get(id) ?? 1) - 1);
        return main(id);
      }
    },
    /** A connection of this node that no other command shares (beyond the cap if need be; closed with the pool). */
    async acquireOwn(id: string): Promise<NodeClient> {
      const list = free.get(id);
      if (list && list.length > 0) return list.pop()!;
      count.set(id, (count.get(id) ?? 0) + 1);
      const c = await open(id).catch((e: unknown) => {
        count.set(id, (count.get(id) ?? 1) - 1);
        throw e;
      });
      all.push(c);
      return c;
    },
    release(id: string, c: NodeClient): void {
      if (c === main(id)) return;
      let list = free.get(id);
      if (!list) free.set(id, (list = []));
      list.push(c);
    },
    close(): void {
      for (const c of all) c.close();
      all.length = 0;
      free.clear();
    },
  };
}

/** One probe connection per node, opened on first use. */
function probeConnections(open: (id: string) => Promise<NodeClient>) {
  const conns = new Map<string, Promise<NodeClient>>();
  return {
    get(id: string): Promise<NodeClient> {
      let c = conns.get(id);
      if (!c) {
        c = open(id);
        conns.set(id, c);
        c.catch(() => conns.delete(id));
      }
      return c;
    },
    /** A command on the probe connection; one that failed (a node silent past the command deadline, a lost link) is replaced at the next call. */
    async call(id: string, command: string, ...args: Arg[]): Promise<unknown> {
      const pending = this.get(id);
      const c = await pending;
      try {
        return await c.call(command, ...args);
      } catch (e) {
        if (conns.get(id) === pending) {
          conns.delete(id);
          c.close();
        }
        throw e;
      }
    },
    close(): void {
      for (const c of conns.values())
        void c.then(
          (x) => x.close(),
          () => undefined,
        );
      conns.clear();
    },
  };
}
