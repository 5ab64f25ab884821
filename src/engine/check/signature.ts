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
 */
export function replySignature(reply: string): string | null {
  const parts: string[] = [];
  for (const raw of reply.split('\n')) {
    const f = raw.replace(/\r$/, '').split(' ');
    if (f.length <= 8) continue;
    const tokens = f.slice(8).filter((t) => t !== '' && !t.startsWith('['));
    if (tokens.length > 0) parts.push(`${f[0]}:${tokens.sort(byteCompare).join(',')}`);
  }
  if (parts.length === 0) return null;
  return parts.sort(byteCompare).join('|');
}

/** redis-cli's "consistent": ≤1 node, or every signature non-null and identical. */
export function signaturesAgree(signatures: readonly (string | null)[]): boolean {
  if (signatures.length <= 1) return true;
  const first = signatures[0];
  if (first === null || first === undefined) return false;
  return signatures.every((s) => s === first);
}
