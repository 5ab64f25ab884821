/** Parsing of `CLUSTER NODES` / `CLUSTER INFO` output, as the harness needs it. */

/** One line of CLUSTER NODES. */
export interface NodesLine {
  id: string;
  /** 'ip:port' (bus port and hostname stripped). */
  addr: string;
  flags: string[];
  /** Master id, or '-' for masters. */
  masterId: string;
  /** Slot tokens ('0-5460', '7'), without the bracketed open-slot tokens. */
  slotTokens: string[];
  /** Bracketed open-slot tokens, e.g. '[400->-abc…]' or '[400-<-abc…]'. */
  openSlots: string[];
}

export function parseClusterNodes(text: string): NodesLine[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const fields = line.split(' ');
      const rest = fields.slice(8);
      return {
        id: fields[0]!,
        addr: fields[1]!.split('@')[0]!.split(',')[0]!,
        flags: fields[2]!.split(','),
        masterId: fields[3]!,
        slotTokens: rest.filter((t) => !t.startsWith('[')),
        openSlots: rest.filter((t) => t.startsWith('[')),
      };
    });
}

/** The `myself` line of a CLUSTER NODES output. */
export function myselfLine(lines: readonly NodesLine[]): NodesLine {
  const line = lines.find((l) => l.flags.includes('myself'));
  if (!line) throw new Error('CLUSTER NODES output has no myself line');
  return line;
}

/** Whether a line's slot tokens cover `slot`. */
export function claimsSlot(line: NodesLine, slot: number): boolean {
  return line.slotTokens.some((token) => {
    const [from, to] = token.split('-').map(Number) as [number, number | undefined];
    return slot >= from && slot <= (to ?? from);
  });
}

/**
 * Slot-configuration signature like redis-cli's: for every line claiming
 * slots, `id:sorted slot tokens`, entries sorted and joined. Nodes agree on
 * the slot configuration when their signatures are equal.
 */
export function slotSignature(lines: readonly NodesLine[]): string {
  return lines
    .filter((l) => l.slotTokens.length > 0)
    .map((l) => `${l.id}:${[...l.slotTokens].sort().join(',')}`)
    .sort()
    .join('|');
}

/** `field:value` pairs of CLUSTER INFO / INFO output. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}
