/**
 * `backup HOST:PORT DIR` (spec §3.12, §4.16): check the cluster, fetch every
 * master's RDB through the replication handshake (masters in parallel) and
 * save redis-cli's nodes.json.
 *
 * Differences from redis-cli, all on the side of safety: the directory is
 * checked before anything is transferred; each RDB goes to a temporary file
 * that is fsynced, verified (parsed to the end, CRC64 checked, keys counted)
 * and only then renamed over `redis-node-HOST-PORT-ID.rdb`, so a failed backup
 * never leaves a half-written file behind under a backup's name (and never
 * the stale tail of an older, longer file); nodes.json is written the same
 * way, only once every RDB is in place, with properly escaped strings; a
 * master that cannot be reached makes the backup fail instead of being left
 * out silently.
 */
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkCluster, type CheckResult } from '../check/check';
import type { DataEvent, DataProgress } from '../data/events';
import { readRdbFile } from '../io/rdbFile';
import { RdbError } from '../data/rdbCursor';
import { EngineError, toEngineError } from '../model/errors';
import type { ClusterNode, Topology } from '../model/types';
import { openCluster, type LoadOptions } from '../io/loader';
import { strerror, syncRdbToFile, type SyncFraming } from '../io/replicationSync';
import { backupFileName, backupPath, nodesJsonText } from '../data/backupLayout';
import { DataProgressEmitter } from './dataOutput';
import { EventLog, loadEvent, type ClusterCheckEvent, type LoadEvent, type OpEntry, type OpHooks, type OpReport } from './opOutput';

/** One master's transfer, as redis-cli prints it (the blocks come in node-list order). */
export type BackupNodeEvent =
  | { readonly kind: 'backup-saving-rdb'; readonly addr: string }
  /** `length`: null for a diskless (EOF-marked) transfer. */
  | { readonly kind: 'backup-sync-started'; readonly file: string; readonly length: number | null }
  | { readonly kind: 'backup-sync-finished'; readonly eofBytes: number | null }
  /** `addr`: set when the message does not name the node itself. */
  | { readonly kind: 'backup-node-failed'; readonly message: string; readonly addr?: string };

/** What backup reports, in order (render/dataText.ts prints it); its progress goes to onProgress. */
export type BackupEvent =
  | LoadEvent
  | ClusterCheckEvent
  | BackupNodeEvent
  /** The directory cannot take the backup, or the files could not be moved into place. */
  | { readonly kind: 'backup-failed'; readonly message: string }
  | { readonly kind: 'backup-masters-missing'; readonly message: string }
  | { readonly kind: 'backup-saving-config'; readonly path: string }
  | { readonly kind: 'backup-config-failed'; readonly path: string }
  | { readonly kind: 'backup-problems' }
  | { readonly kind: 'backup-done'; readonly dir: string };

