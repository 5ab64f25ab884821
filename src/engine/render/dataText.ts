/**
 * What import, backup and restore print: redis-cli's lines for import and
 * backup (spec §3.11, §3.12, §4.15, §4.16), rcm's own for restore, and the
 * nodes.json of a backup. Pure.
 */
import { normalizeRanges } from '../model/slots';
import type { ClusterNode, Topology } from '../model/types';
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

/** `«dir»` + `/` unless it ends with one + name (redis-cli's path building). */
export function backupPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/** redis-node-«ip»-«port»-«id».rdb (valkey-node-… for Valkey). */
export function backupFileName(node: Pick<ClusterNode, 'host' | 'port' | 'id'> & { readonly stats?: ClusterNode['stats'] }): string {
  const prefix = node.stats?.serverName === 'valkey' ? 'valkey' : 'redis';
  return `${prefix}-node-${node.host}-${node.port}-${node.id}.rdb`;
}

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

/**
 * nodes.json in redis-cli's layout (`[\n` + objects joined by `,\n` + `\n]`,
 * no final newline), with every string properly JSON-escaped.
 */
export function renderNodesJson(topology: Topology, clusterErrors: number): string {
  const q = (s: string): string => JSON.stringify(s);
  const objects = topology.nodes.map((n) => {
    const slots = normalizeRanges(n.slots)
      .map((r) => (r.start === r.end ? `[${r.start}]` : `[${r.start},${r.end}]`))
      .join(',');
    let o = '  {\n';
    o += `    "name": ${q(n.id)},\n`;
    o += `    "host": ${q(n.host)},\n`;
    o += `    "port": ${n.port},\n`;
    o += `    "replicate": ${n.masterId ? q(n.masterId) : 'null'},\n`;
    o += `    "slots": [${slots}],\n`;
    o += `    "slots_count": ${n.slotCount},\n`;
    o += `    "flags": ${q(n.flags.filter((f) => f !== 'myself').join(','))},\n`;
    o += `    "current_epoch": ${n.configEpoch}`;
    if (clusterErrors > 0) o += `,\n    "cluster_errors": ${clusterErrors}`;
    if (n.migrating.length > 0) o += `,\n    "migrating": {${n.migrating.map((m) => `${q(String(m.slot))}: ${q(m.peerId)}`).join(',')}}`;
    if (n.importing.length > 0) o += `,\n    "importing": {${n.importing.map((m) => `${q(String(m.slot))}: ${q(m.peerId)}`).join(',')}}`;
    return `${o}\n  }`;
  });
  return `[\n${objects.join(',\n')}\n]`;
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
