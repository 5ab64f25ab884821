/**
 * The tree's data: plain elements with stable ids, the cached state of each
 * cluster, and the pure functions that list children and parents. The
 * provider calls these on the cached model only: no I/O here.
 */
import { normalizeRanges, SLOT_COUNT, type ClusterNode, type ClusterSummary, type CheckResult, type SkippedNode, type Topology } from '../../engine';
import type { ErrorLike } from '../model/errors';
import type { ClusterProfile } from '../model/profile';

export type ClusterStatus = 'disconnected' | 'connecting' | 'connected' | 'error';

/** What the store knows about one cluster. Plain data. */
export interface ClusterView {
  readonly profile: ClusterProfile;
  readonly status: ClusterStatus;
  readonly topology?: Topology;
  readonly check?: CheckResult;
  readonly summary?: ClusterSummary;
  /** The last load error (status 'error'; kept with status 'connected' when a refresh failed). */
  readonly error?: ErrorLike;
  /** When the topology was loaded (ms since epoch). */
  readonly loadedAt?: number;
  /** Keys per slot range of masters with several ranges (`rangeKey()` → count), counted on demand. */
  readonly rangeKeys?: ReadonlyMap<string, number>;
  /** When rangeKeys were counted (a newer load makes them due again; they are shown until then). */
  readonly rangeKeysAt?: number;
}

export function rangeKey(nodeId: string, start: number, end: number): string {
  return `${nodeId}/${start}-${end}`;
}

/** Keys in one slot range: the master's own count when it has one range, else the counted value (if any). */
export function keysInRange(view: ClusterView | undefined, nodeId: string, start: number, end: number): number | undefined {
  const n = view?.topology?.nodes.find((x) => x.id === nodeId);
  if (!n) return undefined;
  if (n.slots.length === 1 && typeof n.dbsize === 'number') return n.dbsize;
  return view?.rangeKeys?.get(rangeKey(nodeId, start, end));
}

/** Whether a master's ranges need (re)counting: several ranges, and no count since the last load. */
export function rangeKeysDue(view: ClusterView | undefined, nodeId: string): boolean {
  const n = view?.topology?.nodes.find((x) => x.id === nodeId);
  if (!n || n.role !== 'master' || normalizeRanges(n.slots).length < 2) return false;
  return (view?.rangeKeysAt ?? 0) < (view?.loadedAt ?? 0) || normalizeRanges(n.slots).some((r) => !view?.rangeKeys?.has(rangeKey(n.id, r.start, r.end)));
}

export type TreeElement =
  | { readonly kind: 'cluster'; readonly clusterId: string }
  | { readonly kind: 'node'; readonly clusterId: string; readonly nodeId: string }
  | { readonly kind: 'slots'; readonly clusterId: string; readonly nodeId: string; readonly start: number; readonly end: number }
  | {
      readonly kind: 'openSlot';
      readonly clusterId: string;
      readonly nodeId: string;
      readonly slot: number;
      readonly state: 'migrating' | 'importing';
      readonly peerId: string;
    }
  | { readonly kind: 'message'; readonly clusterId: string; readonly key: string };

export type ElementOf<K extends TreeElement['kind']> = Extract<TreeElement, { kind: K }>;

export function elementId(e: TreeElement): string {
  switch (e.kind) {
    case 'cluster':
      return `cluster/${e.clusterId}`;
    case 'node':
      return `node/${e.clusterId}/${e.nodeId}`;
    case 'slots':
      return `slots/${e.clusterId}/${e.nodeId}/${e.start}-${e.end}`;
    case 'openSlot':
      return `open/${e.clusterId}/${e.nodeId}/${e.slot}/${e.state}`;
    case 'message':
      return `msg/${e.clusterId}/${e.key}`;
  }
}

/** A loaded node or one the entry node lists but that could not be loaded. */
export type NodeInfo = { readonly down: false; readonly node: ClusterNode } | { readonly down: true; readonly node: SkippedNode };

