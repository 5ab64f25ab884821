/**
 * `import HOST:PORT --cluster-from SRC` (spec §3.11, §4.15): move (or copy)
 * every key of a standalone server into the cluster.
 *
 * Like redis-cli: check the cluster first, refuse a cluster node as source,
 * SCAN the source and MIGRATE each key to the master owning its slot, COPY /
 * REPLACE as asked, keys (and their TTLs) moved by the source itself. Unlike
 * redis-cli, keys are batched: MIGRATE … KEYS with up to `batchKeys` keys per
 * target master, several MIGRATEs pipelined while the SCAN goes on. The
 * source is not in cluster mode, so it never answers CROSSSLOT and sends each
 * key to the target as its own RESTORE: a batch may mix the slots of one
 * master (should a server refuse that, the batch is split by slot). Passwords
 * are sent as arguments (spaces and `%` work) and the source may use TLS.
 *
 * Without REPLACE, a key that already exists in the cluster stops the import
 * with its name; every other key is either in the cluster or still in the
 * source.
 */
import { checkCluster, type CheckResult } from '../check/check';
import { keyHashSlot } from '../data/keySlot';
import type { DataEvent, DataProgress } from '../data/events';
import { EngineError, toEngineError } from '../model/errors';
import type { ClusterNode, Topology } from '../model/types';
import { classifyMigrateError, groupBySlot, migrateHead } from '../data/migrateCommand';
import { BoundedWriter } from '../exec/boundedWriter';
import type { NodeClient, PipelineResult } from '../exec/nodeClient';
import { clockSleep, systemClock, type Clock } from '../exec/port';
import { slotOwnerTable } from '../model/slotOwners';
import { connectNode } from '../io/connection';
import { openCluster, type LoadOptions } from '../io/loader';
import { resolveAddress, type ConnectionOptions } from '../io/options';
import { parseInfo } from '../parse/info';
import { DataProgressEmitter } from './dataOutput';
import { errorText, EventLog, loadEvent, type ClusterCheckEvent, type LoadEvent, type OpEntry, type OpHooks, type OpReport } from './opOutput';

/** What import reports, in order (render/dataText.ts prints it); its progress goes to onProgress. */
export type ImportEvent =
  | LoadEvent
  | ClusterCheckEvent
  | { readonly kind: 'import-start'; readonly src: string; readonly entry: string }
  | { readonly kind: 'import-source-auth-failed'; readonly error: string }
  | { readonly kind: 'import-source-connect-failed'; readonly src: string; readonly reason: string; readonly tls: boolean }
  | { readonly kind: 'import-source-reply-error'; readonly src: string; readonly error: string }
  | { readonly kind: 'import-source-is-cluster' }
  | { readonly kind: 'import-key-count'; readonly keys: number }
  /** One MIGRATE's keys, moved (streamed to onEvent only, never kept in the report: a big import has millions). */
  | { readonly kind: 'import-migrated'; readonly keys: readonly string[]; readonly addr: string }
  /** `key`: the first key of the failed MIGRATE, when there is one. */
  | { readonly kind: 'import-migrate-failed'; readonly key: string | null; readonly addr: string; readonly src: string; readonly error: string };

/** `host`/`port`: any node of the cluster. */
export interface ImportOptions extends LoadOptions, OpHooks<ImportEvent>, OpEntry {
  /** The standalone source server. */
  readonly from: { readonly host: string; readonly port: number };
  /** How to reach the source: user/password (--cluster-from-user/-pass), TLS (rcm only), connect timeout. */
  readonly source?: ConnectionOptions;
  /** Keep the keys in the source (MIGRATE … COPY). */
  readonly copy?: boolean;
  /** Overwrite keys that exist in the cluster (MIGRATE … REPLACE). */
  readonly replace?: boolean;
  /** MIGRATE timeout in ms (--cluster-timeout, default 60000). */
  readonly timeoutMs?: number;
  /** Keys per MIGRATE command (default 1000). */
  readonly batchKeys?: number;
  /** SCAN COUNT (default 1000, as redis-cli). */
  readonly scanCount?: number;
  /** MIGRATE commands in flight on the source connection (default 4). */
  readonly maxInFlight?: number;
  /** redis-cli's `Migrating «key» to «addr»: OK` line per key (default true). */
  readonly printKeys?: boolean;
  /** Progress, batches, retries and busy keys as they happen. */
  readonly onProgress?: (e: DataEvent) => void;
  /** Stop after the batches in flight (nothing is lost: each key is in the source or in the cluster). */
  readonly signal?: AbortSignal;
  /** Time (batch durations, retry back-off); the system's by default. */
  readonly clock?: Clock;
}

