/** Renders load messages, the summary and the check exactly as redis-cli 7.0 prints them. Pure. */
import type { CheckResult } from '../check/check';
import type { ClusterSummary } from '../check/summary';
import { formatRangesPlain, formatSlotRanges, rangesFromSlots } from '../model/slots';
import type { OrphanFinding } from '../check/orphans';
import { EngineError, type EngineErrorCode } from '../model/errors';
import type { CheckEvent } from '../ops/infoCheck';
import type { ClusterNode, Topology } from '../model/types';
import { formatFixed } from './cformat';
import { wordsOf } from '../model/dialect';
import { err, out, type OutputChunk } from './output';

/** What redis-cli prints while loading: connection errors and unknown-master warnings. */
export function renderLoadMessages(topology: Pick<Topology, 'skipped' | 'orphanReplicas'>): OutputChunk[] {
  const chunks: OutputChunk[] = [];
  for (const s of topology.skipped) {
    const addr = `${s.host}:${s.port}`;
    if (s.reason.kind === 'unreachable') chunks.push(...renderNodeErrorChunks(s.reason.error, addr));
    else if (s.reason.kind === 'load-failed') chunks.push(out(`[ERR] Unable to load info for node ${addr}\n`, 'error'));
  }
  for (const o of topology.orphanReplicas) {
    chunks.push(out(`*** WARNING: ${o.host}:${o.port} claims to be slave of unknown node ID ${o.masterId}.\n`, 'warn'));
  }
  return chunks;
}

/** A connection-level error in redis-cli's words and streams. */
export function renderNodeErrorChunks(e: { code: EngineErrorCode; cause?: string; message: string }, addr: string): OutputChunk[] {
  switch (e.code) {
    case 'unreachable':
    case 'dns-failed':
      return [err(`Could not connect to Redis at ${addr}: ${e.cause ?? e.message}\n`)];
    case 'tls-failed':
      return [err(`TLS Error: ${e.cause ?? e.message}\n`)];
    case 'auth-failed':
      return [out(`Node ${addr} replied with error:\n${e.cause ?? e.message}\n`, 'error')];
    case 'auth-required':
      return [out(`[ERR] Node ${addr} ${e.cause ?? e.message}\n`, 'error')];
    case 'not-cluster-enabled':
      return [out(`[ERR] Node ${addr} is not configured as a cluster node.\n`, 'error')];
    case 'reply-error':
      return [out(`Node ${addr} replied with error:\n${e.cause ?? e.message}\n`, 'error')];
    case 'invalid-address':
    case 'no-such-node':
    case 'invalid-reply':
    case 'connection-lost':
    case 'timeout':
    case 'cancelled':
    case 'cluster-not-ok':
    case 'migration-failed':
    case 'busy-key':
    case 'plan-stale':
    case 'not-installed':
    case 'usage':
    case 'lease-held':
    case 'no-permission':
    case 'source-is-cluster':
    case 'sync-failed':
    case 'file-error':
    case 'rdb-corrupt':
    case 'backup-invalid':
    case 'internal':
      return [err(`${e.message}\n`)];
    default: {
      const unhandled: never = e.code;
      void unhandled;
      return [err(`${e.message}\n`)];
    }
  }
}

export function renderSummary(summary: ClusterSummary): OutputChunk[] {
  const chunks: OutputChunk[] = [];
  const { slaves: replicas, masters } = wordsOf(summary.dialect);
  for (const m of summary.masters) {
    if (typeof m.keys !== 'number') {
      chunks.push(out(`Node ${m.node.addr} replied with error:\n${m.keys.error}\n`, 'error'));
      return chunks;
    }
    chunks.push(out(`${m.node.addr} (${m.node.id.slice(0, 8)}...) -> ${m.keys} keys | ${m.slots} slots | ${m.replicas} ${replicas}.\n`));
  }
  chunks.push(out(`[OK] ${summary.totalKeys ?? 0} keys in ${summary.masters.length} ${masters}.\n`, 'ok'));
  chunks.push(out(`${formatFixed(summary.keysPerSlot ?? 0, 2)} keys per slot on average.\n`));
  return chunks;
}

