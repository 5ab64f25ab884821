/**
 * What import, backup and restore print: redis-cli's lines for import and
 * backup (spec §3.11, §3.12, §4.15, §4.16), rcm's own for restore. Pure.
 */
import type { BackupEvent } from '../ops/backup';
import type { ImportEvent } from '../ops/import';
import type { RestoreEvent } from '../ops/restore';
import { isSharedEvent, renderSharedEvent } from './opText';
import { err, out, type OutputChunk } from './output';

// ---------------------------------------------------------------- import

/** The key whose MIGRATE failed and the source's error, as redis-cli prints it. */
function renderMigrateFailure(key: string | null, addr: string, src: string, error: string): OutputChunk[] {
  return [...(key !== null ? [out(`Migrating ${key} to ${addr}: `)] : []), out(`Source ${src} replied with error:\n${error}\n`, 'error')];
}

/** import's events (ops/import.ts) in redis-cli's words. */
export function renderImportEvent(e: ImportEvent): OutputChunk[] {
  if (isSharedEvent(e)) return renderSharedEvent(e);
  switch (e.kind) {
    case 'import-start':
      return [out(`>>> Importing data from ${e.src} to cluster ${e.entry}\n`, 'info')];
    case 'import-source-auth-failed':
      return [err(`AUTH failed: ${e.error}\n`)];
    case 'import-source-connect-failed':
      return [err(`Could not connect to Redis at ${e.src}: ${e.tls ? `TLS error: ${e.reason}` : e.reason}.\n`)];
    case 'import-source-reply-error':
      return [out(`Source ${e.src} replied with error:\n${e.error}\n`, 'error')];
    case 'import-source-is-cluster':
      return [out('[ERR] The source node should not be a cluster node.\n', 'error')];
    case 'import-key-count':
      return [out(`*** Importing ${e.keys} keys from DB 0\n`, 'warn')];
    case 'import-migrated': {
      // `Migrating «key» to «addr»: OK` for each key (one chunk per part, as redis-cli's loggers).
      const chunks: OutputChunk[] = [];
      for (const k of e.keys) chunks.push(out(`Migrating ${k} to ${e.addr}: `), out('OK\n', 'ok'));
      return chunks;
    }
    case 'import-migrate-failed':
      return renderMigrateFailure(e.key, e.addr, e.src, e.error);
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}

// ---------------------------------------------------------------- backup

/** backup's events (ops/backup.ts) in redis-cli's words. */
export function renderBackupEvent(e: BackupEvent): OutputChunk[] {
  if (isSharedEvent(e)) return renderSharedEvent(e);
  switch (e.kind) {
    case 'backup-saving-rdb':
      return [out(`>>> Node ${e.addr} -> Saving RDB...\n`, 'info')];
    case 'backup-sync-started':
      return [
        err(
          e.length === null
            ? `SYNC sent to master, writing bytes of bulk transfer until EOF marker to '${e.file}'\n`
            : `SYNC sent to master, writing ${e.length} bytes to '${e.file}'\n`,
        ),
      ];
    case 'backup-sync-finished':
      return [err(e.eofBytes === null ? 'Transfer finished with success.\n' : `Transfer finished with success after ${e.eofBytes} bytes\n`)];
    case 'backup-node-failed':
      return [err(`${e.addr === undefined ? '' : `${e.addr}: `}${e.message}\n`)];
    case 'backup-failed':
      return [err(`${e.message}\n`)];
    case 'backup-masters-missing':
      return [err(`[ERR] ${e.message}\n`)];
    case 'backup-saving-config':
      return [out(`Saving cluster configuration to: ${e.path}\n`, 'info')];
    case 'backup-config-failed':
      // redis-cli prints the second line with its OK (green) logger.
      return [out(`Could not save nodes to: ${e.path}\n`, 'error'), out('[ERR] Failed to back cluster!\n', 'ok')];
    case 'backup-problems':
      return [out("*** Cluster seems to have some problems, please be aware of it if you're going to restore this backup.\n", 'warn')];
    case 'backup-done':
      return [out(`[OK] Backup created into: ${e.dir}\n`, 'ok')];
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}

// ---------------------------------------------------------------- restore

const skipped = (what: string): OutputChunk => out(`*** ${what}\n`, 'warn');

/** restore's events (ops/restore.ts, ops/restoreKeys.ts): rcm's own lines, redis-cli has no restore. */
export function renderRestoreEvent(e: RestoreEvent): OutputChunk[] {
  if (isSharedEvent(e)) return renderSharedEvent(e);
  switch (e.kind) {
    case 'restore-start':
      return [out(`>>> Restoring the backup in ${e.dir} into cluster ${e.entry}\n`, 'info')];
    case 'restore-failed':
      return [err(`[ERR] ${e.message}\n`)];
    case 'restore-cluster-not-ok':
      return [err('*** Please fix your cluster problems before restoring\n')];
    case 'restore-warning':
      return [skipped(e.text)];
    case 'restore-file-checked':
      return [out(`>>> ${e.file}: ${e.keys} keys, ${e.bytes} bytes, checksum ${e.checksum}\n`, 'info')];
    case 'restore-not-confirmed':
      return [out('*** Restore not confirmed: nothing was written.\n', 'warn')];
    case 'restore-other-db':
      return [skipped(`Skipping keys of database ${e.db}: a cluster has only database 0.`)];
    case 'restore-module-key':
      return [skipped(`Skipping key ${e.key}: a value of module type '${e.module}' cannot be restored without the module.`)];
    case 'restore-module-aux':
      return [skipped(`Skipping the auxiliary data of module type '${e.module}' (it can only be loaded by the module itself).`)];
    case 'restore-functions':
      return [
        out(
          `>>> Function libraries: ${e.found} in the backup, loaded ${e.loaded} time(s) on ${e.masters} master(s)${e.existing ? `, ${e.existing} already present (left untouched)` : ''}.\n`,
          'info',
        ),
      ];
    case 'restore-module-skipped':
      return [skipped(`${e.keys} key(s) of module type '${e.module}' were not restored (load the module and restore them from the RDB by other means).`)];
    case 'restore-expired':
      return [skipped(`${e.keys} key(s) had expired and were not restored.`)];
    case 'restore-existing': {
      const more = e.keys > e.sample.length ? `, … (${e.keys - e.sample.length} more)` : '';
      return [
        out(
          `*** ${e.keys} key(s) already exist in the cluster and were left untouched (use --cluster-replace to overwrite them): ${e.sample.join(', ')}${more}\n`,
          'warn',
        ),
      ];
    }
    case 'restore-done':
      return [out(`[OK] Restored ${e.restored} keys from ${e.files} RDB file(s) in ${e.seconds.toFixed(2)}s.\n`, 'ok')];
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
