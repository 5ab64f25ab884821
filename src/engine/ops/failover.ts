/**
 * `failover REPLICA [--force|--takeover]` (not in redis-cli): CLUSTER FAILOVER
 * on the replica, then a deadline-bounded wait until it calls itself master
 * and every reachable node agrees about the new slot owner.
 */
import { nodeRef, type NodeRef } from '../check/check';
import type { Topology } from '../model/types';
import { dictRehashOf } from '../model/dialect';
import type { NodeClient } from '../exec/nodeClient';
import { clockSleep, systemClock } from '../exec/port';
import { openCluster, type LoadOptions } from '../io/loader';
import { parseClusterNodes } from '../parse/clusterNodes';
import { parseInfo } from '../parse/info';
import { waitForJoin, type JoinEvent } from './joinWait';
import {
  DEFAULT_POLL_INTERVAL_MS,
  errorText,
  EventLog,
  loadEvent,
  type CommonEvent,
  type OpEntry,
  type OpHooks,
  type OpReport,
  type WaitOptions,
} from './opOutput';

export type FailoverMode = 'default' | 'force' | 'takeover';

/** What failover reports, in order (render/nodeOpText.ts prints it). `addr`: the replica, as given. */
export type FailoverEvent =
  | CommonEvent
  | JoinEvent
  | { readonly kind: 'failover-not-replica'; readonly addr: string }
  /** A default failover waits for the replica to be in sync: a dot per second. */
  | { readonly kind: 'failover-sync-start'; readonly addr: string }
  | { readonly kind: 'failover-sync-dot' }
  | { readonly kind: 'failover-sync-done' }
  | { readonly kind: 'failover-sync-failed'; readonly addr: string; readonly state: string }
  /** `master`: its address, or its id and "(not reachable)". */
  | { readonly kind: 'failover-send'; readonly addr: string; readonly args: readonly string[]; readonly master: string }
  | { readonly kind: 'failover-done'; readonly addr: string; readonly master: string };

export interface FailoverOptions extends LoadOptions, OpHooks<FailoverEvent>, WaitOptions, OpEntry {
  /** CLUSTER FAILOVER [FORCE|TAKEOVER]. */
  readonly mode?: FailoverMode;
}

export interface FailoverReport extends OpReport<FailoverEvent> {
  readonly topology: Topology;
  readonly node: NodeRef;
  /** The master it replicated (null when that master was not loaded, e.g. down). */
  readonly formerMaster: NodeRef | null;
  readonly promoted: boolean;
}

/** A manual failover is abandoned by Redis after 5 s; this leaves room for the news to spread. */
export const DEFAULT_FAILOVER_TIMEOUT_MS = 15_000;

/**
 * A default (coordinated) failover only happens when the replica's replication
 * link is up and its master knows it as its replica (right after a role change
 * neither holds yet). Waits for both.
 */
async function waitForSync(
  replica: NodeClient,
  master: NodeClient | undefined,
  replicaId: string,
  opts: FailoverOptions,
  log: EventLog<FailoverEvent>,
): Promise<boolean> {
  const status = async (): Promise<string> => {
    try {
      const link = parseInfo(String(await replica.call('INFO', 'replication'))).master_link_status ?? 'unknown';
      if (link !== 'up') return `master_link_status:${link}`;
      if (!master) return 'up';
      const lines = parseClusterNodes(String(await master.call('CLUSTER', 'NODES')));
      const line = lines.find((l) => l.id === replicaId);
      const myself = lines.find((l) => l.flags.includes('myself'));
      return line && myself && line.masterId === myself.id ? 'up' : `its master does not list ${replica.addr} as its replica yet`;
    } catch (e) {
      return errorText(e);
    }
  };
  let state = await status();
  if (state === 'up') return true;
  log.emit({ kind: 'failover-sync-start', addr: replica.addr });
  const clock = opts.clock ?? systemClock;
  const started = clock.now();
  const timeout = opts.joinTimeoutMs ?? DEFAULT_FAILOVER_TIMEOUT_MS;
  let dots = 0;
  while (state !== 'up') {
    const waited = clock.now() - started;
    for (; dots < Math.floor(waited / 1000); dots++) log.emit({ kind: 'failover-sync-dot' });
    if (waited >= timeout) {
      log.emit({ kind: 'failover-sync-failed', addr: replica.addr, state });
      return false;
    }
    await clockSleep(clock, opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    state = await status();
  }
  log.emit({ kind: 'failover-sync-done' });
  return true;
}

export async function runFailover(opts: FailoverOptions): Promise<FailoverReport> {
  const { host, port } = opts;
  const log = new EventLog(opts.onEvent);
  const session = await openCluster(host, port, opts);
  const { topology } = session;
  const replica = topology.nodes[0]!;
  const addr = `${host}:${port}`;
  const master = topology.nodes.find((n) => n.id === replica.masterId);
  const formerMaster = master ? nodeRef(master) : null;
  const report = (promoted: boolean): FailoverReport => ({
    topology,
    node: nodeRef(replica),
    formerMaster,
    promoted,
    events: log.events,
    exitCode: promoted ? 0 : 1,
  });
  try {
    log.emit(loadEvent(topology));
    if (replica.role !== 'replica' || !replica.masterId) {
      log.emit({ kind: 'failover-not-replica', addr });
      return report(false);
    }
    const mode = opts.mode ?? 'default';
    const args = mode === 'default' ? [] : [mode.toUpperCase()];
    const masterText = master ? `${master.host}:${master.port}` : `${replica.masterId} (not reachable)`;
    const client = session.clients.get(replica.id)!;
    const masterClient = master ? session.clients.get(master.id) : undefined;
    if (mode === 'default' && !(await waitForSync(client, masterClient, replica.id, opts, log))) return report(false);
    log.emit({ kind: 'failover-send', addr, args, master: masterText });
    try {
      await client.call('CLUSTER', 'FAILOVER', ...args);
    } catch (e) {
      log.emit({ kind: 'reply-error', addr, error: errorText(e) });
      return report(false);
    }
    const hint =
      mode === 'default'
        ? ' (a default failover needs its master to answer: try --force, or --takeover when no majority of masters is reachable)'
        : mode === 'force'
          ? ' (a forced failover still needs a majority of masters to vote: try --takeover)'
          : '';
    const clients = topology.nodes.map((n) => session.clients.get(n.id)!);
    const waited = await waitForJoin(clients, {
      ...opts,
      joinTimeoutMs: opts.joinTimeoutMs ?? DEFAULT_FAILOVER_TIMEOUT_MS,
      log,
      rehash: dictRehashOf(topology),
      banner: 'Waiting for the failover',
      condition: (views) => {
        const me = views[0]?.lines?.find((l) => l.flags.includes('myself'));
        return me && me.flags.includes('master') ? true : `${addr} is still a replica${hint}`;
      },
    });
    if (!waited.ok) return report(false);
    log.emit({ kind: 'failover-done', addr, master: masterText });
    return report(true);
  } finally {
    session.close();
  }
}
