/**
 * The cluster-wide migration lease, pure part: who holds it, how that is
 * written into a connection name, and the decision from the nodes' client
 * listings. The I/O (io/lease.ts) opens the connections and lists clients.
 *
 * The lease is not a key: it is one named connection per node
 * (`CLIENT SETNAME rcm-lease:<holder>`), on every reachable master and
 * replica. Why that is safe:
 *  - Mutual exclusion. A run first names a connection on every node, then
 *    lists the clients of every node, and proceeds only if no node shows
 *    another live lease (and every node still shows its own). If runs A and B
 *    both proceeded, then on a node X both touched: A.set(X) < A.list(X) <
 *    B.set(X) (A did not see B) and B.set(X) < B.list(X) < A.set(X) (B did
 *    not see A): a contradiction. When both see each other, both refuse.
 *  - Nothing to migrate or replicate. It is no key, so no MIGRATE, resharding,
 *    FLUSHALL, restore or replica full sync can move, copy or drop it.
 *  - Failover. Every node, replicas included, holds a copy: a master that dies
 *    loses only its own, and the replica promoted in its place already has one.
 *  - A killed holder. The kernel closes its sockets, so the server drops the
 *    names at once. A holder that is stopped (SIGSTOP) or cut off keeps its
 *    sockets, but it PINGs every few seconds, so its `idle=` grows: past the
 *    TTL its lease counts as expired (and is killed by the next holder). A
 *    holder that wakes up after that finds its connections gone and stops at
 *    the next window boundary (and a window it left open blocks any new run
 *    but resume/fix, see preflight).
 */

export const LEASE_PREFIX = 'rcm-lease:';

/** A lease not refreshed (PINGed) for this long is expired, seconds. */
export const LEASE_TTL_SEC = 20;

/** How often the holder PINGs its lease connections, ms. */
export const LEASE_PING_MS = 2000;

export interface LeaseHolder {
  /** Random id of one run (tells our own connections from others'). */
  readonly token: string;
  /** What runs: reshard, rebalance, apply, resume, fix, del-node, … */
  readonly op: string;
  readonly pid: number;
  readonly host: string;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly journal?: string;
}

/** `rcm-lease:<base64url JSON>`: only characters CLIENT SETNAME accepts (no spaces). */
export function encodeLeaseName(h: LeaseHolder): string {
  const compact = { t: h.token, o: h.op, p: h.pid, h: h.host, s: h.startedAt, ...(h.journal ? { j: h.journal } : {}) };
  return LEASE_PREFIX + Buffer.from(JSON.stringify(compact), 'utf8').toString('base64url');
}

/** The holder in a connection name, or undefined when it is not a lease name. */
export function decodeLeaseName(name: string): LeaseHolder | undefined {
  if (!name.startsWith(LEASE_PREFIX)) return undefined;
  try {
    const c = JSON.parse(Buffer.from(name.slice(LEASE_PREFIX.length), 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof c.t !== 'string' || typeof c.o !== 'string' || typeof c.p !== 'number' || typeof c.h !== 'string' || typeof c.s !== 'number') return undefined;
    return { token: c.t, op: c.o, pid: c.p, host: c.h, startedAt: c.s, ...(typeof c.j === 'string' ? { journal: c.j } : {}) };
  } catch {
    return undefined;
  }
}

export interface ClientEntry {
  readonly id: string;
  readonly addr: string;
  readonly name: string;
  /** Seconds since the connection's last command. */
  readonly idle: number;
}

/** CLIENT LIST text → entries (`key=value` fields, one client a line). */
export function parseClientList(text: string): ClientEntry[] {
  const out: ClientEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f: Record<string, string> = {};
    for (const part of line.trim().split(' ')) {
      const i = part.indexOf('=');
      if (i > 0) f[part.slice(0, i)] = part.slice(i + 1);
    }
    if (f.id === undefined) continue;
    out.push({ id: f.id, addr: f.addr ?? '', name: f.name ?? '', idle: Number(f.idle ?? 0) || 0 });
  }
  return out;
}

/** One node's listing, as the holder saw it. */
export interface NodeListing {
  readonly node: string;
  readonly clients: readonly ClientEntry[];
}

export interface ForeignLease {
  readonly node: string;
  readonly clientId: string;
  readonly addr: string;
  readonly holder: LeaseHolder;
}

export type LeaseDecision =
  | { readonly kind: 'granted'; readonly expired: readonly ForeignLease[]; readonly takenOver: readonly ForeignLease[] }
  | { readonly kind: 'held'; readonly by: ForeignLease }
  /** Our own name is missing on some node (the connection dropped between SETNAME and LIST): try again. */
  | { readonly kind: 'lost-own'; readonly node: string };

export interface LeaseContext {
  readonly token: string;
  readonly ttlSec?: number;
  /** Resume of this journal may take over a lease of the same journal whose process is gone. */
  readonly journal?: string;
  readonly resume?: boolean;
  readonly thisHost: string;
  /** Is this pid alive on this host? */
  readonly alive: (pid: number) => boolean;
}

/** The decision from every node's listing. Pure. */
export function decideLease(listings: readonly NodeListing[], ctx: LeaseContext): LeaseDecision {
  const ttl = ctx.ttlSec ?? LEASE_TTL_SEC;
  const expired: ForeignLease[] = [];
  const takenOver: ForeignLease[] = [];
  for (const l of listings) {
    let own = false;
    for (const c of l.clients) {
      const holder = decodeLeaseName(c.name);
      if (!holder) continue;
      if (holder.token === ctx.token) {
        own = true;
        continue;
      }
      const foreign: ForeignLease = { node: l.node, clientId: c.id, addr: c.addr, holder };
      if (c.idle > ttl) expired.push(foreign);
      else if (ctx.resume && ctx.journal !== undefined && holder.journal === ctx.journal && !(holder.host === ctx.thisHost && ctx.alive(holder.pid)))
        takenOver.push(foreign);
      else return { kind: 'held', by: foreign };
    }
    if (!own) return { kind: 'lost-own', node: l.node };
  }
  return { kind: 'granted', expired, takenOver };
}

/** One line naming the holder, for the refused run. */
export function describeHolder(f: ForeignLease): string {
  const h = f.holder;
  return `${h.op} by process ${h.pid} on ${h.host} (connected from ${f.addr || '?'} to ${f.node}), started ${new Date(h.startedAt).toISOString()}${h.journal ? `, journal ${h.journal}` : ''}`;
}

export function leaseHeldMessage(f: ForeignLease): string {
  return `Another run is changing this cluster: ${describeHolder(f)}. Wait for it to finish (or stop it), then try again.`;
}