export function findNode(view: ClusterView | undefined, nodeId: string): NodeInfo | undefined {
  const t = view?.topology;
  if (!t) return undefined;
  const live = t.nodes.find((n) => n.id === nodeId);
  if (live) return { down: false, node: live };
  const skipped = t.skipped.find((n) => n.id === nodeId);
  return skipped ? { down: true, node: skipped } : undefined;
}

export function isMaster(n: ClusterNode): boolean {
  return n.role === 'master';
}

/** Slots owned by loaded masters. */
export function coveredSlots(t: Topology): number {
  const seen = new Uint8Array(SLOT_COUNT);
  for (const n of t.nodes) if (isMaster(n)) for (const r of n.slots) seen.fill(1, r.start, r.end + 1);
  let c = 0;
  for (const v of seen) c += v;
  return c;
}

export type Views = ReadonlyMap<string, ClusterView>;

/** Children of an element (undefined = root: the clusters in `order`). */
export function childrenOf(element: TreeElement | undefined, views: Views, order: readonly string[]): TreeElement[] {
  if (!element) return order.filter((id) => views.has(id)).map((clusterId) => ({ kind: 'cluster', clusterId }));
  const view = views.get(element.clusterId);
  const t = view?.topology;
  if (element.kind === 'cluster') {
    const out: TreeElement[] = [];
    if (view?.error) out.push({ kind: 'message', clusterId: element.clusterId, key: 'error' });
    if (!t || view?.status === 'disconnected') return out;
    const loadedIds = new Set(t.nodes.map((n) => n.id));
    for (const n of t.nodes) if (isMaster(n)) out.push({ kind: 'node', clusterId: element.clusterId, nodeId: n.id });
    // Replicas whose master is not loaded have no parent to sit under.
    for (const n of t.nodes)
      if (!isMaster(n) && (!n.masterId || !loadedIds.has(n.masterId))) out.push({ kind: 'node', clusterId: element.clusterId, nodeId: n.id });
    for (const s of t.skipped) out.push({ kind: 'node', clusterId: element.clusterId, nodeId: s.id });
    return out;
  }
  if (element.kind === 'node') {
    const info = findNode(view, element.nodeId);
    if (!info || !t) return [];
    const out: TreeElement[] = [];
    if (!info.down && isMaster(info.node)) {
      for (const r of t.nodes) if (r.masterId === info.node.id && !isMaster(r)) out.push({ kind: 'node', clusterId: element.clusterId, nodeId: r.id });
    }
    for (const r of normalizeRanges(info.node.slots))
      out.push({ kind: 'slots', clusterId: element.clusterId, nodeId: info.node.id, start: r.start, end: r.end });
    if (!info.down) {
      for (const o of info.node.migrating)
        out.push({ kind: 'openSlot', clusterId: element.clusterId, nodeId: info.node.id, slot: o.slot, state: 'migrating', peerId: o.peerId });
      for (const o of info.node.importing)
        out.push({ kind: 'openSlot', clusterId: element.clusterId, nodeId: info.node.id, slot: o.slot, state: 'importing', peerId: o.peerId });
    }
    return out;
  }
  return [];
}

export function parentOf(element: TreeElement, views: Views): TreeElement | undefined {
  const cluster: TreeElement = { kind: 'cluster', clusterId: element.clusterId };
  switch (element.kind) {
    case 'cluster':
      return undefined;
    case 'message':
      return cluster;
    case 'slots':
    case 'openSlot':
      return { kind: 'node', clusterId: element.clusterId, nodeId: element.nodeId };
    case 'node': {
      const view = views.get(element.clusterId);
      const info = findNode(view, element.nodeId);
      if (info && !info.down && !isMaster(info.node) && info.node.masterId && view?.topology?.nodes.some((n) => n.id === info.node.masterId && isMaster(n))) {
        return { kind: 'node', clusterId: element.clusterId, nodeId: info.node.masterId };
      }
      return cluster;
    }
  }
}

/** Nesting level of an element: 0 for a cluster row, 1 for its masters, 2 for their replicas and slot ranges. */
export function depthOf(element: TreeElement, views: Views): number {
  let depth = 0;
  for (let p = parentOf(element, views); p; p = parentOf(p, views)) depth++;
  return depth;
}
