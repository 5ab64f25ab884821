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
import { checkCluster, type CheckResult } from '../check/check';
import type { DataEvent, DataProgress } from '../data/events';
import { systemClock, type Clock } from '../exec/port';
import { openCluster, type LoadOptions } from '../io/loader';
import { EngineError, toEngineError } from '../model/errors';
import type { Topology } from '../model/types';
import { backupFiles, rdbFailure, verifyFile, type RestoreFileReport } from './backupFiles';
import { DataProgressEmitter } from './dataOutput';
import { EventLog, loadEvent, type ClusterCheckEvent, type LoadEvent, type OpEntry, type OpHooks, type OpReport } from './opOutput';
import { restoreKeys, type RestoreCounts, type RestoreKeysEvent } from './restoreKeys';

export { backupFiles, type RestoreFileReport } from './backupFiles';

/** What restore reports, in order (render/dataText.ts prints it); its progress goes to onProgress. */
export type RestoreEvent =
  | LoadEvent
  | ClusterCheckEvent
  | RestoreKeysEvent
  | { readonly kind: 'restore-start'; readonly dir: string; readonly entry: string }
  | { readonly kind: 'restore-failed'; readonly message: string }
  | { readonly kind: 'restore-cluster-not-ok' }
  /** A file of the directory left out (backupFiles' words). */
  | { readonly kind: 'restore-warning'; readonly text: string }
  | { readonly kind: 'restore-file-checked'; readonly file: string; readonly keys: number; readonly bytes: number; readonly checksum: string }
  | { readonly kind: 'restore-not-confirmed' }
  | { readonly kind: 'restore-functions'; readonly found: number; readonly loaded: number; readonly masters: number; readonly existing: number }
  | { readonly kind: 'restore-module-skipped'; readonly module: string; readonly keys: number }
  | { readonly kind: 'restore-expired'; readonly keys: number }
  /** `sample`: up to 20 of them. */
  | { readonly kind: 'restore-existing'; readonly keys: number; readonly sample: readonly string[] }
  | { readonly kind: 'restore-done'; readonly restored: number; readonly files: number; readonly seconds: number };

export interface RestoreOptions extends LoadOptions, OpHooks<RestoreEvent>, OpEntry {
  /** The backup directory. */
  readonly dir: string;
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
  /** Progress, batches and busy keys as they happen. */
  readonly onProgress?: (e: DataEvent) => void;
  /** Stop after the batches in flight. */
  readonly signal?: AbortSignal;
  /** Time (expiry of keys, batch durations); the system's by default. */
  readonly clock?: Clock;
}

export interface RestoreReport extends OpReport<RestoreEvent> {
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
}

