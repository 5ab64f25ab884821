/** redis-cli's configuration signature of a node ("do all nodes agree?"). Pure. */
import type { ClusterNodesLine } from '../model/types';

/** Byte-wise string comparison (C strcmp on ASCII). */
export function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Signature of one node's full CLUSTER NODES reply: for every line owning slots,
 * `id:` + its slot tokens sorted byte-wise and joined with `,`; those strings
 * sorted and joined with `|`. null when no line owns a slot.
 */
export function configSignature(lines: readonly ClusterNodesLine[]): string | null {
  const parts: string[] = [];
  for (const l of lines) {
    if (l.slotTokens.length === 0) continue;
    parts.push(`${l.id}:${[...l.slotTokens].sort(byteCompare).join(',')}`);
  }
  if (parts.length === 0) return null;
  return parts.sort(byteCompare).join('|');
}

/**
 * configSignature of a raw CLUSTER NODES reply without parsing it into lines
 * (the same string as configSignature(parseClusterNodes(reply)) for a valid reply).
 * Ids and slot tokens are ASCII, so the default sort is byteCompare's order, without
 * a comparator call per comparison (on 100 fragmented masters this was check's hot spot).
 */
export function replySignature(reply: string): string | null {
  const parts: string[] = [];
  // Line by line without splitting: a line without a slot field (a replica's, half of them) is never copied.
  for (let start = 0; start < reply.length;) {
    let end = reply.indexOf('\n', start);
    if (end < 0) end = reply.length;
    let at = start - 1;
    let k = 0;
    while (k < 8 && (at = reply.indexOf(' ', at + 1)) >= 0 && at < end) k++;
    if (k === 8) {
      const field = reply.slice(at + 1, reply[end - 1] === '\r' ? end - 1 : end);
      const tokens = field.split(' ').filter((t) => t !== '' && t[0] !== '[');
      if (tokens.length > 0) parts.push(`${reply.slice(start, reply.indexOf(' ', start))}:${tokens.length > 1 ? tokens.sort().join(',') : tokens[0]!}`);
    }
    start = end + 1;
  }
  if (parts.length === 0) return null;
  return parts.sort().join('|');
}

/** redis-cli's "consistent": ≤1 node, or every signature non-null and identical. */
export function signaturesAgree(signatures: readonly (string | null)[]): boolean {
  if (signatures.length <= 1) return true;
  const first = signatures[0];
  if (first === null || first === undefined) return false;
  return signatures.every((s) => s === first);
}
