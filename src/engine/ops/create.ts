/**
 * `create`: validate fresh nodes, plan (plan/createPlan.ts), confirm, then
 * ADDSLOTS, SET-CONFIG-EPOCH, MEET, wait for agreement, REPLICATE and check.
 * Output follows redis-cli 7.0 (spec §3.1, §4.2). Deliberate differences:
 *  - the join wait polls every ~100 ms and has a deadline (redis-cli: 1 s, none);
 *  - duplicate nodes, a negative replica count and nodes already owning slots
 *    are refused up front (redis-cli accepts them, or dies with SIGFPE);
 *  - a failed late CLUSTER REPLICATE or a failing final check makes the exit
 *    code 1 (redis-cli ignores both and exits 0).
 */
import { lookup } from 'node:dns/promises';
import { checkCluster, type CheckResult } from '../check/check';
import { dialectOf, dictRehashOfServers, type CliDialect } from '../model/dialect';
import type { Topology } from '../model/types';
import { parseEntryAddress } from '../parse/address';
import { openCluster } from '../io/loader';
import type { ConnectionOptions } from '../io/options';
import { createMasterCount, planCreate, type CreateNodeInput, type CreatePlan } from '../plan/createPlan';
import { everyoneKnows, waitForJoin, type JoinEvent } from './joinWait';
import type { JoinView } from '../check/links';
import { probeFreshNode, type FreshNode, type FreshRejectedEvent } from './newNode';
import { errorText, EventLog, loadEvent, type CommonEvent, type OpHooks, type OpReport, type ReplyErrorEvent, type WaitOptions } from './opOutput';

/** A node's host does not resolve to an address CLUSTER MEET could take (create, add-node). */
export interface BadMeetHostEvent {
  readonly kind: 'bad-meet-host';
  readonly host: string;
}

/** What create reports, in order (render/createText.ts prints it). */
export type CreateEvent =
  | CommonEvent
  | JoinEvent
  | FreshRejectedEvent
  | BadMeetHostEvent
  | { readonly kind: 'create-bad-address'; readonly address: string }
  | { readonly kind: 'create-duplicate'; readonly addr: string; readonly twin: string; readonly id: string }
  | { readonly kind: 'create-bad-replicas'; readonly replicas: number }
  | { readonly kind: 'create-too-few-masters'; readonly nodes: number; readonly replicas: number }
  /** valkey-cli 9 asks before it creates a cluster of 1 or 2 primaries. */
  | { readonly kind: 'create-few-primaries'; readonly primaries: number; readonly replicas: number }
  /** The allocation and the listing shown before "Can I set the above configuration?" (`flags`: each node's own). */
  | {
      readonly kind: 'create-plan';
      readonly nodes: readonly CreateNodeInput[];
      readonly flags: readonly string[];
      readonly plan: CreatePlan;
      readonly dialect: CliDialect;
    }
  | { readonly kind: 'create-configured' }
  | { readonly kind: 'create-meet' };

export interface CreateOptions extends ConnectionOptions, OpHooks<CreateEvent>, WaitOptions {
  /** The nodes, `host:port` each, as given. */
  readonly addresses: readonly string[];
  /** --cluster-replicas (default 0). */
  readonly replicas?: number;
  /** Randomness for the anti-affinity optimiser (default Math.random). */
  readonly random?: () => number;
}

export interface CreateReport extends OpReport<CreateEvent> {
  /** The validated nodes, in argument order (empty when validation failed). */
  readonly nodes: readonly CreateNodeInput[];
  readonly plan?: CreatePlan;
  /** false when validation failed or the plan was declined. */
  readonly applied: boolean;
  readonly topology?: Topology;
  readonly check?: CheckResult;
}

/** `host:port` as create reads it (parse/address.ts: `@bus` cut, IPv6 bracketed or split at the last `:`). */
export function parseCreateAddress(arg: string): { host: string; port: number } | null {
  return parseEntryAddress([arg]);
}

