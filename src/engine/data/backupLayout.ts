/** A backup directory as redis-cli lays it out: the RDB files' names and nodes.json (spec §3.12). Pure. */
import { normalizeRanges } from '../model/slots';
import type { ClusterNode, Topology } from '../model/types';

/** `«dir»` + `/` unless it ends with one + name (redis-cli's path building). */
export function backupPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/** redis-node-«ip»-«port»-«id».rdb (valkey-node-… for Valkey). */
export function backupFileName(node: Pick<ClusterNode, 'host' | 'port' | 'id'> & { readonly stats?: ClusterNode['stats'] }): string {
  const prefix = node.stats?.serverName === 'valkey' ? 'valkey' : 'redis';
  return `${prefix}-node-${node.host}-${node.port}-${node.id}.rdb`;
}

/**
 * nodes.json in redis-cli's layout (`[\n` + objects joined by `,\n` + `\n]`,
 * no final newline), with every string properly JSON-escaped.
 */
export function nodesJsonText(topology: Topology, clusterErrors: number): string {
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
