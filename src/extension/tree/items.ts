/**
 * Tree elements → plain descriptions of tree items (label, description,
 * markdown tooltip, codicon + theme colour, contextValue). Pure: the
 * provider turns these into `vscode.TreeItem`s; unit tests build them from
 * fixture topologies.
 */
import { rangeSize, type ClusterNode, type SkippedNode } from '../../engine';
import type { CommandId } from '../constants';
import { describeError, errorHeadline } from '../model/errors';
import type { L10n } from '../model/l10n';
import { clusterContext, contextValue, nodeContext } from './contextValues';
import { descriptionRoom, fitParts } from './fit';
import { liveMetricLines, loadShareParts } from './loadInfo';
import { coveredSlots, depthOf, elementId, findNode, isMaster, keysInRange, type ClusterView, type ElementOf, type TreeElement, type Views } from './model';
import { SLOT_COUNT } from '../../engine';

export interface TreeItemModel {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  /** What a screen reader says: the label and every part of the description, also those that did not fit. */
  readonly ariaLabel?: string;
  /** Markdown. */
  readonly tooltip?: string;
  readonly icon: { readonly id: string; readonly color?: string };
  readonly contextValue: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
  readonly command?: { readonly command: CommandId; readonly title: string };
}

export const COLORS = {
  ok: 'testing.iconPassed',
  fail: 'testing.iconFailed',
  warning: 'list.warningForeground',
  error: 'errorForeground',
  master: 'charts.blue',
  replica: 'charts.purple',
  muted: 'disabledForeground',
} as const;

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Escapes text for a markdown tooltip. */
export function md(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
}

/** Bytes with a unit: `512 B`, `5.8 MB` (binary multiples, as Redis' used_memory_human). */
export function formatBytes(n: number | undefined): string | undefined {
  if (n === undefined || !Number.isFinite(n)) return undefined;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** A count short enough for a tree description: `950`, `16.7k`, `5.83M`. */
export function compactCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  return `${(n / 1_000_000).toFixed(2).replace(/\.?0+$/, '')}M`;
}

export function keysOf(n: ClusterNode): number | undefined {
  return typeof n.dbsize === 'number' ? n.dbsize : n.stats.keys;
}

/** Flags worth showing: those the entry node sees, minus the role. */
export function shownFlags(n: ClusterNode | SkippedNode): string[] {
  const flags = 'flagsSeenByEntry' in n ? n.flagsSeenByEntry : n.flags;
  return flags.filter((f) => f !== 'master' && f !== 'slave' && f !== 'noflags' && f !== 'myself');
}

export function buildTreeItem(element: TreeElement, views: Views, l10n: L10n): TreeItemModel {
  switch (element.kind) {
    case 'cluster':
      return clusterItem(element, views.get(element.clusterId), l10n);
    case 'node':
      return nodeItem(element, views, l10n);
    case 'slots':
      return slotsItem(element, views, l10n);
    case 'openSlot':
      return openSlotItem(element, views, l10n);
    case 'message':
      return messageItem(element, views.get(element.clusterId), l10n);
  }
}

