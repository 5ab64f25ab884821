/**
 * `restore HOST:PORT DIR` (rcm only; redis-cli has no counterpart): load a
 * backup made by `backup` (rcm's or redis-cli's) into a cluster whose slots
 * may be laid out differently.
 *
 * 1. The directory must hold nodes.json (the masters and their RDB file
 *    names) and every RDB file it names; without nodes.json, every
 *    redis-node-*.rdb / valkey-node-*.rdb file in it is read.
 * 2. The target cluster is loaded and checked (every slot covered, none open).
 * 3. Every RDB file is read once to the end first (structure, CRC64): a
 *    truncated or corrupt file stops the restore before anything is written.
 * 4. Every key is sent to the master owning its slot as RESTORE key ttl
 *    payload [REPLACE] ABSTTL, pipelined in batches, masters in parallel. The
 *    payload is the value's bytes from the file + RDB version + CRC64, i.e.
 *    a DUMP payload. Keys already expired are skipped; module values cannot be
 *    restored without the module and are skipped with a warning; keys of
 *    databases other than 0 are skipped (a cluster has only db 0).
 * 5. Without `replace`, keys that already exist are left untouched and
 *    reported; with it, they are overwritten.
 * 6. Function libraries found in the files are loaded on every master.
 */
import { readFile, stat } from 'node:fs/promises';
import { checkCluster, type CheckResult } from '../check/check';
import { dumpPayload } from '../data/dumpPayload';
import type { DataEvent, DataProgress } from '../data/events';
import { keyHashSlot } from '../data/keySlot';
import { RdbError } from '../data/rdbCursor';
import type { RdbKeyRecord, RdbRecord } from '../data/rdbParser';
import { readRdbFile, type RdbFileInfo } from '../io/rdbFile';
import { EngineError, toEngineError, type EngineErrorData } from '../model/errors';
import { SLOT_COUNT } from '../model/slots';
import type { ClusterNode, Topology } from '../model/types';
import type { Arg, NodeClient } from '../io/connection';
import { openCluster, type LoadOptions } from '../io/loader';
import { strerror } from '../io/replicationSync';
import { renderCheck, renderLoadMessages } from '../render/checkText';
import {
  backupPath, renderRestoreDone, renderRestoreExisting, renderRestoreFileChecked, renderRestoreSkipped, renderRestoreStart,
} from '../render/dataText';
import { err, out, type OutputChunk } from '../render/output';
import { listBackupRdbFiles } from './backup';
import { DataLog, DataProgressEmitter } from './dataOutput';
import type { OpHooks } from './opOutput';