export interface BackupOptions extends LoadOptions, OpHooks<BackupEvent>, OpEntry {
  /** The directory to write the backup into. */
  readonly dir: string;
  /** Fail a transfer when the master sends nothing for this long (default 60000 ms; keep-alives count). */
  readonly idleTimeoutMs?: number;
  /** Ask for diskless transfers (REPLCONF capa eof; used when the masters have repl-diskless-sync yes). Default off, as redis-cli. */
  readonly diskless?: boolean;
  /** Progress and each master's transfer as they happen. */
  readonly onProgress?: (e: DataEvent) => void;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

export interface BackupFile {
  readonly nodeId: string;
  readonly addr: string;
  /** Final path of the RDB file. */
  readonly file: string;
  readonly bytes: number;
  /** Keys in the file (counted by reading it back). */
  readonly keys: number;
  readonly framing: 'length' | 'eof';
  /** RDB version of the file. */
  readonly rdbVersion: number;
}

export interface BackupReport extends OpReport<BackupEvent> {
  readonly topology?: Topology;
  readonly check?: CheckResult;
  readonly dir: string;
  readonly files: readonly BackupFile[];
  /** Path of nodes.json once written. */
  readonly nodesJson?: string;
  readonly progress: DataProgress;
}

/** Verifies that `dir` is a directory we can create files in (by creating one). */
async function checkWritableDir(dir: string): Promise<void> {
  let st;
  try {
    st = await fsp.stat(dir);
  } catch (e) {
    throw new EngineError({ code: 'file-error', cause: strerror(e), message: `Cannot write the backup into '${dir}': ${strerror(e)}.` });
  }
  if (!st.isDirectory()) {
    throw new EngineError({ code: 'file-error', cause: 'Not a directory', message: `Cannot write the backup into '${dir}': Not a directory.` });
  }
  try {
    await fsp.access(dir, constants.W_OK);
    const probe = await fsp.mkdtemp(join(dir, '.rcm-backup-probe-'));
    await fsp.rm(probe, { recursive: true, force: true });
  } catch (e) {
    throw new EngineError({ code: 'file-error', cause: strerror(e), message: `Cannot write the backup into '${dir}': ${strerror(e)}.` });
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  await fh.sync().catch(() => undefined);
  await fh.close().catch(() => undefined);
}

/** Reads a received RDB back: complete, CRC64 right; returns its key count and version. */
async function verifyRdb(path: string, shownAs: string, signal?: AbortSignal): Promise<{ keys: number; version: number }> {
  let keys = 0;
  try {
    const it = readRdbFile(path, { signal });
    for (;;) {
      const r = await it.next();
      if (r.done) return { keys, version: r.value.version };
      if (r.value.kind === 'key') keys++;
    }
  } catch (e) {
    if (e instanceof RdbError) {
      throw new EngineError({ code: 'rdb-corrupt', cause: e.message, message: `The RDB received for '${shownAs}' is not valid (${e.kind}): ${e.message}` });
    }
    throw e;
  }
}

interface NodeResult {
  readonly node: ClusterNode;
  readonly file: string;
  readonly tmp: string;
  readonly framing: SyncFraming;
  readonly bytes: number;
  readonly keys: number;
  readonly version: number;
}

export async function runBackup(opts: BackupOptions): Promise<BackupReport> {
  const { host, port, dir } = opts;
  const log = new EventLog(opts.onEvent);
  const now = opts.now ?? Date.now;
  const progress = new DataProgressEmitter('backup', now, opts.onProgress);
  const failed = (e: EngineError, extra: Partial<BackupReport> = {}): BackupReport => {
    progress.emit({ type: 'error', error: e.toJSON() });
    return { dir, files: [], progress: progress.snapshot(), error: e.toJSON(), events: log.events, exitCode: 1, ...extra };
  };

  try {
    await checkWritableDir(dir);
  } catch (e) {
    log.emit({ kind: 'backup-failed', message: (e as Error).message });
    return failed(toEngineError(e, undefined, 'file-error'));
  }

  const session = await openCluster(host, port, opts);
  session.close(); // the transfers use their own raw sockets
  const { topology } = session;
  const check = checkCluster(topology);
  log.emit(loadEvent(topology), { kind: 'check', topology, result: check });
  const clusterErrors = check.ok ? 0 : check.findings.length;
  const masters = topology.nodes.filter((n) => n.role === 'master');
  const missing = topology.skipped.filter((s) => s.role === 'master');
  if (missing.length > 0) {
    const list = missing.map((s) => `${s.host}:${s.port}`).join(', ');
    const e = new EngineError({
      code: 'unreachable',
      node: list,
      message: `Master(s) ${list} could not be loaded: a backup now would miss their keys. Bring them back (or fail them over) first.`,
    });
    log.emit({ kind: 'backup-masters-missing', message: e.message });
    return failed(e, { topology, check });
  }

  progress.emit({
    type: 'data-started',
    op: 'backup',
    keysTotal: masters.reduce((a, m) => a + (typeof m.dbsize === 'number' ? m.dbsize : 0), 0),
    targets: masters.length,
  });
  progress.counter.keysTotal = masters.reduce((a, m) => a + (typeof m.dbsize === 'number' ? m.dbsize : 0), 0);

  // Transfers in parallel; each master's lines are printed in node-list order as soon as they can be.
  const blocks: (BackupNodeEvent[] | null)[] = masters.map(() => null);
  let printed = 0;
  const flush = (): void => {
    while (printed < blocks.length && blocks[printed]) log.emit(...blocks[printed++]!);
  };
  const bytesByNode = new Map<string, number>();
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const runOne = async (n: ClusterNode, i: number): Promise<NodeResult> => {
    const addr = `${n.host}:${n.port}`;
    const file = backupPath(dir, backupFileName(n));
    const tmp = join(dirname(file), `.${basename(file)}.rcm-tmp`);
    const block: BackupNodeEvent[] = [{ kind: 'backup-saving-rdb', addr }];
    progress.emit({ type: 'node-started', op: 'backup', nodeId: n.id, addr, file });
    try {
      const res = await syncRdbToFile(n.host, n.port, tmp, {
        ...opts,
        idleTimeoutMs: opts.idleTimeoutMs,
        signal: controller.signal,
        onFraming: (f) => block.push({ kind: 'backup-sync-started', file, length: f.mode === 'length' ? f.length : null }),
        onBytes: (b) => {
          progress.counter.bytes += b - (bytesByNode.get(n.id) ?? 0);
          bytesByNode.set(n.id, b);
          progress.tick();
        },
      });
      const { keys, version } = await verifyRdb(tmp, file, controller.signal);
      block.push({ kind: 'backup-sync-finished', eofBytes: res.framing.mode === 'eof' ? res.bytes : null });
      progress.counter.keysMoved += keys;
      progress.counter.keysScanned += keys;
      progress.emit({ type: 'node-done', op: 'backup', nodeId: n.id, addr, file, bytes: res.bytes, keys });
      progress.tick();
      return { node: n, file, tmp, framing: res.framing, bytes: res.bytes, keys, version };
    } catch (e) {
      const ee = e instanceof EngineError ? e : new EngineError({ code: 'sync-failed', node: addr, message: String(e) });
      if (ee.code !== 'cancelled')
        block.push({ kind: 'backup-node-failed', message: ee.message, ...(ee.code === 'sync-failed' || ee.code === 'file-error' ? {} : { addr }) });
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      controller.abort(); // one failed transfer fails the backup: stop the others
      throw ee;
    } finally {
      blocks[i] = block;
      flush();
    }
  };

  const settled = await Promise.allSettled(masters.map((n, i) => runOne(n, i)));
  opts.signal?.removeEventListener('abort', onAbort);
  flush();
  const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const firstError =
    settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && !(s.reason instanceof EngineError && s.reason.code === 'cancelled')) ??
    settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (firstError) {
    await Promise.all(results.map((r) => fsp.rm(r.tmp, { force: true }).catch(() => undefined)));
    const e = toEngineError(firstError.reason, undefined, 'sync-failed');
    return failed(e, { topology, check });
  }

  // Every RDB is complete and verified: move them into place, then nodes.json.
  const files: BackupFile[] = [];
  try {
    for (const r of results) {
      await fsp.rename(r.tmp, r.file);
      files.push({
        nodeId: r.node.id,
        addr: `${r.node.host}:${r.node.port}`,
        file: r.file,
        bytes: r.bytes,
        keys: r.keys,
        framing: r.framing.mode,
        rdbVersion: r.version,
      });
    }
  } catch (e) {
    await Promise.all(results.map((r) => fsp.rm(r.tmp, { force: true }).catch(() => undefined)));
    const ee = new EngineError({ code: 'file-error', cause: strerror(e), message: `Could not move the RDB files into place in '${dir}': ${strerror(e)}` });
    log.emit({ kind: 'backup-failed', message: ee.message });
    return failed(ee, { topology, check, files });
  }
  const nodesPath = backupPath(dir, 'nodes.json');
  log.emit({ kind: 'backup-saving-config', path: nodesPath });
  const nodesTmp = join(dirname(nodesPath), '.nodes.json.rcm-tmp');
  try {
    await fsp.writeFile(nodesTmp, nodesJsonText(topology, clusterErrors), { flush: true });
    await fsp.rename(nodesTmp, nodesPath);
    await fsyncDir(dirname(nodesPath));
  } catch (e) {
    await fsp.rm(nodesTmp, { force: true }).catch(() => undefined);
    log.emit({ kind: 'backup-config-failed', path: nodesPath });
    const ee = new EngineError({ code: 'file-error', cause: strerror(e), message: `Could not save nodes to: ${nodesPath}: ${strerror(e)}` });
    return failed(ee, { topology, check, files });
  }
  if (!check.ok) log.emit({ kind: 'backup-problems' });
  log.emit({ kind: 'backup-done', dir });
  const snap = progress.snapshot();
  progress.emit({ type: 'data-finished', progress: snap });
  return { topology, check, dir, files, nodesJson: nodesPath, progress: snap, events: log.events, exitCode: 0 };
}

/** The RDB files of a backup directory (redis-node-*.rdb / valkey-node-*.rdb), sorted. */
export async function listBackupRdbFiles(dir: string): Promise<string[]> {
  return (await fsp.readdir(dir)).filter((f) => /^(redis|valkey)-node-.+\.rdb$/.test(f)).sort();
}