function clusterItem(e: ElementOf<'cluster'>, view: ClusterView | undefined, l10n: L10n): TreeItemModel {
  const id = elementId(e);
  const profile = view?.profile;
  const name = profile?.name ?? e.clusterId;
  const t = view?.topology;
  const base = { id, label: name };
  const ctx = (connected: boolean, fail = false, problems = false) =>
    clusterContext({
      connected,
      fail,
      problems,
      sandbox: !!profile?.sandbox,
      settings: profile?.source === 'settings',
    });
  const seeds = profile ? profile.seeds.join(', ') : '';
  if (!view || view.status === 'disconnected' || (view.status === 'error' && !t)) {
    const failed = view?.status === 'error';
    return {
      ...base,
      description: failed ? l10n.t('error') : l10n.t('disconnected'),
      tooltip: `**${md(name)}**\n\n${md(seeds)}\n\n${failed && view?.error ? md(describeError(view.error, l10n)) : md(l10n.t('Not connected. Right-click → Connect.'))}`,
      icon: failed ? { id: 'error', color: COLORS.error } : { id: 'debug-disconnect', color: COLORS.muted },
      contextValue: ctx(false),
      collapsible: failed ? 'expanded' : 'none',
    };
  }
  if (view.status === 'connecting' && !t) {
    return {
      ...base,
      description: l10n.t('connecting…'),
      tooltip: `**${md(name)}**\n\n${md(seeds)}`,
      icon: { id: 'loading~spin' },
      contextValue: ctx(true),
      collapsible: 'expanded',
    };
  }
  const topo = t!;
  const covered = coveredSlots(topo);
  const ok = covered === SLOT_COUNT;
  const problems = !(view.check?.ok ?? true) || topo.skipped.length > 0 || !!view.error;
  const masters = topo.nodes.filter(isMaster).length;
  const replicas = topo.nodes.length - masters;
  const keys = view.summary?.totalKeys;
  const state = ok ? 'ok' : 'fail';
  const findings = view.check?.findings ?? [];
  const open = topo.nodes.reduce((a, n) => a + n.migrating.length + n.importing.length, 0);
  const described = fitted(
    name,
    0,
    clusterParts({ covered, masters, keys, down: topo.skipped.length, open, findings: findings.length, error: !!view.error }, l10n),
  );
  const tip = [
    `**${md(name)}** — cluster\\_state ${state}`,
    '',
    `- ${md(l10n.t('Seeds'))}: ${md(seeds)}`,
    `- ${md(l10n.t('Slots covered'))}: ${covered} / ${SLOT_COUNT}`,
    `- ${md(l10n.t('Masters'))}: ${masters}, ${md(l10n.t('replicas'))}: ${replicas}`,
    ...(keys !== undefined ? [`- ${md(l10n.t('Keys'))}: ${keys}`] : []),
    ...(topo.skipped.length > 0 ? [`- $(warning) ${md(l10n.t('Nodes that could not be loaded: {0}', topo.skipped.length))}`] : []),
    ...(findings.length > 0 ? [`- $(warning) ${md(l10n.t('Problems found by Check: {0} (run Check for details)', findings.length))}`] : []),
    ...(view.error ? [`- $(error) ${md(describeError(view.error, l10n))}`] : []),
  ].join('\n');
  return {
    ...base,
    ...described,
    tooltip: tip,
    icon: { id: 'server-environment', color: !ok ? COLORS.fail : problems ? COLORS.warning : COLORS.ok },
    contextValue: ctx(true, !ok, problems),
    collapsible: 'expanded',
  };
}

interface ClusterFigures {
  readonly covered: number;
  readonly masters: number;
  readonly keys: number | undefined;
  /** Nodes the entry node lists that could not be loaded. */
  readonly down: number;
  /** Open (migrating/importing) slots over all nodes. */
  readonly open: number;
  readonly findings: number;
  /** The last refresh failed. */
  readonly error: boolean;
}

/** A description's parts: the problems (always shown, first), then the rest in order of use. */
interface Parts {
  readonly problems: readonly string[];
  readonly rest: readonly string[];
}

/** The description that fits beside `label` at `depth`, and the aria label with every part. */
function fitted(label: string, depth: number, parts: Parts): { description: string; ariaLabel: string } {
  return { description: fitParts(parts.problems, parts.rest, descriptionRoom(label, depth)), ariaLabel: [label, ...parts.problems, ...parts.rest].join(', ') };
}

/**
 * The cluster's description parts: problems first (fail and the slots
 * covered, nodes down, open slots, else the number of Check findings, a failed
 * refresh), then `ok` (only when nothing is wrong), masters, keys.
 */
function clusterParts(f: ClusterFigures, l10n: L10n): Parts {
  const problems = [
    ...(f.covered === SLOT_COUNT ? [] : ['fail', l10n.t('{0}/{1} slots', f.covered, SLOT_COUNT)]),
    ...(f.down > 0 ? [l10n.t('{0} down', f.down)] : []),
    ...(f.open > 0 ? [l10n.t('{0} open', f.open)] : []),
    ...(f.error ? [l10n.t('error')] : []),
  ];
  if (problems.length === 0 && f.findings > 0) problems.push(f.findings === 1 ? l10n.t('1 problem') : l10n.t('{0} problems', f.findings));
  return {
    problems,
    rest: [
      ...(problems.length === 0 ? ['ok'] : []),
      f.masters === 1 ? l10n.t('1 master') : l10n.t('{0} masters', f.masters),
      ...(f.keys !== undefined ? [keysText(f.keys, l10n)] : []),
    ],
  };
}

function keysText(keys: number, l10n: L10n): string {
  return keys === 1 ? l10n.t('1 key') : l10n.t('{0} keys', compactCount(keys));
}

/**
 * A live node's description parts: problems first (flags such as fail,
 * link down, open slots), then for a master its slots, keys, memory and share of
 * the cluster's keys; for a replica "replica", keys and memory. The
 * id and the rest are in the tooltip; slot-range rows show keys per range.
 */