export interface RestoreOptions extends LoadOptions, OpHooks {
  /** Overwrite keys that already exist (RESTORE … REPLACE) and function libraries (FUNCTION LOAD REPLACE). */
  readonly replace?: boolean;
  /** RESTORE commands per pipeline (default 1000). */
  readonly batchKeys?: number;
  /** Payload bytes per pipeline (default 8 MiB). */
  readonly batchBytes?: number;
  /** Pipelines in flight per master (default 2). */
  readonly maxInFlight?: number;
  /** RDB files read at the same time (default 2). */
  readonly fileConcurrency?: number;
  /** Load the function libraries of the backup on every master (default true). */
  readonly functions?: boolean;
  readonly onEvent?: (e: DataEvent) => void;
  /** Stop after the batches in flight. */
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

export interface RestoreFileReport {
  readonly file: string;
  readonly bytes: number;
  readonly keys: number;
  readonly rdbVersion: number;
  readonly checksum: 'ok' | 'disabled' | 'absent';
}

export interface RestoreReport {
  readonly topology?: Topology;
  readonly check?: CheckResult;
  readonly dir: string;
  readonly files: readonly RestoreFileReport[];
  readonly status: 'done' | 'failed' | 'cancelled';
  readonly restored: number;
  /** Keys left untouched because they existed (without replace). */
  readonly existing: number;
  /** Up to 100 of them. */
  readonly existingKeys: readonly string[];
  readonly expired: number;
  /** Module values skipped, by module type name. */
  readonly skippedModules: Readonly<Record<string, number>>;
  /** Keys of databases other than 0, skipped. */
  readonly skippedOtherDbs: number;
  readonly functions: { readonly found: number; readonly loaded: number; readonly existing: number };
  readonly progress: DataProgress;
  readonly error?: EngineErrorData;
  readonly output: readonly OutputChunk[];
  readonly exitCode: 0 | 1;
}

interface NodesJsonEntry {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly replicate: string | null;
}

/** The RDB files of a backup: from nodes.json when present, else every node RDB file in the directory. */
export async function backupFiles(dir: string): Promise<{ files: string[]; warnings: string[] }> {
  let st;
  try {
    st = await stat(dir);
  } catch (e) {
    throw new EngineError({ code: 'backup-invalid', cause: strerror(e), message: `The backup directory '${dir}' cannot be read: ${strerror(e)}.` });
  }
  if (!st.isDirectory()) throw new EngineError({ code: 'backup-invalid', cause: 'Not a directory', message: `'${dir}' is not a directory.` });
  const present = await listBackupRdbFiles(dir);
  const nodesPath = backupPath(dir, 'nodes.json');
  let text: string | undefined;
  try {
    text = await readFile(nodesPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new EngineError({ code: 'backup-invalid', cause: strerror(e), message: `Cannot read ${nodesPath}: ${strerror(e)}.` });
    }
  }
  if (text === undefined) {
    if (present.length === 0) {
      throw new EngineError({ code: 'backup-invalid', message: `'${dir}' is not a backup: it has neither nodes.json nor redis-node-*.rdb files.` });
    }
    return { files: present.map((f) => backupPath(dir, f)), warnings: [`${nodesPath} is missing: restoring every RDB file of the directory (${present.length}).`] };
  }
  let entries: NodesJsonEntry[];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error('not an array');
    entries = parsed.map((o: unknown, i) => {
      const e = o as Partial<NodesJsonEntry>;
      if (!e || typeof e.name !== 'string' || typeof e.host !== 'string' || typeof e.port !== 'number') throw new Error(`entry ${i} lacks name/host/port`);
      return { name: e.name, host: e.host, port: e.port, replicate: typeof e.replicate === 'string' && e.replicate ? e.replicate : null };
    });
  } catch (e) {
    throw new EngineError({ code: 'backup-invalid', cause: (e as Error).message, message: `${nodesPath} is not a valid nodes.json: ${(e as Error).message}.` });
  }
  const masters = entries.filter((e) => e.replicate === null);
  if (masters.length === 0) throw new EngineError({ code: 'backup-invalid', message: `${nodesPath} lists no master.` });
  const files: string[] = [];
  for (const m of masters) {
    const name = [`redis-node-${m.host}-${m.port}-${m.name}.rdb`, `valkey-node-${m.host}-${m.port}-${m.name}.rdb`].find((f) => present.includes(f));
    if (!name) {
      throw new EngineError({ code: 'backup-invalid', message: `The backup is incomplete: ${nodesPath} lists master ${m.host}:${m.port} (${m.name}) but redis-node-${m.host}-${m.port}-${m.name}.rdb is not in '${dir}'.` });
    }
    files.push(backupPath(dir, name));
  }
  const extra = present.filter((f) => !files.includes(backupPath(dir, f)));
  const warnings = extra.length > 0 ? [`Ignoring RDB file(s) not listed in nodes.json: ${extra.join(', ')}.`] : [];
  return { files, warnings };
}

function rdbFailure(file: string, e: unknown): EngineError {
  if (e instanceof RdbError) {
    return new EngineError({ code: 'rdb-corrupt', cause: e.message, message: `${file} is not a valid RDB file (${e.kind} at byte ${e.offset}): ${e.message}. Nothing was restored.` });
  }
  if (e instanceof EngineError) return e;
  return new EngineError({ code: 'file-error', cause: strerror(e), message: `Cannot read ${file}: ${strerror(e)}. Nothing was restored.` });
}

/** Reads a file to the end: key count, version and checksum state. */
async function verifyFile(file: string, signal?: AbortSignal): Promise<RestoreFileReport> {
  let keys = 0;
  let checksum: RestoreFileReport['checksum'] = 'absent';
  const it = readRdbFile(file, { signal });
  for (;;) {
    const r = await it.next();
    if (r.done) return { file, bytes: r.value.size, keys, rdbVersion: r.value.version, checksum };
    if (r.value.kind === 'key') keys++;
    else if (r.value.kind === 'eof') checksum = r.value.checksum;
  }
}