/** `events`: all but the per-key ones (import-migrated, streamed to onEvent only). */
export interface ImportReport extends OpReport<ImportEvent> {
  readonly topology?: Topology;
  readonly check?: CheckResult;
  readonly status: 'done' | 'failed' | 'cancelled';
  readonly progress: DataProgress;
  /** Keys that already existed in the cluster and stopped the import (without --cluster-replace). */
  readonly conflicts: readonly string[];
  /** Keys left in the source at the end (DBSIZE), when it was asked. */
  readonly remainingInSource?: number;
}

const BUSYKEY_REPLY = 'ERR Target instance replied with error: BUSYKEY Target key name already exists.';

interface Target {
  readonly node: ClusterNode;
  readonly addr: string;
  /** Where the source connects to (announced address, through the address map). */
  readonly host: string;
  readonly port: number;
  readonly client: NodeClient;
  buffer: Buffer[];
  /** The keys of `buffer` (latin1): SCAN may return a key twice, and a key twice in one MIGRATE fails with BUSYKEY. */
  inBuffer: Set<string>;
}

/** An EXISTS reply of 1. */
function isOne(r: PipelineResult): boolean {
  return r.ok && Number(r.value) > 0;
}

function sameDump(a: PipelineResult, b: PipelineResult): boolean {
  return a.ok && b.ok && Buffer.isBuffer(a.value) && Buffer.isBuffer(b.value) && a.value.equals(b.value);
}

class ImportStop extends Error {
  constructor(
    readonly error: EngineError,
    readonly conflicts: readonly string[] = [],
  ) {
    super(error.message);
  }
}