function nodeParts(n: ClusterNode, keys: number | undefined, flags: readonly string[], open: number, share: readonly string[], l10n: L10n): Parts {
  const mem = formatBytes(n.stats.usedMemory);
  return {
    problems: [...flags, ...(n.linkState === 'disconnected' ? [l10n.t('link down')] : []), ...(open > 0 ? [l10n.t('{0} open', open)] : [])],
    rest: [
      isMaster(n) ? (n.slotCount === 1 ? l10n.t('1 slot') : l10n.t('{0} slots', n.slotCount)) : l10n.t('replica'),
      ...(keys !== undefined ? [keysText(keys, l10n)] : []),
      ...(mem ? [mem] : []),
      ...share,
    ],
  };
}

function nodeItem(e: ElementOf<'node'>, views: Views, l10n: L10n): TreeItemModel {
  const id = elementId(e);
  const view = views.get(e.clusterId);
  const info = findNode(view, e.nodeId);
  if (!info) {
    return {
      id,
      label: shortId(e.nodeId),
      description: l10n.t('gone'),
      icon: { id: 'question', color: COLORS.muted },
      contextValue: contextValue('rcm:message'),
      collapsible: 'none',
    };
  }
  const addr = `${info.node.host}:${info.node.port}`;
  if (info.down) {
    const s = info.node;
    const why =
      s.reason.kind === 'flagged'
        ? s.reason.flags.join(',')
        : s.reason.kind === 'unreachable'
          ? l10n.t('unreachable')
          : s.reason.kind === 'no-address'
            ? l10n.t('no address')
            : l10n.t('load failed');
    const detail = s.reason.kind === 'unreachable' ? describeError(s.reason.error, l10n) : s.reason.kind === 'load-failed' ? s.reason.error : why;
    const slots = s.slots.reduce((a, r) => a + rangeSize(r), 0);
    return {
      id,
      label: addr || shortId(s.id),
      ...fitted(addr || shortId(s.id), depthOf(e, views), {
        problems: [why],
        rest: [s.role === 'master' ? l10n.t('master') : l10n.t('replica'), shortId(s.id)],
      }),
      tooltip: [
        `**${md(addr)}** — ${md(l10n.t('down'))}`,
        '',
        `- ID: \`${s.id}\``,
        `- ${md(l10n.t('Flags'))}: ${md(s.flags.join(','))}`,
        `- ${md(l10n.t('Slots'))}: ${slots}`,
        `- $(error) ${md(detail)}`,
      ].join('\n'),
      icon: { id: 'error', color: COLORS.error },
      contextValue: nodeContext({ role: s.role, empty: slots === 0, down: true }),
      collapsible: s.slots.length > 0 ? 'collapsed' : 'none',
    };
  }
  const n = info.node;
  const master = isMaster(n);
  const flags = shownFlags(n);
  const failing = flags.includes('fail') || flags.includes('fail?');
  const open = n.migrating.length + n.importing.length;
  const keys = keysOf(n);
  const mem = formatBytes(n.stats.usedMemory) ?? n.stats.usedMemoryHuman;
  const described = fitted(addr, depthOf(e, views), nodeParts(n, keys, flags, open, loadShareParts(n, view?.topology, l10n), l10n));
  const icon = failing
    ? { id: flags.includes('fail') ? 'error' : 'warning', color: flags.includes('fail') ? COLORS.error : COLORS.warning }
    : open > 0 || n.linkState === 'disconnected'
      ? { id: master ? 'server' : 'mirror', color: COLORS.warning }
      : { id: master ? 'server' : 'mirror', color: master ? COLORS.master : COLORS.replica };
  const masterNode = !master && n.masterId ? view?.topology?.nodes.find((m) => m.id === n.masterId) : undefined;
  const tip = [
    `**${md(addr)}** — ${master ? md(l10n.t('master')) : md(l10n.t('replica'))}`,
    '',
    `- ID: \`${n.id}\` (${shortId(n.id)})`,
    ...(n.hostname ? [`- ${md(l10n.t('Hostname'))}: ${md(n.hostname)}`] : []),
    ...(n.announcedHost !== n.host ? [`- ${md(l10n.t('Announced address'))}: ${md(`${n.announcedHost}:${n.port}`)}`] : []),
    ...(!master ? [`- ${md(l10n.t('Replica of'))}: ${masterNode ? md(`${masterNode.host}:${masterNode.port}`) : `\`${n.masterId ?? '-'}\``}`] : []),
    `- ${md(l10n.t('Config epoch'))}: ${n.configEpoch}`,
    ...(master ? [`- ${md(l10n.t('Slots'))}: ${n.slotCount}`] : []),
    ...(keys !== undefined ? [`- ${md(l10n.t('Keys'))}: ${keys}`] : []),
    ...(mem ? [`- ${md(l10n.t('Used memory'))}: ${md(mem)}`] : []),
    ...(n.stats.replicationOffset !== undefined ? [`- ${md(l10n.t('Replication offset'))}: ${n.stats.replicationOffset}`] : []),
    ...liveMetricLines(n, view?.topology, l10n),
    ...(n.stats.serverVersion ? [`- ${md(l10n.t('Version'))}: ${md(`${n.stats.serverName ?? 'redis'} ${n.stats.serverVersion}`)}`] : []),
    `- ${md(l10n.t('Flags'))}: ${md(n.flagsSeenByEntry.join(','))}`,
    `- ${md(l10n.t('Link'))}: ${md(n.linkState)}`,
    ...(open > 0 ? [`- $(warning) ${md(l10n.t('Open slots: {0} (run Fix)', open))}`] : []),
  ].join('\n');
  const hasChildren = n.slots.length > 0 || open > 0 || (master && n.replicaCount > 0) || (master && !!view?.topology?.nodes.some((r) => r.masterId === n.id));
  return {
    id,
    label: addr,
    ...described,
    tooltip: tip,
    icon,
    contextValue: nodeContext({ role: master ? 'master' : 'replica', empty: n.slotCount === 0, down: false }),
    collapsible: hasChildren ? 'collapsed' : 'none',
    command: { command: 'redisClusterManager.openNodeInfo', title: l10n.t('Open Node Info') },
  };
}

/** A slot-range row's label, as redis-cli writes a range: `[0-5460]`, `[7]`. */
export function slotRangeLabel(start: number, end: number): string {
  return start === end ? `[${start}]` : `[${start}-${end}]`;
}

function slotsItem(e: ElementOf<'slots'>, views: Views, l10n: L10n): TreeItemModel {
  const keys = keysInRange(views.get(e.clusterId), e.nodeId, e.start, e.end);
  const count = e.end - e.start + 1;
  const label = slotRangeLabel(e.start, e.end);
  // Keys first (the range already says where), then the slot count, as many as fit (problem 4 of #16).
  const parts = { problems: [], rest: [...(keys !== undefined ? [keysText(keys, l10n)] : []), count === 1 ? l10n.t('1 slot') : l10n.t('{0} slots', count)] };
  return {
    id: elementId(e),
    label,
    ...fitted(label, depthOf(e, views), parts),
    tooltip: md(l10n.t('Hash slots {0} to {1}. Right-click → Move These Slots To… to reshard them.', e.start, e.end)),
    icon: { id: 'symbol-number' },
    contextValue: contextValue('rcm:slots'),
    collapsible: 'none',
  };
}

function openSlotItem(e: ElementOf<'openSlot'>, views: Views, l10n: L10n): TreeItemModel {
  const peer = findNode(views.get(e.clusterId), e.peerId);
  const peerText = peer ? `${peer.node.host}:${peer.node.port}` : shortId(e.peerId);
  const label = e.state === 'migrating' ? l10n.t('slot {0} migrating → {1}', e.slot, peerText) : l10n.t('slot {0} importing ← {1}', e.slot, peerText);
  return {
    id: elementId(e),
    label,
    tooltip: md(l10n.t('Slot {0} was left open by an interrupted migration. Resume the migration or run Fix to close it.', e.slot)),
    icon: { id: e.state === 'migrating' ? 'arrow-right' : 'arrow-left', color: COLORS.warning },
    contextValue: contextValue('rcm:openSlot', [e.state]),
    collapsible: 'none',
  };
}

/** A load error under its cluster: a short headline as the label, the node (when it fits) beside it, the sentence in the tooltip. */
function messageItem(e: ElementOf<'message'>, view: ClusterView | undefined, l10n: L10n): TreeItemModel {
  const label = view?.error ? errorHeadline(view.error, l10n) : l10n.t('Unknown problem');
  const sentence = view?.error ? describeError(view.error, l10n) : label;
  const node = view?.error?.node;
  const description = node ? fitParts([], [node], descriptionRoom(label, 1)) : '';
  return {
    id: elementId(e),
    label,
    ...(description ? { description } : {}),
    tooltip: [md(sentence), ...(view?.error && view.error.message !== sentence ? [md(view.error.message)] : []), md(l10n.t('Click to edit the cluster.'))].join(
      '\n\n',
    ),
    icon: { id: 'error', color: COLORS.error },
    contextValue: contextValue('rcm:message'),
    collapsible: 'none',
    command: { command: 'redisClusterManager.editCluster', title: l10n.t('Edit Cluster…') },
  };
}