/** One node block of a listing (no trailing newline, as in redis-cli). */
export function renderNodeBlock(n: ClusterNode, indent = 0): string {
  const I = ' '.repeat(indent);
  const r = n.role === 'replica' ? 'S' : 'M';
  const flags = n.flags.filter((f) => f !== 'myself').join(',');
  let s = `${I}${r}: ${n.id} ${n.host}:${n.port}\n${I}   slots:${formatSlotRanges(n.slots)} (${n.slotCount} slots) ${flags}`;
  if (n.masterId) s += `\n${I}   replicates ${n.masterId}`;
  else if (n.replicaCount > 0) s += `\n${I}   ${n.replicaCount} additional replica(s)`;
  return s;
}

/** `quiet` omits the node listing, as redis-cli's quiet check (rebalance). */
export function renderCheck(topology: Topology, result: CheckResult, quiet = false): OutputChunk[] {
  const chunks: OutputChunk[] = [];
  const first = topology.nodes[0];
  const firstAddr = first ? `${first.host}:${first.port}` : `${topology.entry.host}:${topology.entry.port}`;
  chunks.push(out(`>>> Performing Cluster Check (using node ${firstAddr})\n`, 'info'));
  if (!quiet) for (const n of topology.nodes) chunks.push(out(`${renderNodeBlock(n)}\n`));
  chunks.push(
    result.configConsistent ? out('[OK] All nodes agree about slots configuration.\n', 'ok') : out("[ERR] Nodes don't agree about configuration!\n", 'error'),
  );
  chunks.push(out('>>> Check for open slots...\n', 'info'));
  for (const f of result.findings) {
    if (f.code === 'slots-migrating') chunks.push(out(`[WARNING] Node ${f.node.addr} has slots in migrating state ${f.slots.join(',')}.\n`, 'error'));
    if (f.code === 'slots-importing') chunks.push(out(`[WARNING] Node ${f.node.addr} has slots in importing state ${f.slots.join(',')}.\n`, 'error'));
  }
  if (result.openSlots.length > 0) {
    chunks.push(out(`[WARNING] The following slots are open: ${result.openSlots.join(',')}.\n`, 'error'));
  }
  chunks.push(out('>>> Check slots coverage...\n', 'info'));
  chunks.push(
    result.uncovered.length === 0 ? out('[OK] All 16384 slots covered.\n', 'ok') : out('[ERR] Not all 16384 slots are covered by nodes.\n\n', 'error'),
  );
  if (result.multipleOwners) {
    chunks.push(out('>>> Check for multiple slot owners...\n', 'info'));
    for (const m of result.multipleOwners) {
      chunks.push(out(`[WARNING] Slot ${m.slot} has ${m.owners.length} owners:\n`, 'error'));
      for (const o of m.owners) chunks.push(out(`    ${o.addr}\n`, 'error'));
    }
    if (result.multipleOwners.length === 0) chunks.push(out('[OK] No multiple owners found.\n', 'ok'));
  }
  return chunks;
}

/** One `[ERR]` line per node, on stdout after the check's own findings (none on a healthy cluster). */
export function renderOrphans(orphans: readonly OrphanFinding[]): OutputChunk[] {
  return orphans.map((o) => {
    const where =
      o.slots.length === 0
        ? 'in slots it does not own (DBSIZE counts them; the server lists none of their slots)'
        : `in ${o.slots.length} slot(s) it does not own (slots ${formatRangesPlain(rangesFromSlots(o.slots))}${(o.unplaced ?? 0) > 0 ? `, and ${o.unplaced} DBSIZE counts in slots the server does not list` : ''})`;
    return out(`[ERR] Node ${o.node.addr} holds ${o.keys} key(s) ${where}: no client can reach them.\n`, 'error');
  });
}

/** redis-cli's output for an error that stopped an operation before it began. */
export function renderFatal(e: unknown, host: string, port: number): OutputChunk[] {
  if (e instanceof EngineError) return renderNodeErrorChunks({ code: e.code, cause: e.detail, message: e.message }, e.node ?? `${host}:${port}`);
  return [err(`${e instanceof Error ? e.message : String(e)}\n`)];
}

/** info's and check's events (ops/infoCheck.ts); info's are a subset. */
export function renderCheckEvent(e: CheckEvent): OutputChunk[] {
  switch (e.kind) {
    case 'summary':
      return renderSummary(e.summary);
    case 'orphans':
      return renderOrphans(e.orphans);
    case 'load':
      return renderLoadMessages(e);
    case 'check':
      return renderCheck(e.topology, e.result, e.quiet);
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