/** CLUSTER MEET arguments for `node` at `ip`: the bus port is given only when it is not port + 10000. */
export function meetArgs(ip: string, node: { readonly port: number; readonly busPort: number }): (string | number)[] {
  return node.busPort !== 0 && node.busPort !== node.port + 10000 ? [ip, node.port, node.busPort] : [ip, node.port];
}

/** Numeric IP for CLUSTER MEET (the nodes cannot resolve names the way we do). */
export async function resolveForMeet(host: string, family?: 4 | 6): Promise<string | null> {
  try {
    return (await lookup(host, family ? { family } : {})).address;
  } catch {
    return null;
  }
}

export async function runCreate(opts: CreateOptions): Promise<CreateReport> {
  const { addresses } = opts;
  const log = new EventLog(opts.onEvent);
  const fresh: FreshNode[] = [];
  const fail = (extra: Partial<CreateReport> = {}): CreateReport => ({ nodes: [], applied: false, ...extra, events: log.events, exitCode: 1 });
  try {
    // Validate in argument order; nodes before the first malformed address are probed concurrently.
    const parsed = addresses.map(parseCreateAddress);
    const firstBad = parsed.findIndex((p) => p === null);
    const valid = (firstBad < 0 ? parsed : parsed.slice(0, firstBad)) as { host: string; port: number }[];
    const probes = await Promise.all(valid.map((a) => probeFreshNode(a.host, a.port, opts)));
    for (const p of probes) if (p.ok) fresh.push(p.node);
    const rejected = probes.find((p) => !p.ok);
    if (rejected && !rejected.ok) {
      log.emit(rejected.event);
      return fail();
    }
    if (firstBad >= 0) {
      log.emit({ kind: 'create-bad-address', address: addresses[firstBad]!.replace(/@[^@]*$/, '') });
      return fail();
    }
    const seen = new Map<string, FreshNode>();
    for (const n of fresh) {
      const twin = seen.get(n.id);
      if (twin) {
        log.emit({ kind: 'create-duplicate', addr: `${n.host}:${n.port}`, twin: `${twin.host}:${twin.port}`, id: n.id });
        return fail();
      }
      seen.set(n.id, n);
    }
    const replicas = opts.replicas ?? 0;
    if (!Number.isInteger(replicas) || replicas < 0) {
      log.emit({ kind: 'create-bad-replicas', replicas });
      return fail();
    }
    const dialect = dialectOf(fresh.map((n) => n.serverName));
    const masterCount = createMasterCount(fresh.length, replicas);
    // valkey-cli 9 creates a cluster of 1 or 2 primaries once the user agrees (--cluster-yes agrees);
    // redis-cli refuses fewer than 3 masters.
    if (masterCount < 3 && (dialect !== 'valkey' || masterCount < 1)) {
      log.emit({ kind: 'create-too-few-masters', nodes: fresh.length, replicas });
      return fail();
    }
    if (masterCount < 3) {
      log.emit({ kind: 'create-few-primaries', primaries: masterCount, replicas });
      if (opts.confirm && !(await opts.confirm('Valkey cluster requires at least 3 primary nodes for automatic failover. Are you sure?'))) return fail();
    }

    const nodes: CreateNodeInput[] = fresh.map((n) => ({ host: n.host, port: n.port, id: n.id }));
    const plan = planCreate(nodes, replicas, opts.random ?? Math.random);
    log.emit({ kind: 'create-plan', nodes, flags: fresh.map((n) => n.flags.join(',')), plan, dialect });
    // Declining is a success, as in redis-cli.
    if (opts.confirm && !(await opts.confirm('Can I set the above configuration?'))) {
      return { nodes, plan, applied: false, events: log.events, exitCode: 0 };
    }
    return await apply(fresh, nodes, plan, opts, log);
  } finally {
    for (const n of fresh) n.client.close();
  }
}