export async function runImport(opts: ImportOptions): Promise<ImportReport> {
  const { host, port } = opts;
  const log = new EventLog(opts.onEvent);
  const clock = opts.clock ?? systemClock;
  const progress = new DataProgressEmitter('import', () => clock.now(), opts.onProgress);
  const src = `${opts.from.host}:${opts.from.port}`;
  const fail = (error: EngineError, extra: Partial<ImportReport> = {}): ImportReport => {
    progress.emit({ type: 'error', error: error.toJSON() });
    return { status: 'failed', progress: progress.snapshot(), conflicts: [], error: error.toJSON(), events: log.events, exitCode: 1, ...extra };
  };

  log.emit({ kind: 'import-start', src, entry: `${host}:${port}` });
  const session = await openCluster(host, port, opts);
  let source: NodeClient | undefined;
  try {
    const { topology } = session;
    const check = checkCluster(topology);
    log.emit(loadEvent(topology), { kind: 'check', topology, result: check });
    if (!check.ok) {
      return fail(new EngineError({ code: 'cluster-not-ok', message: 'The cluster check found problems: fix them (rcm fix) before importing.' }), {
        topology,
        check,
      });
    }

    // The source: plain connection, own credentials, AUTH errors in redis-cli's words.
    try {
      source = await connectNode(opts.from.host, opts.from.port, { ...opts.source, addressMap: opts.addressMap });
    } catch (e) {
      const ee = toEngineError(e, src);
      if (ee.code === 'auth-failed' || ee.code === 'reply-error') log.emit({ kind: 'import-source-auth-failed', error: ee.detail ?? ee.message });
      else log.emit({ kind: 'import-source-connect-failed', src, reason: ee.detail ?? ee.message, tls: ee.code === 'tls-failed' });
      // The hints name the cluster's TLS options; the source has its own.
      const hint = ee.message.replace(/--(tls|cacert|cert|key|sni|insecure)\b/g, '--cluster-from-$1');
      return fail(new EngineError({ code: ee.code, node: src, cause: ee.detail, message: `Cannot use the import source ${src}: ${hint}` }), {
        topology,
        check,
      });
    }
    let info: Record<string, string>;
    let dbsize: number;
    try {
      info = parseInfo(String(await source.call('INFO')));
    } catch (e) {
      log.emit({ kind: 'import-source-reply-error', src, error: errorText(e) });
      return fail(
        new EngineError({
          code: toEngineError(e, src).code,
          node: src,
          cause: errorText(e),
          message: `The import source ${src} replied with an error: ${errorText(e)}`,
        }),
        { topology, check },
      );
    }
    if (info.cluster_enabled === '1') {
      log.emit({ kind: 'import-source-is-cluster' });
      return fail(
        new EngineError({
          code: 'source-is-cluster',
          node: src,
          message: `The import source ${src} is a cluster node; import reads a standalone server (to move keys between clusters, back one up and restore it).`,
        }),
        { topology, check },
      );
    }
    try {
      dbsize = Number(await source.call('DBSIZE'));
    } catch (e) {
      log.emit({ kind: 'import-source-reply-error', src, error: errorText(e) });
      return fail(
        new EngineError({ code: 'reply-error', node: src, cause: errorText(e), message: `The import source ${src} replied with an error: ${errorText(e)}` }),
        { topology, check },
      );
    }
    log.emit({ kind: 'import-key-count', keys: dbsize });
    progress.counter.keysTotal = dbsize;

    const result = await importKeys(topology, session.clients, source, src, opts, log, progress, clock);
    let remainingInSource: number | undefined;
    if (!opts.copy) remainingInSource = Number(await source.call('DBSIZE').catch(() => NaN));
    const snap = progress.snapshot();
    if (result.stop) {
      progress.emit({ type: 'error', error: result.stop.error.toJSON() });
      return {
        topology,
        check,
        status: 'failed',
        progress: snap,
        conflicts: result.stop.conflicts,
        remainingInSource,
        error: result.stop.error.toJSON(),
        events: log.events,
        exitCode: 1,
      };
    }
    if (result.cancelled) {
      progress.emit({ type: 'cancelled', progress: snap });
      return {
        topology,
        check,
        status: 'cancelled',
        progress: snap,
        conflicts: [],
        remainingInSource,
        error: new EngineError({
          code: 'cancelled',
          message: `Import cancelled after ${snap.keysMoved} keys; the other keys are still in the source.`,
        }).toJSON(),
        events: log.events,
        exitCode: 1,
      };
    }
    progress.emit({ type: 'data-finished', progress: snap });
    return { topology, check, status: 'done', progress: snap, conflicts: [], remainingInSource, events: log.events, exitCode: 0 };
  } finally {
    source?.close();
    session.close();
  }
}

/**
 * SCANs the source and MIGRATEs every key to the master owning its slot, in batches per master, at most
 * `maxInFlight` MIGRATEs in flight on the source connection. Exported for the unit tests on a fake node.
 */
