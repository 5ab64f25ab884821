/** Pure parser of CLUSTER NODES replies. */
import { EngineError } from '../model/errors';
import { normalizeRanges, type SlotRange } from '../model/slots';
import type { ClusterNodesLine, NodeFlag, OpenSlot } from '../model/types';
import { parseNodeAddress } from './address';

/**
 * Parses one line: `id addr flags master ping pong epoch link [slots…]`.
 * Slot tokens: `N`, `A-B`, `[N->-ID]` (migrating to ID), `[N-<-ID]` (importing from ID).
 */
export function parseClusterNodesLine(line: string): ClusterNodesLine {
  const f = line.split(' ');
  if (f.length < 8) {
    throw new EngineError({ code: 'invalid-reply', message: `Invalid CLUSTER NODES line (expected at least 8 fields): ${line}` });
  }
  const [id, addressText, flagText, master, ping, pong, epoch, link] = f as [string, string, string, string, string, string, string, string];
  const flags = flagText.split(',').filter((x) => x.length > 0) as NodeFlag[];
  const address = parseNodeAddress(addressText);
  if (address === null) {
    throw new EngineError({ code: 'invalid-reply', message: `Invalid node address "${addressText}" in CLUSTER NODES line: ${line}` });
  }
  const noaddr = flags.includes('noaddr') || (address.host === '' && address.port === 0);
  const owned: SlotRange[] = [];
  const slotTokens: string[] = [];
  const migrating: OpenSlot[] = [];
  const importing: OpenSlot[] = [];
  for (const tok of f.slice(8)) {
    if (tok === '') continue;
    if (tok.startsWith('[')) {
      const m = /^\[(\d+)-([<>])-([0-9a-zA-Z]+)\]$/.exec(tok);
      if (!m) throw new EngineError({ code: 'invalid-reply', message: `Invalid open-slot token "${tok}" in CLUSTER NODES line` });
      const open = { slot: Number(m[1]), peerId: m[3]! };
      if (m[2] === '>') migrating.push(open);
      else importing.push(open);
      continue;
    }
    const m = /^(\d+)(?:-(\d+))?$/.exec(tok);
    if (!m) throw new EngineError({ code: 'invalid-reply', message: `Invalid slot token "${tok}" in CLUSTER NODES line` });
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    owned.push({ start, end });
    slotTokens.push(tok);
  }
  return {
    id,
    address: noaddr ? null : address,
    addressText,
    flags,
    masterId: master === '-' || master === '' ? null : master,
    pingSent: Number(ping) || 0,
    pongReceived: Number(pong) || 0,
    configEpoch: Number(epoch) || 0,
    linkState: link === 'connected' ? 'connected' : 'disconnected',
    slots: normalizeRanges(owned),
    migrating,
    importing,
    slotTokens,
  };
}

/** Parses a whole CLUSTER NODES reply (one node per line, trailing newline optional). */
export function parseClusterNodes(reply: string): ClusterNodesLine[] {
  return reply
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim().length > 0)
    .map(parseClusterNodesLine);
}

/**
 * Only the `myself` line of a whole reply, parsed; the other lines are not
 * (on 100 nodes, parsing every line of every node's reply was most of `check`'s time).
 */
export function parseMyselfLine(reply: string): ClusterNodesLine | undefined {
  for (let at = reply.indexOf('myself'); at >= 0; at = reply.indexOf('myself', at + 6)) {
    const start = reply.lastIndexOf('\n', at) + 1;
    const nl = reply.indexOf('\n', at);
    const line = reply.slice(start, nl < 0 ? reply.length : nl).replace(/\r$/, '');
    if (line.split(' ', 3)[2]?.split(',').includes('myself')) return parseClusterNodesLine(line);
  }
  return undefined;
}

/** The `myself` line of a reply, or undefined. */
export function findMyself(lines: readonly ClusterNodesLine[]): ClusterNodesLine | undefined {
  return lines.find((l) => l.flags.includes('myself'));
}

export function isReplicaFlags(flags: readonly NodeFlag[]): boolean {
  return flags.includes('slave') || flags.includes('replica');
}