export async function runRestore(opts: RestoreOptions): Promise<RestoreReport> {
  const { host, port, dir } = opts;
  const log = new EventLog(opts.onEvent);
  const clock = opts.clock ?? systemClock;
  const startedAt = clock.now();
  const progress = new DataProgressEmitter('restore', () => clock.now(), opts.onProgress);
  const replace = opts.replace === true;
  let counts: RestoreCounts = { restored: 0, existing: 0, existingKeys: [], expired: 0, skippedOtherDbs: 0, skippedModules: {} };
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
      topology,
      check,
      dir,
      files,
      status,
      ...counts,
      functions,
      progress: snap,
      ...(error ? { error: error.toJSON() } : {}),
      events: log.events,
      exitCode: status === 'done' ? 0 : 1,
    };
  };
  const failed = (e: EngineError): RestoreReport => {
    log.emit({ kind: 'restore-failed', message: e.message });
    return report('failed', e);
  };

  log.emit({ kind: 'restore-start', dir, entry: `${host}:${port}` });
  let found: { files: string[]; warnings: string[] };
  try {
    found = await backupFiles(dir);
  } catch (e) {
    return failed(toEngineError(e, undefined, 'backup-invalid'));
  }

  const session = await openCluster(host, port, opts);
  try {
    topology = session.topology;
    check = checkCluster(topology);
    log.emit(loadEvent(topology), { kind: 'check', topology, result: check });
    if (!check.ok) {
      log.emit({ kind: 'restore-cluster-not-ok' });
      return report(
        'failed',
        new EngineError({ code: 'cluster-not-ok', message: 'The cluster check found problems: fix them (rcm fix) before restoring into it.' }),
      );
    }
    for (const text of found.warnings) log.emit({ kind: 'restore-warning', text });

    // 1. Read every file to the end before writing anything.
    for (const file of found.files) {
      try {
        const f = await verifyFile(file, opts.signal);
        files.push(f);
        log.emit({ kind: 'restore-file-checked', file, keys: f.keys, bytes: f.bytes, checksum: f.checksum });
      } catch (e) {
        if (opts.signal?.aborted) return report('cancelled');
        files = [];
        return failed(rdbFailure(file, e));
      }
    }
    progress.counter.keysTotal = files.reduce((a, f) => a + f.keys, 0);
    progress.counter.bytesTotal = files.reduce((a, f) => a + f.bytes, 0);

    // Overwriting is the one destructive thing a restore does: ask when the cluster has keys.
    const present = topology.nodes.filter((n) => n.role === 'master').reduce((a, n) => a + (typeof n.dbsize === 'number' ? n.dbsize : 0), 0);
    if (replace && present > 0 && opts.confirm) {
      const yes = await opts.confirm(
        `The cluster already holds ${present} keys; with --cluster-replace every key of the backup that exists there will be overwritten. Restore?`,
      );
      if (!yes) {
        log.emit({ kind: 'restore-not-confirmed' });
        return report('failed', new EngineError({ code: 'cancelled', message: 'The restore was not confirmed; nothing was written.' }));
      }
    }

    // 2. The keys, to the masters owning their slots.
    const written = await restoreKeys(
      files,
      topology,
      session.clients,
      {
        replace,
        batchKeys: Math.max(1, opts.batchKeys ?? 1000),
        batchBytes: Math.max(1, opts.batchBytes ?? 8 << 20),
        maxInFlight: Math.max(1, opts.maxInFlight ?? 2),
        fileConcurrency: Math.max(1, opts.fileConcurrency ?? 2),
        signal: opts.signal,
      },
      log,
      progress,
      clock,
    );
    counts = written.counts;
    if (written.stop) return failed(written.stop);
    if (opts.signal?.aborted) return report('cancelled');

    // 3. Function libraries, on every master.
    functions.found = written.functionCodes.size;
    if (written.functionCodes.size > 0 && opts.functions !== false) {
      for (const code of written.functionCodes.values()) {
        for (const m of written.masters) {
          try {
            await m.client.call('FUNCTION', 'LOAD', ...(replace ? ['REPLACE'] : []), code);
            functions.loaded++;
          } catch (e) {
            const text = e instanceof EngineError ? (e.detail ?? e.message) : String(e);
            if (!/already exists/i.test(text))
              return failed(new EngineError({ code: 'reply-error', node: m.addr, cause: text, message: `FUNCTION LOAD on ${m.addr} failed: ${text}` }));
            functions.existing++;
          }
        }
      }
      log.emit({ kind: 'restore-functions', found: functions.found, loaded: functions.loaded, masters: written.masters.length, existing: functions.existing });
    }

    for (const [module, keys] of Object.entries(counts.skippedModules)) log.emit({ kind: 'restore-module-skipped', module, keys });
    if (counts.expired > 0) log.emit({ kind: 'restore-expired', keys: counts.expired });
    if (counts.existing > 0) log.emit({ kind: 'restore-existing', keys: counts.existing, sample: counts.existingKeys.slice(0, 20) });
    log.emit({ kind: 'restore-done', restored: counts.restored, files: files.length, seconds: (clock.now() - startedAt) / 1000 });
    return report('done');
  } finally {
    session.close();
  }
}