interface Queue {
  readonly node: ClusterNode;
  readonly addr: string;
  readonly client: NodeClient;
  cmds: [string, ...Arg[]][];
  keys: Buffer[];
  bytes: number;
  readonly inflight: Set<Promise<void>>;
}

class RestoreStop extends Error {
  constructor(readonly error: EngineError) {
    super(error.message);
  }
}

export async function runRestore(host: string, port: number, dir: string, opts: RestoreOptions = {}): Promise<RestoreReport> {
  const log = new DataLog(opts.onOutput);
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const progress = new DataProgressEmitter('restore', now, opts.onEvent);
  const replace = opts.replace === true;
  const batchKeys = Math.max(1, opts.batchKeys ?? 1000);
  const batchBytes = Math.max(1, opts.batchBytes ?? 8 << 20);
  const maxInFlight = Math.max(1, opts.maxInFlight ?? 2);
  const fileConcurrency = Math.max(1, opts.fileConcurrency ?? 2);

  let restored = 0;
  let existing = 0;
  const existingKeys: string[] = [];
  let expired = 0;
  let skippedOtherDbs = 0;
  const skippedModules: Record<string, number> = {};
  const functions = { found: 0, loaded: 0, existing: 0 };
  let files: RestoreFileReport[] = [];
  let topology: Topology | undefined;
  let check: CheckResult | undefined;

  const report = (status: RestoreReport['status'], error?: EngineError): RestoreReport => {
    const snap = progress.snapshot();
    if (error) progress.emit({ type: 'error', error: error.toJSON() });
    else if (status === 'cancelled') progress.emit({ type: 'cancelled', progress: snap });
    else progress.emit({ type: 'data-finished', progress: snap });
    return {
      topology, check, dir, files, status, restored, existing, existingKeys, expired, skippedModules, skippedOtherDbs, functions,
      progress: snap, ...(error ? { error: error.toJSON() } : {}), output: log.chunks, exitCode: status === 'done' ? 0 : 1,
    };
  };

  log.emit(renderRestoreStart(dir, `${host}:${port}`));
  let found: { files: string[]; warnings: string[] };
  try {
    found = await backupFiles(dir);
  } catch (e) {
    log.emit(err(`[ERR] ${(e as Error).message}\n`));
    return report('failed', toEngineError(e, undefined, 'backup-invalid'));
  }

  const session = await openCluster(host, port, opts);
  try {
    topology = session.topology;
    check = checkCluster(topology);
    log.emit(...renderLoadMessages(topology), ...renderCheck(topology, check));
    if (!check.ok) {
      const e = new EngineError({ code: 'cluster-not-ok', message: 'The cluster check found problems: fix them (rcm fix) before restoring into it.' });
      log.emit(err(`*** Please fix your cluster problems before restoring\n`));
      return report('failed', e);
    }
    for (const w of found.warnings) log.emit(renderRestoreSkipped(w));

    // 1. Read every file to the end before writing anything.
    for (const file of found.files) {
      try {
        const f = await verifyFile(file, opts.signal);
        files.push(f);
        log.emit(renderRestoreFileChecked(file, f.keys, f.bytes, f.checksum));
      } catch (e) {
        if (opts.signal?.aborted) return report('cancelled');
        const ee = rdbFailure(file, e);
        log.emit(err(`[ERR] ${ee.message}\n`));
        files = [];
        return report('failed', ee);
      }
    }
    progress.counter.keysTotal = files.reduce((a, f) => a + f.keys, 0);
    progress.counter.bytesTotal = files.reduce((a, f) => a + f.bytes, 0);

    // Overwriting is the one destructive thing a restore does: ask when the cluster has keys.
    const present = topology.nodes.filter((n) => n.role === 'master').reduce((a, n) => a + (typeof n.dbsize === 'number' ? n.dbsize : 0), 0);
    if (replace && present > 0 && opts.confirm) {
      const yes = await opts.confirm(`The cluster already holds ${present} keys; with --cluster-replace every key of the backup that exists there will be overwritten. Restore?`);
      if (!yes) {
        log.emit(out('*** Restore not confirmed: nothing was written.\n', 'warn'));
        return report('failed', new EngineError({ code: 'cancelled', message: 'The restore was not confirmed; nothing was written.' }));
      }
    }

    // 2. Slot map of the target.
    const owner: (Queue | undefined)[] = new Array(SLOT_COUNT);
    const queues: Queue[] = [];
    for (const n of topology.nodes) {
      if (n.role !== 'master' || n.slotCount === 0) continue;
      const client = session.clients.get(n.id);
      if (!client) continue;
      const q: Queue = { node: n, addr: `${n.host}:${n.port}`, client, cmds: [], keys: [], bytes: 0, inflight: new Set() };
      queues.push(q);
      for (const r of n.slots) for (let s = r.start; s <= r.end; s++) owner[s] ??= q;
    }
    progress.emit({ type: 'data-started', op: 'restore', keysTotal: progress.counter.keysTotal, targets: queues.length });

    let stop: RestoreStop | undefined;
    const fileVersions = [...new Set(files.map((f) => f.rdbVersion))].join('/');
    const send = async (q: Queue, cmds: [string, ...Arg[]][], keys: Buffer[], bytes: number): Promise<void> => {
      const t0 = Date.now();
      const res = await q.client.pipeline(cmds);
      const busy: string[] = [];
      res.forEach((r, i) => {
        if (r.ok) {
          restored++;
          return;
        }
        if (r.error.startsWith('BUSYKEY')) {
          existing++;
          const name = keys[i]!.toString();
          busy.push(name);
          if (existingKeys.length < 100) existingKeys.push(name);
          return;
        }
        const hint = /payload version or checksum/i.test(r.error)
          ? ` (the backup is in RDB format version ${fileVersions}: a server older than the one that wrote it cannot load it)`
          : /Bad data format/i.test(r.error) ? ' (the server cannot load this value: was the backup written by a newer Redis?)' : '';
        stop ??= new RestoreStop(new EngineError({
          code: 'reply-error',
          node: q.addr,
          cause: r.error,
          message: `RESTORE of key ${keys[i]!.toString()} on ${q.addr} failed: ${r.error}${hint}`,
        }));
      });
      progress.counter.keysMoved = restored;
      progress.counter.keysSkipped = existing + expired + skippedOtherDbs + Object.values(skippedModules).reduce((a, b) => a + b, 0);
      if (busy.length > 0) progress.emit({ type: 'busy-keys', op: 'restore', targetId: q.node.id, keys: busy, action: 'skipped' });
      progress.emit({ type: 'batch', op: 'restore', targetId: q.node.id, keys: cmds.length, ms: Date.now() - t0, bytes });
      progress.tick();
    };
    const flush = async (q: Queue): Promise<void> => {
      if (q.cmds.length === 0) return;
      const { cmds, keys, bytes } = q;
      q.cmds = [];
      q.keys = [];
      q.bytes = 0;
      while (q.inflight.size >= maxInFlight) await Promise.race(q.inflight);
      const p: Promise<void> = send(q, cmds, keys, bytes)
        .catch((e) => {
          stop ??= new RestoreStop(e instanceof EngineError ? e : new EngineError({ code: 'reply-error', node: q.addr, message: String(e) }));
        })
        .finally(() => { q.inflight.delete(p); });
      q.inflight.add(p);
    };

    const moduleWarnings: OutputChunk[] = [];
    const functionCodes = new Map<string, Buffer>();
    const moduleAuxWarned = new Set<string>();
    let otherDbWarned = false;
    const restoreKey = async (rec: RdbKeyRecord, version: number): Promise<void> => {
      progress.counter.keysScanned++;
      if (rec.db !== 0) {
        skippedOtherDbs++;
        if (!otherDbWarned) {
          otherDbWarned = true;
          log.emit(renderRestoreSkipped(`Skipping keys of database ${rec.db}: a cluster has only database 0.`));
        }
        return;
      }
      if (rec.moduleName !== undefined) {
        skippedModules[rec.moduleName] = (skippedModules[rec.moduleName] ?? 0) + 1;
        if (moduleWarnings.length < 10) {
          moduleWarnings.push(renderRestoreSkipped(`Skipping key ${rec.key.toString()}: a value of module type '${rec.moduleName}' cannot be restored without the module.`));
          log.emit(moduleWarnings[moduleWarnings.length - 1]!);
        }
        return;
      }
      if (rec.expireMs !== null && rec.expireMs <= now()) {
        expired++;
        return;
      }
      const q = owner[keyHashSlot(rec.key)];
      if (!q) throw new RestoreStop(new EngineError({ code: 'cluster-not-ok', message: `No master owns the slot of key ${rec.key.toString()}.` }));
      const payload = dumpPayload(rec.type, rec.value, version);
      const cmd: [string, ...Arg[]] = ['RESTORE', rec.key, rec.expireMs ?? 0, payload];
      if (replace) cmd.push('REPLACE');
      if (rec.expireMs !== null) cmd.push('ABSTTL');
      if (rec.lruIdle !== null) cmd.push('IDLETIME', rec.lruIdle);
      else if (rec.lfuFreq !== null) cmd.push('FREQ', rec.lfuFreq);
      q.cmds.push(cmd);
      q.keys.push(rec.key);
      q.bytes += payload.length;
      if (q.cmds.length >= batchKeys || q.bytes >= batchBytes) await flush(q);
    };

    const readFileInto = async (f: RestoreFileReport): Promise<void> => {
      let lastRead = 0;
      const it = readRdbFile(f.file, {
        signal: opts.signal,
        onRead: (n) => {
          progress.counter.bytes += n - lastRead;
          lastRead = n;
        },
      });
      for (;;) {
        if (stop || opts.signal?.aborted) return;
        let r: IteratorResult<RdbRecord, RdbFileInfo>;
        try {
          r = await it.next();
        } catch (e) {
          if (opts.signal?.aborted) return;
          throw new RestoreStop(rdbFailure(f.file, e));
        }
        if (r.done) return;
        const rec = r.value;
        if (rec.kind === 'key') await restoreKey(rec, f.rdbVersion);
        else if (rec.kind === 'function') functionCodes.set(rec.code.toString('latin1'), rec.code);
        else if (rec.kind === 'module-aux' && !moduleAuxWarned.has(rec.moduleName)) {
          moduleAuxWarned.add(rec.moduleName);
          log.emit(renderRestoreSkipped(`Skipping the auxiliary data of module type '${rec.moduleName}' (it can only be loaded by the module itself).`));
        }
      }
    };

    const pending = [...files];
    const worker = async (): Promise<void> => {
      for (let f = pending.shift(); f && !stop; f = pending.shift()) {
        try {
          await readFileInto(f);
        } catch (e) {
          stop ??= e instanceof RestoreStop ? e : new RestoreStop(e instanceof EngineError ? e : new EngineError({ code: 'reply-error', message: String(e) }));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(fileConcurrency, files.length) }, worker));
    if (!stop && !opts.signal?.aborted) for (const q of queues) await flush(q);
    for (const q of queues) await Promise.all([...q.inflight]);
    const stopped = stop as RestoreStop | undefined;
    if (stopped) {
      log.emit(err(`[ERR] ${stopped.error.message}\n`));
      return report('failed', stopped.error);
    }
    if (opts.signal?.aborted) return report('cancelled');

    // 3. Function libraries, on every master.
    functions.found = functionCodes.size;
    if (functionCodes.size > 0 && opts.functions !== false) {
      for (const code of functionCodes.values()) {
        for (const q of queues) {
          try {
            await q.client.call('FUNCTION', 'LOAD', ...(replace ? ['REPLACE'] : []), code);
            functions.loaded++;
          } catch (e) {
            const text = e instanceof EngineError ? e.detail ?? e.message : String(e);
            if (/already exists/i.test(text)) functions.existing++;
            else {
              const ee = new EngineError({ code: 'reply-error', node: q.addr, cause: text, message: `FUNCTION LOAD on ${q.addr} failed: ${text}` });
              log.emit(err(`[ERR] ${ee.message}\n`));
              return report('failed', ee);
            }
          }
        }
      }
      log.emit(out(`>>> Function libraries: ${functionCodes.size} in the backup, loaded ${functions.loaded} time(s) on ${queues.length} master(s)${functions.existing ? `, ${functions.existing} already present (left untouched)` : ''}.\n`, 'info'));
    }

    for (const [name, n] of Object.entries(skippedModules)) {
      log.emit(renderRestoreSkipped(`${n} key(s) of module type '${name}' were not restored (load the module and restore them from the RDB by other means).`));
    }
    if (expired > 0) log.emit(renderRestoreSkipped(`${expired} key(s) had expired and were not restored.`));
    log.emit(...renderRestoreExisting(existing, existingKeys.slice(0, 20)));
    log.emit(renderRestoreDone(restored, files.length, (now() - startedAt) / 1000));
    return report('done');
  } finally {
    session.close();
  }
}