export async function importKeys(
  topology: Topology,
  clients: ReadonlyMap<string, NodeClient>,
  source: NodeClient,
  src: string,
  opts: Omit<ImportOptions, keyof OpEntry>,
  log: EventLog<ImportEvent>,
  progress: DataProgressEmitter,
  clock: Clock = systemClock,
): Promise<{ stop?: ImportStop; cancelled?: boolean }> {
  const batchKeys = Math.max(1, opts.batchKeys ?? 1000);
  const scanCount = Math.max(1, opts.scanCount ?? 1000);
  const printKeys = opts.printKeys !== false;
  const copy = opts.copy === true;
  const replace = opts.replace === true;
  const flags = { timeoutMs: opts.timeoutMs ?? 60000, copy, user: opts.user, password: opts.password };

  const { owner, targets } = slotOwnerTable<Target>(topology, (n) => {
    const client = clients.get(n.id);
    if (!client) return undefined;
    const reach = opts.addressMap?.[`${n.announcedHost}:${n.port}`]
      ? resolveAddress(n.announcedHost, n.port, opts.addressMap)
      : { host: n.announcedHost, port: n.port };
    return { node: n, addr: `${n.host}:${n.port}`, host: reach.host, port: reach.port, client, buffer: [], inBuffer: new Set() };
  });
  progress.emit({ type: 'data-started', op: 'import', keysTotal: progress.counter.keysTotal, targets: targets.length });

  const seen = copy && !replace ? new Set<string>() : null;
  const writer = new BoundedWriter<ImportStop>(Math.max(1, opts.maxInFlight ?? 4), (e) =>
    e instanceof ImportStop ? e : new ImportStop(e instanceof EngineError ? e : new EngineError({ code: 'migration-failed', node: src, message: String(e) })),
  );

  const conflictStop = (t: Target, conflicts: readonly Buffer[], detail: string): ImportStop => {
    const names = conflicts.map((k) => k.toString());
    log.emit({ kind: 'import-migrate-failed', key: conflicts[0]?.toString() ?? null, addr: t.addr, src, error: BUSYKEY_REPLY });
    progress.emit({ type: 'busy-keys', op: 'import', targetId: t.node.id, keys: names, action: 'refused' });
    const shown =
      names
        .slice(0, 10)
        .map((n) => `"${n}"`)
        .join(', ') + (names.length > 10 ? `, … (${names.length - 10} more)` : '');
    const what = names.length === 1 ? `Key ${shown} already exists` : `Keys ${shown} already exist`;
    return new ImportStop(
      new EngineError({
        code: 'busy-key',
        node: t.addr,
        cause: detail,
        message: `${what} in the cluster (on ${t.addr}); the import stopped there. Run again with --cluster-replace to overwrite existing keys, or remove them first. Every other key is either in the cluster or still in the source.`,
      }),
      names,
    );
  };

  const succeeded = (t: Target, keys: readonly Buffer[], ms: number): void => {
    progress.counter.keysMoved += keys.length;
    if (printKeys && log.listened) log.stream({ kind: 'import-migrated', keys: keys.map((k) => k.toString()), addr: t.addr });
    progress.emit({ type: 'batch', op: 'import', targetId: t.node.id, keys: keys.length, ms });
    progress.tick();
  };

  const dumps = (client: NodeClient, keys: readonly Buffer[]) =>
    client.pipeline(
      keys.map((k) => ['DUMP', k] as const),
      { buffers: true },
    );

  /** BUSYKEY: keys that failed stay in the source (the others were moved); in COPY mode every key stays. */
  const busyKey = async (t: Target, keys: Buffer[], attempt: number, text: string, t0: number): Promise<void> => {
    let conflicts: Buffer[] = keys;
    if (!copy) {
      const res = await source.pipeline(keys.map((k) => ['EXISTS', k] as const));
      conflicts = keys.filter((_, i) => isOne(res[i]!));
      const moved = keys.filter((k) => !conflicts.includes(k));
      if (moved.length > 0) succeeded(t, moved, clock.now() - t0);
      if (attempt > 0 && conflicts.length > 0) {
        // After an IOERR the target may hold keys the source could not delete: those are
        // our own copies (same DUMP on both sides) and are replaced; any other value is a conflict.
        const [mine, theirs] = await Promise.all([dumps(source, conflicts), dumps(t.client, conflicts)]);
        const ours = conflicts.filter((_, i) => sameDump(mine[i]!, theirs[i]!));
        const others = conflicts.filter((k) => !ours.includes(k));
        if (others.length > 0) throw conflictStop(t, others, text);
        const t1 = clock.now();
        await source.call('MIGRATE', ...migrateHead(t, flags, true), ...ours);
        succeeded(t, ours, clock.now() - t1);
        return;
      }
    } else {
      // A key written into the cluster after the pre-check: name the keys whose values differ.
      const [mine, theirs] = await Promise.all([dumps(source, keys), dumps(t.client, keys)]);
      conflicts = keys.filter((_, i) => !sameDump(mine[i]!, theirs[i]!));
    }
    throw conflictStop(t, conflicts.length > 0 ? conflicts : keys, text);
  };

  const migrate = async (t: Target, keys: Buffer[], attempt: number): Promise<void> => {
    if (seen && attempt === 0) {
      // COPY without REPLACE: MIGRATE would copy the other keys of the batch and then fail
      // without saying which key exists; look first, so the conflicting key can be named.
      const res = await t.client.pipeline(keys.map((k) => ['EXISTS', k] as const));
      const existing = keys.filter((_, i) => isOne(res[i]!));
      const failed = res.find((r) => !r.ok);
      if (failed && !failed.ok)
        throw new ImportStop(
          new EngineError({ code: 'reply-error', node: t.addr, cause: failed.error, message: `EXISTS on ${t.addr} failed: ${failed.error}` }),
        );
      if (existing.length > 0) throw conflictStop(t, existing, 'BUSYKEY');
    }
    const t0 = clock.now();
    let reply: unknown;
    try {
      // A COPY retry replaces what the failed attempt copied.
      reply = await source.call('MIGRATE', ...migrateHead(t, flags, replace || (copy && attempt > 0)), ...keys);
    } catch (e) {
      const text = errorText(e);
      switch (classifyMigrateError(text, keys, attempt)) {
        case 'busy-key':
          return busyKey(t, keys, attempt, text, t0);
        case 'split-by-slot':
          // A standalone source sends each key as its own RESTORE, so batches may mix the slots of
          // one master; should a server refuse that, fall back to one MIGRATE per slot.
          await Promise.all(groupBySlot(keys).map((g) => migrate(t, g, attempt)));
          return;
        case 'retry':
          progress.emit({ type: 'retry', op: 'import', targetId: t.node.id, reason: text, attempt: attempt + 1 });
          await clockSleep(clock, 100 * (attempt + 1));
          return migrate(t, keys, attempt + 1);
        case 'fatal':
          log.emit({ kind: 'import-migrate-failed', key: keys[0]?.toString() ?? null, addr: t.addr, src, error: text });
          throw new ImportStop(
            new EngineError({
              code: toEngineError(e).code === 'connection-lost' ? 'connection-lost' : 'migration-failed',
              node: src,
              cause: text,
              message: `MIGRATE of ${keys.length} key(s) from ${src} to ${t.addr} failed: ${text}`,
            }),
          );
      }
    }
    if (reply !== 'OK' && reply !== 'NOKEY') {
      throw new ImportStop(new EngineError({ code: 'invalid-reply', node: src, cause: String(reply), message: `MIGRATE on ${src} answered ${String(reply)}` }));
    }
    succeeded(t, keys, clock.now() - t0);
  };

  const dispatch = async (t: Target): Promise<void> => {
    if (t.buffer.length === 0) return;
    const keys = t.buffer;
    t.buffer = [];
    t.inBuffer.clear();
    await writer.submit(() => migrate(t, keys, 0));
  };

  let cursor = '0';
  let cancelled = false;
  try {
    do {
      if (opts.signal?.aborted) {
        cancelled = true;
        break;
      }
      const [res] = await source.pipeline([['SCAN', cursor, 'COUNT', scanCount]], { buffers: true });
      if (!res!.ok) {
        log.emit({ kind: 'import-source-reply-error', src, error: res!.error });
        writer.stop(new ImportStop(new EngineError({ code: 'reply-error', node: src, cause: res!.error, message: `SCAN on ${src} failed: ${res!.error}` })));
        break;
      }
      const [next, keys] = res!.value as [Buffer, Buffer[]];
      cursor = next.toString();
      progress.counter.keysScanned += keys.length;
      for (const key of keys) {
        const id = key.toString('latin1');
        if (seen) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        const t = owner[keyHashSlot(key)];
        if (!t) continue; // cannot happen after a passing check (every slot covered)
        if (t.inBuffer.has(id)) continue;
        t.inBuffer.add(id);
        t.buffer.push(key);
        if (t.buffer.length >= batchKeys) await dispatch(t);
        if (writer.stopped) break;
      }
      if (writer.stopped) break;
    } while (cursor !== '0');
    if (!writer.stopped && !cancelled) for (const t of targets) await dispatch(t);
  } finally {
    await writer.drain();
  }
  progress.tick(true);
  return { stop: writer.stopped, cancelled };
}
