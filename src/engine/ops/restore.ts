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
import { renderCheck, renderLoadMessages } from '../render/checkText';
import { renderRestoreDone, renderRestoreExisting, renderRestoreFileChecked, renderRestoreSkipped, renderRestoreStart } from '../render/dataText';
import { err, out } from '../render/output';
import { backupFiles, rdbFailure, verifyFile, type RestoreFileReport } from './backupFiles';
import { DataLog, DataProgressEmitter } from './dataOutput';
import type { TextOpHooks, TextOpReport } from './opOutput';
import { restoreKeys, type RestoreCounts } from './restoreKeys';

export { backupFiles, type RestoreFileReport } from './backupFiles';

export interface RestoreOptions extends LoadOptions, TextOpHooks {
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
  /** Time (expiry of keys, batch durations); the system's by default. */
  readonly clock?: Clock;
}

export interface RestoreReport extends TextOpReport {
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

export async function runRestore(host: string, port: number, dir: string, opts: RestoreOptions = {}): Promise<RestoreReport> {
  const log = new DataLog(opts.onOutput);
  const clock = opts.clock ?? systemClock;
  const startedAt = clock.now();
  const progress = new DataProgressEmitter('restore', () => clock.now(), opts.onEvent);
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
      output: log.chunks,
      exitCode: status === 'done' ? 0 : 1,
    };
  };
  const failed = (e: EngineError): RestoreReport => {
    log.emit(err(`[ERR] ${e.message}\n`));
    return report('failed', e);
  };

  log.emit(renderRestoreStart(dir, `${host}:${port}`));
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
    log.emit(...renderLoadMessages(topology), ...renderCheck(topology, check));
    if (!check.ok) {
      log.emit(err(`*** Please fix your cluster problems before restoring\n`));
      return report(
        'failed',
        new EngineError({ code: 'cluster-not-ok', message: 'The cluster check found problems: fix them (rcm fix) before restoring into it.' }),
      );
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
        log.emit(out('*** Restore not confirmed: nothing was written.\n', 'warn'));
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
      log.emit(
        out(
          `>>> Function libraries: ${written.functionCodes.size} in the backup, loaded ${functions.loaded} time(s) on ${written.masters.length} master(s)${functions.existing ? `, ${functions.existing} already present (left untouched)` : ''}.\n`,
          'info',
        ),
      );
    }

    for (const [name, n] of Object.entries(counts.skippedModules)) {
      log.emit(renderRestoreSkipped(`${n} key(s) of module type '${name}' were not restored (load the module and restore them from the RDB by other means).`));
    }
    if (counts.expired > 0) log.emit(renderRestoreSkipped(`${counts.expired} key(s) had expired and were not restored.`));
    log.emit(...renderRestoreExisting(counts.existing, counts.existingKeys.slice(0, 20)));
    log.emit(renderRestoreDone(counts.restored, files.length, (clock.now() - startedAt) / 1000));
    return report('done');
  } finally {
    session.close();
  }
}
