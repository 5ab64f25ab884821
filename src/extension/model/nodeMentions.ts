/**
 * Node ids and addresses in a text (the extension's result documents, a
 * nodes.conf, a pasted CLUSTER NODES reply or log) and their resolution to the
 * configured clusters' loaded topologies. Pure: no `vscode`, no I/O.
 */
import { parseClusterNodesLine, parseNodeAddress, type ClusterNodesLine, type Topology } from '../../engine';

export type MentionKind = 'id' | 'shortId' | 'address';

/** One recognised token on one line (offsets are UTF-16 columns in that line). */
export interface Mention {
  readonly kind: MentionKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Full id (kind 'id') or the 8-character prefix (kind 'shortId'). */
  readonly id?: string;
  readonly host?: string;
  readonly port?: number;
}

/** What the resolution needs to know of a configured cluster. */
export interface KnownCluster {
  readonly clusterId: string;
  readonly topology?: Topology;
}

export interface NodeTarget {
  readonly clusterId: string;
  readonly nodeId: string;
}

export type Resolution =
  | { readonly kind: 'node'; readonly target: NodeTarget }
  | { readonly kind: 'ambiguous'; readonly targets: readonly NodeTarget[] }
  /** Not in any loaded topology; `address` when the text says where the node is (to offer "Add Cluster"). */
  | { readonly kind: 'unknown'; readonly id?: string; readonly address?: { readonly host: string; readonly port: number } };

