/**
 * Load figures for the tree: a master's share of the cluster's keys (next to
 * its slot count) and live per-node metrics for tooltips (ops/s, memory,
 * clients, replication lag). The tree reloads the topology on its refresh
 * interval while the view is visible, so these stay live. Pure.
 */
import type { ClusterNode, Topology } from '../../engine';
import type { L10n } from '../model/l10n';
import { isMaster } from './model';

function keysOf(n: ClusterNode): number | undefined {
  return typeof n.dbsize === 'number' ? n.dbsize : n.stats.keys;
}

/** `34% keys` for a master when the cluster holds keys and every master's count is known; else nothing. */
export function loadShareParts(n: ClusterNode, topology: Topology | undefined, l10n: L10n): string[] {
  if (!topology || !isMaster(n)) return [];
  const counts = topology.nodes.filter(isMaster).map(keysOf);
  if (counts.some((k) => k === undefined)) return [];
  const total = counts.reduce<number>((a, k) => a + (k ?? 0), 0);
  const mine = keysOf(n);
  if (!(total > 0) || mine === undefined) return [];
  return [l10n.t('{0}% keys', Math.round((100 * mine) / total))];
}

/** Markdown list lines (already escaped-safe: numbers and fixed words only). */
export function liveMetricLines(n: ClusterNode, topology: Topology | undefined, l10n: L10n): string[] {
  const out: string[] = [];
  const s = n.stats;
  if (s.opsPerSec !== undefined) out.push(`- ${l10n.t('Operations/s')}: ${s.opsPerSec}`);
  if (s.connectedClients !== undefined) out.push(`- ${l10n.t('Connected clients')}: ${s.connectedClients}`);
  const share = loadShareParts(n, topology, l10n);
  if (share.length > 0) out.push(`- ${l10n.t('Share of the cluster')}: ${share[0]}`);
  if (!isMaster(n) && n.masterId) {
    const master = topology?.nodes.find((m) => m.id === n.masterId);
    if (master?.stats.replicationOffset !== undefined && s.replicationOffset !== undefined) {
      out.push(`- ${l10n.t('Replication lag')}: ${l10n.t('{0} bytes behind the master', Math.max(0, master.stats.replicationOffset - s.replicationOffset))}`);
    }
    if (s.masterLastIoSecondsAgo !== undefined) out.push(`- ${l10n.t('Last contact with the master')}: ${l10n.t('{0} s ago', s.masterLastIoSecondsAgo)}`);
  }
  return out;
}
