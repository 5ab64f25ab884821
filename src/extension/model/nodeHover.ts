/**
 * The markdown of the editor hover on a node id or address: role, slots,
 * keys and health of a known node, or what a CLUSTER NODES line says about an
 * unknown one. Pure (the editor adapter passes `vscode.l10n`).
 */
import { countSlots, formatRangesPlain, type ClusterNodesLine } from '../../engine';
import { findNode, isMaster, type ClusterView } from '../tree/model';
import { formatBytes, keysOf, md, shownFlags } from '../tree/items';
import type { L10n } from './l10n';

/** The node's health in a few words: ok, or its failure flags, link state and open slots. */
export function nodeHealth(view: ClusterView, nodeId: string, l10n: L10n): string {
  const info = findNode(view, nodeId);
  if (!info) return l10n.t('gone');
  if (info.down) return l10n.t('down');
  const n = info.node;
  const problems = [
    ...n.flagsSeenByEntry.filter((f) => f === 'fail' || f === 'fail?'),
    ...(n.linkState === 'disconnected' ? [l10n.t('link down')] : []),
    ...(n.migrating.length + n.importing.length > 0 ? [l10n.t('open slots')] : []),
  ];
  return problems.length > 0 ? problems.join(', ') : l10n.t('ok');
}

export function knownNodeHover(view: ClusterView, nodeId: string, l10n: L10n): string {
  const info = findNode(view, nodeId);
  if (!info) return `\`${nodeId}\` — ${md(l10n.t('no longer in {0}', view.profile.name))}`;
  const n = info.node;
  const addr = `${n.host}:${n.port}`;
  const master = n.role === 'master';
  const slots = countSlots(n.slots);
  const lines = [
    `**${md(addr)}** — ${md(master ? l10n.t('master') : l10n.t('replica'))} · ${md(l10n.t('cluster {0}', view.profile.name))}`,
    '',
    `- ID: \`${n.id}\``,
  ];
  if (master) lines.push(`- ${md(l10n.t('Slots'))}: ${slots}${slots > 0 ? ` (${md(formatRangesPlain(n.slots))})` : ''}`);
  if (!info.down) {
    const live = info.node;
    if (!master) {
      const m = view.topology?.nodes.find((x) => x.id === live.masterId);
      lines.push(`- ${md(l10n.t('Replica of'))}: ${m ? md(`${m.host}:${m.port}`) : `\`${live.masterId ?? '-'}\``}`);
    } else {
      const replicas = view.topology?.nodes.filter((r) => r.masterId === live.id && !isMaster(r)).length ?? 0;
      lines.push(`- ${md(l10n.t('Replicas'))}: ${replicas}`);
    }
    const keys = keysOf(live);
    if (keys !== undefined) lines.push(`- ${md(l10n.t('Keys'))}: ${keys}`);
    const mem = formatBytes(live.stats.usedMemory);
    if (mem) lines.push(`- ${md(l10n.t('Used memory'))}: ${md(mem)}`);
    const flags = shownFlags(live);
    if (flags.length > 0) lines.push(`- ${md(l10n.t('Flags'))}: ${md(flags.join(','))}`);
  }
  lines.push(`- ${md(l10n.t('Health'))}: ${md(nodeHealth(view, n.id, l10n))}`);
  return lines.join('\n');
}

/** A node no configured cluster knows: what its CLUSTER NODES line says, and how to add it. */
export function unknownNodeHover(text: string, line: ClusterNodesLine | undefined, l10n: L10n): string {
  const lines = [`**${md(text)}** — ${md(l10n.t('not in any configured cluster'))}`, ''];
  if (line) {
    const master = !line.flags.includes('slave') && !line.flags.includes('replica');
    const slots = countSlots(line.slots);
    lines.push(`- ID: \`${line.id}\``);
    if (line.address) lines.push(`- ${md(l10n.t('Address'))}: ${md(`${line.address.host}:${line.address.port}`)}`);
    lines.push(`- ${md(l10n.t('Role'))}: ${md(master ? l10n.t('master') : l10n.t('replica'))}`);
    if (master) lines.push(`- ${md(l10n.t('Slots'))}: ${slots}${slots > 0 ? ` (${md(formatRangesPlain(line.slots))})` : ''}`);
    lines.push(`- ${md(l10n.t('Flags'))}: ${md(line.flags.join(','))}`);
  }
  lines.push('', md(l10n.t('Right-click → Redis Cluster to add its cluster.')));
  return lines.join('\n');
}