async function apply(
  fresh: readonly FreshNode[],
  nodes: CreateNodeInput[],
  plan: CreatePlan,
  opts: CreateOptions,
  log: EventLog<CreateEvent>,
): Promise<CreateReport> {
  const done = (exitCode: 0 | 1, extra: Partial<CreateReport> = {}): CreateReport => ({ nodes, plan, applied: true, ...extra, events: log.events, exitCode });
  const replyError = (n: FreshNode, e: unknown): ReplyErrorEvent => ({ kind: 'reply-error', addr: `${n.host}:${n.port}`, error: errorText(e) });

  const addSlots = await Promise.all(
    fresh.map(async (n, i) => {
      const role = plan.roles[i]!;
      if (role.role !== 'master' || !role.slots) return null;
      const slots: number[] = [];
      for (let s = role.slots.start; s <= role.slots.end; s++) slots.push(s);
      return n.client.call('CLUSTER', 'ADDSLOTS', ...slots).then(
        () => null,
        (e: unknown) => replyError(n, e),
      );
    }),
  );
  const slotError = addSlots.find((c) => c !== null);
  if (slotError) {
    log.emit(slotError);
    return done(1);
  }
  log.emit({ kind: 'create-configured' });
  // Replies are ignored, as redis-cli does (a node may already have an epoch).
  await Promise.all(fresh.map((n, i) => n.client.call('CLUSTER', 'SET-CONFIG-EPOCH', i + 1).catch(() => undefined)));

  log.emit({ kind: 'create-meet' });
  const ips = await Promise.all(fresh.map((n) => resolveForMeet(n.host, opts.family)));
  const unresolved = fresh.findIndex((_, i) => ips[i] === null);
  if (unresolved >= 0) {
    log.emit({ kind: 'bad-meet-host', host: fresh[unresolved]!.host });
    return done(1);
  }
  const meets = await Promise.all(
    fresh.slice(1).map((n) =>
      n.client.call('CLUSTER', 'MEET', ...meetArgs(ips[0]!, fresh[0]!)).then(
        () => null,
        (e: unknown) => replyError(n, e),
      ),
    ),
  );
  const meetError = meets.find((c) => c !== null);
  if (meetError) {
    log.emit(meetError);
    return done(1);
  }

  // redis-cli lets gossip spread the rest, which takes seconds on a fresh cluster.
  // Once the first node knows everyone, we also introduce every node to every
  // other one: a MEET from a known node carries its slots, so the configuration
  // converges in a few cluster-cron ticks. MEETing a known node is harmless.
  const ids = nodes.map((n) => n.id);
  let introduced = false;
  const introduce = async (views: readonly JoinView[]): Promise<void> => {
    if (introduced || everyoneKnows(ids)(views.slice(0, 1)) !== true) return;
    introduced = true;
    await Promise.all(
      fresh.map((n, i) =>
        Promise.all(fresh.map((m, j) => (i === j ? undefined : n.client.call('CLUSTER', 'MEET', ...meetArgs(ips[j]!, m)).catch(() => undefined)))),
      ),
    );
  };

  const joined = await waitForJoin(
    fresh.map((n) => n.client),
    { ...opts, log, condition: everyoneKnows(ids), onPoll: introduce, rehash: dictRehashOfServers(fresh) },
  );
  if (!joined.ok) return done(1);

  const replicate = await Promise.all(
    fresh.map((n, i) => {
      const role = plan.roles[i]!;
      if (role.role !== 'replica') return null;
      return n.client.call('CLUSTER', 'REPLICATE', nodes[role.master]!.id).then(
        () => null,
        (e: unknown) => replyError(n, e),
      );
    }),
  );
  const replicateErrors = replicate.filter((c): c is ReplyErrorEvent => c !== null);
  log.emit(...replicateErrors);

  const session = await openCluster(fresh[0]!.host, fresh[0]!.port, opts);
  session.close();
  const check = checkCluster(session.topology);
  log.emit(loadEvent(session.topology), { kind: 'check', topology: session.topology, result: check });
  return done(replicateErrors.length === 0 && check.ok ? 0 : 1, { topology: session.topology, check });
}
