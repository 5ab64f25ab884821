/**
 * What import, backup and restore print: redis-cli's lines for import and
 * backup (spec §3.11, §3.12, §4.15, §4.16), rcm's own for restore. Pure.
 */
import { err, out, type OutputChunk } from './output';

// ---------------------------------------------------------------- import

export function renderImportStart(src: string, entry: string): OutputChunk {
  return out(`>>> Importing data from ${src} to cluster ${entry}\n`, 'info');
}

export function renderImportKeyCount(n: number): OutputChunk {
  return out(`*** Importing ${n} keys from DB 0\n`, 'warn');
}

/** `Migrating «key» to «addr»: OK` for each key of a batch (one chunk per part, as redis-cli's loggers). */
export function renderMigratedKeys(keys: readonly Buffer[], addr: string): OutputChunk[] {
  const chunks: OutputChunk[] = [];
  for (const k of keys) chunks.push(out(`Migrating ${k.toString()} to ${addr}: `), out('OK\n', 'ok'));
  return chunks;
}

/** The key whose MIGRATE failed and the source's error, as redis-cli prints it. */
export function renderMigrateFailure(key: Buffer | null, addr: string, src: string, error: string): OutputChunk[] {
  return [...(key ? [out(`Migrating ${key.toString()} to ${addr}: `)] : []), out(`Source ${src} replied with error:\n${error}\n`, 'error')];
}

export function renderSourceIsCluster(): OutputChunk {
  return out('[ERR] The source node should not be a cluster node.\n', 'error');
}

export function renderSourceConnectError(src: string, reason: string): OutputChunk {
  return err(`Could not connect to Redis at ${src}: ${reason}.\n`);
}

export function renderSourceAuthFailed(error: string): OutputChunk {
  return err(`AUTH failed: ${error}\n`);
}

export function renderSourceReplyError(src: string, error: string): OutputChunk {
  return out(`Source ${src} replied with error:\n${error}\n`, 'error');
}

// ---------------------------------------------------------------- backup

export function renderSavingRdb(addr: string): OutputChunk {
  return out(`>>> Node ${addr} -> Saving RDB...\n`, 'info');
}

export function renderSyncStarted(file: string, length: number | null): OutputChunk {
  return err(
    length === null
      ? `SYNC sent to master, writing bytes of bulk transfer until EOF marker to '${file}'\n`
      : `SYNC sent to master, writing ${length} bytes to '${file}'\n`,
  );
}

export function renderSyncFinished(eofBytes: number | null): OutputChunk {
  return err(eofBytes === null ? 'Transfer finished with success.\n' : `Transfer finished with success after ${eofBytes} bytes\n`);
}

export function renderSavingConfig(path: string): OutputChunk {
  return out(`Saving cluster configuration to: ${path}\n`, 'info');
}

export function renderConfigSaveFailed(path: string): OutputChunk[] {
  // redis-cli prints the second line with its OK (green) logger.
  return [out(`Could not save nodes to: ${path}\n`, 'error'), out('[ERR] Failed to back cluster!\n', 'ok')];
}

export function renderBackupProblems(): OutputChunk {
  return out("*** Cluster seems to have some problems, please be aware of it if you're going to restore this backup.\n", 'warn');
}

export function renderBackupDone(dir: string): OutputChunk {
  return out(`[OK] Backup created into: ${dir}\n`, 'ok');
}

// ---------------------------------------------------------------- restore

export function renderRestoreStart(dir: string, entry: string): OutputChunk {
  return out(`>>> Restoring the backup in ${dir} into cluster ${entry}\n`, 'info');
}

export function renderRestoreFileChecked(file: string, keys: number, bytes: number, checksum: string): OutputChunk {
  return out(`>>> ${file}: ${keys} keys, ${bytes} bytes, checksum ${checksum}\n`, 'info');
}

export function renderRestoreSkipped(what: string): OutputChunk {
  return out(`*** ${what}\n`, 'warn');
}

export function renderRestoreExisting(count: number, sample: readonly string[]): OutputChunk[] {
  if (count === 0) return [];
  const more = count > sample.length ? `, … (${count - sample.length} more)` : '';
  return [
    out(
      `*** ${count} key(s) already exist in the cluster and were left untouched (use --cluster-replace to overwrite them): ${sample.join(', ')}${more}\n`,
      'warn',
    ),
  ];
}

export function renderRestoreDone(restored: number, files: number, seconds: number): OutputChunk {
  return out(`[OK] Restored ${restored} keys from ${files} RDB file(s) in ${seconds.toFixed(2)}s.\n`, 'ok');
}