export const SHORT_ID_LENGTH = 8;
const ID = /(?<![0-9A-Za-z])[0-9a-f]{40}(?![0-9A-Za-z])/g;
/** redis-cli's info prints `(1a2b3c4d...)`; the tree shows the same 8 characters. */
const SHORT_ID = /(?<![0-9A-Za-z])[0-9a-f]{8}(?![0-9A-Za-z])/g;
/** `host:port[@bus[,hostname]]`: IPv4, a DNS name or a bracketed IPv6 address. */
const ADDRESS =
  /(?<![\w.:@[\]-])(\[[0-9A-Fa-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z][\w-]*(?:\.[A-Za-z0-9][\w-]*)*):(\d{1,5})(?:@\d{1,5}(?:,[\w.-]*)?)?(?![\w:])/g;
/** A CLUSTER NODES / nodes.conf line anywhere in a line (a log may prefix it). */
const NODES_LINE = /[0-9a-f]{40} \S*:\d+\S* [a-z?,]+ (?:-|[0-9a-f]{40}) \d+ \d+ \d+ (?:connected|disconnected)\b.*$/;

/** Every candidate token on a line, in order, without overlaps (an id wins over a short id inside it). */
export function findMentions(line: string): Mention[] {
  const found: Mention[] = [];
  for (const m of line.matchAll(ID)) found.push({ kind: 'id', text: m[0], start: m.index, end: m.index + m[0].length, id: m[0] });
  for (const m of line.matchAll(SHORT_ID)) found.push({ kind: 'shortId', text: m[0], start: m.index, end: m.index + m[0].length, id: m[0] });
  for (const m of line.matchAll(ADDRESS)) {
    const a = parseNodeAddress(m[0]);
    if (!a || a.port <= 0 || a.port > 65535) continue;
    const host = a.host.startsWith('[') && a.host.endsWith(']') ? a.host.slice(1, -1) : a.host;
    found.push({ kind: 'address', text: m[0], start: m.index, end: m.index + m[0].length, host, port: a.port });
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Mention[] = [];
  for (const m of found) if (!out.some((o) => m.start < o.end && o.start < m.end)) out.push(m);
  return out;
}

/** The mention covering `column` (or ending right at it: the cursor just after a token counts). */
export function mentionAt(line: string, column: number): Mention | undefined {
  return findMentions(line).find((m) => m.start <= column && column <= m.end);
}

/** The CLUSTER NODES line in `line`, parsed, or undefined. */
export function nodesLineIn(line: string): ClusterNodesLine | undefined {
  const m = NODES_LINE.exec(line);
  if (!m) return undefined;
  try {
    return parseClusterNodesLine(m[0].trimEnd());
  } catch {
    return undefined;
  }
}

/** Documents where node mentions are looked for: our results, nodes.conf files, texts holding CLUSTER NODES output. */
export function isNodeDocument(doc: { readonly scheme: string; readonly path: string; readonly text: () => string }, resultScheme: string): boolean {
  if (doc.scheme === resultScheme) return true;
  if (/(^|\/)nodes[\w.-]*\.conf$/.test(doc.path)) return true;
  return doc
    .text()
    .split(/\r?\n/, 5000)
    .some((l) => NODES_LINE.test(l));
}

function nodeAt(t: Topology, host: string, port: number): string | undefined {
  const h = host.toLowerCase();
  const live = t.nodes.find((n) => n.port === port && (n.host.toLowerCase() === h || n.announcedHost.toLowerCase() === h || n.hostname?.toLowerCase() === h));
  return live?.id ?? t.skipped.find((n) => n.port === port && n.host.toLowerCase() === h)?.id;
}

function nodeIds(t: Topology): string[] {
  return [...t.nodes.map((n) => n.id), ...t.skipped.map((n) => n.id)];
}

/**
 * Resolves a mention against the clusters' loaded topologies. A short id is a
 * node only when exactly one known node starts with it (unknown short ids are
 * `unknown` without an id: 8 hex characters are too common to mean anything).
 * `line`, when given, is the mention's line: a CLUSTER NODES line there tells
 * the address of an unknown id.
 */
export function resolveMention(m: Mention, clusters: readonly KnownCluster[], line?: string): Resolution {
  const targets: NodeTarget[] = [];
  for (const c of clusters) {
    if (!c.topology) continue;
    if (m.kind === 'address') {
      const id = nodeAt(c.topology, m.host!, m.port!);
      if (id) targets.push({ clusterId: c.clusterId, nodeId: id });
    } else {
      for (const id of nodeIds(c.topology)) {
        if (m.kind === 'id' ? id === m.id : id.startsWith(m.id!)) targets.push({ clusterId: c.clusterId, nodeId: id });
      }
    }
  }
  if (targets.length === 1) return { kind: 'node', target: targets[0]! };
  if (targets.length > 1) return { kind: 'ambiguous', targets };
  if (m.kind === 'address') return { kind: 'unknown', address: { host: m.host!, port: m.port! } };
  if (m.kind === 'shortId') return { kind: 'unknown' };
  const nodesLine = line !== undefined ? nodesLineIn(line) : undefined;
  const address = nodesLine && nodesLine.id === m.id && nodesLine.address ? { host: nodesLine.address.host, port: nodesLine.address.port } : undefined;
  return address ? { kind: 'unknown', id: m.id, address } : { kind: 'unknown', id: m.id };
}

/**
 * Whether a mention deserves a link, a hover and the editor menu: it names a
 * known node, or it is a full id / an address the user could add a cluster
 * for (addresses only on CLUSTER NODES lines or in our own documents, where
 * `host:port` is not just any word with a number).
 */
export function isActionable(r: Resolution, m: Mention, line: string, ownDocument: boolean): boolean {
  if (r.kind !== 'unknown') return true;
  if (m.kind === 'shortId') return false;
  if (m.kind === 'id') return r.address !== undefined || ownDocument;
  return ownDocument || nodesLineIn(line) !== undefined;
}

/** Actionable mentions of one line with their resolution. */
export function resolvedMentions(line: string, clusters: readonly KnownCluster[], ownDocument: boolean): { mention: Mention; resolution: Resolution }[] {
  return findMentions(line)
    .map((mention) => ({ mention, resolution: resolveMention(mention, clusters, line) }))
    .filter((x) => isActionable(x.resolution, x.mention, line, ownDocument));
}
