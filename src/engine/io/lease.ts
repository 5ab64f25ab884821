/**
 * The migration lease on a live cluster (the rules and why they are safe:
 * exec/lease.ts): one dedicated, named connection per reachable node, PINGed
 * while the run lasts, closed on release.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  decideLease,
  encodeLeaseName,
  LEASE_PING_MS,
  leaseHeldMessage,
  parseClientList,
  type ForeignLease,
  type LeaseHolder,
  type NodeListing,
} from '../exec/lease';
import { EngineError } from '../model/errors';
import type { Topology } from '../model/types';
import { connectNode, type NodeClient } from './connection';
import { processAlive } from './journalFile';
import type { ConnectionOptions } from './options';

export interface LeaseRequest {
  readonly op: string;
  readonly journal?: string;
  /** A resume of `journal` may take over that run's lease once its process is gone. */
  readonly resume?: boolean;
  readonly ttlSec?: number;
}

export interface MigrationLease {
  readonly holder: LeaseHolder;
  /** Aborted when the lease is lost (its connections on most nodes closed or killed by a newer holder). */
  readonly lost: AbortSignal;
  /** Leases expired or taken over when this one was granted. */
  readonly replaced: readonly ForeignLease[];
  release(): void;
}

interface Held {
  readonly addr: string;
  readonly client: NodeClient;
  alive: boolean;
}

function denied(addr: string, e: unknown): EngineError {
  const text = e instanceof EngineError ? (e.detail ?? e.message) : String(e);
  if (/NOPERM/i.test(text)) {
    return new EngineError({
      code: 'no-permission',
      node: addr,
      cause: text,
      message: `The user may not run CLIENT SETNAME / CLIENT LIST on ${addr} (${text}); rcm needs them for its migration lease.`,
    });
  }
  return e instanceof EngineError ? e : new EngineError({ code: 'reply-error', node: addr, cause: text, message: `Node ${addr} replied with error: ${text}` });
}

/** Every reachable node of the topology, masters first. */
function leaseNodes(topology: Topology): { host: string; port: number }[] {
  const masters = topology.nodes.filter((n) => n.role === 'master');
  const replicas = topology.nodes.filter((n) => n.role !== 'master');
  return [...masters, ...replicas].map((n) => ({ host: n.host, port: n.port }));
}

/**
 * Takes the lease on every node of `topology`, or throws `lease-held` with one
 * line naming the holder (the names set so far are removed first).
 */
export async function acquireLease(topology: Topology, conn: ConnectionOptions, req: LeaseRequest): Promise<MigrationLease> {
  const holder: LeaseHolder = {
    token: randomBytes(8).toString('hex'),
    op: req.op,
    pid: process.pid,
    host: hostname(),
    startedAt: Date.now(),
    ...(req.journal ? { journal: req.journal } : {}),
  };
  const name = encodeLeaseName(holder);
  const held: Held[] = [];
  const closeAll = (): void => {
    for (const h of held) h.client.close();
  };
  try {
    // 1. Name one connection on every node (all set before any list: the proof needs set < list per node).
    // Every attempt settles before a failure is thrown, so closeAll() closes every connection that opened.
    const named = await Promise.allSettled(
      leaseNodes(topology).map(async ({ host, port }) => {
        const addr = `${host}:${port}`;
        const client = await connectNode(host, port, conn);
        held.push({ addr, client, alive: true });
        try {
          await client.call('CLIENT', 'SETNAME', name);
        } catch (e) {
          throw denied(addr, e);
        }
      }),
    );
    const refused = named.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (refused) throw refused.reason;
    // 2. List every node's clients, on the same connections.
    const listings: NodeListing[] = await Promise.all(
      held.map(async (h) => {
        try {
          return { node: h.addr, clients: parseClientList(String(await h.client.call('CLIENT', 'LIST', 'TYPE', 'normal'))) };
        } catch (e) {
          throw denied(h.addr, e);
        }
      }),
    );
    const decision = decideLease(listings, {
      token: holder.token,
      ttlSec: req.ttlSec,
      journal: req.journal,
      resume: req.resume,
      thisHost: holder.host,
      alive: processAlive,
    });
    if (decision.kind === 'held') throw new EngineError({ code: 'lease-held', node: decision.by.node, message: leaseHeldMessage(decision.by) });
    if (decision.kind === 'lost-own') {
      throw new EngineError({
        code: 'connection-lost',
        node: decision.node,
        message: `The migration lease connection to ${decision.node} closed while it was being taken; nothing was changed. Try again.`,
      });
    }
    const replaced = [...decision.expired, ...decision.takenOver];
    // Close what is left of expired / taken-over leases, so a holder that wakes up finds its lease gone.
    await Promise.all(
      replaced.map(async (f) => {
        await held
          .find((h) => h.addr === f.node)
          ?.client.call('CLIENT', 'KILL', 'ID', f.clientId)
          .catch(() => undefined);
      }),
    );
    return keepAlive(holder, held, replaced);
  } catch (e) {
    closeAll();
    throw e;
  }
}

/** PINGs every lease connection; the lease is lost when most of them are gone. */
function keepAlive(holder: LeaseHolder, held: Held[], replaced: readonly ForeignLease[]): MigrationLease {
  const controller = new AbortController();
  let released = false;
  const timer = setInterval(() => {
    void Promise.all(
      held
        .filter((h) => h.alive)
        .map((h) =>
          h.client.call('PING').catch(() => {
            h.alive = false;
          }),
        ),
    ).then(() => {
      const gone = held.filter((h) => !h.alive).length;
      if (!released && gone * 2 > held.length && !controller.signal.aborted) controller.abort();
    });
  }, LEASE_PING_MS);
  timer.unref();
  return {
    holder,
    lost: controller.signal,
    replaced,
    release(): void {
      if (released) return;
      released = true;
      clearInterval(timer);
      for (const h of held) h.client.close();
    },
  };
}
