/** Parsing of node addresses as redis-cli does it. Pure. */
import type { NodeAddress } from '../model/types';

/**
 * Parses `ip:port[@busport[,hostname]]` (CLUSTER NODES address field).
 * Cuts at the last `@`, then the rest at its last `:` so IPv6 works.
 * Returns null when there is no `:` or the port is not a number.
 */
export function parseNodeAddress(text: string): NodeAddress | null {
  let rest = text;
  let busPort = 0;
  let hostname: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const bus = rest.slice(at + 1);
    const comma = bus.indexOf(',');
    const busText = comma >= 0 ? bus.slice(0, comma) : bus;
    if (comma >= 0 && bus.length > comma + 1) hostname = bus.slice(comma + 1);
    busPort = atoi(busText);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon < 0) return null;
  const host = rest.slice(0, colon);
  const portText = rest.slice(colon + 1);
  if (!/^\d*$/.test(portText)) return null;
  const port = portText === '' ? 0 : Number(portText);
  return hostname === undefined ? { host, port, busPort } : { host, port, busPort, hostname };
}

/** C `atoi`: optional leading space and sign, digits, the rest ignored; no digits → 0. */
export function atoi(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}

/** C `atof`, as redis-cli parses float options. */
export function atof(text: string): number {
  const m = /^\s*([+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?))/.exec(text);
  return m ? Number.parseFloat(m[1]!) : 0;
}

/**
 * Parses a user-given entry address: `host:port` (one argument, `@bus` stripped,
 * split at the last `:`) or `host port` (two arguments). Returns null when the
 * host is empty or the port is 0, as redis-cli rejects those.
 */
export function parseEntryAddress(args: readonly string[]): { host: string; port: number } | null {
  if (args.length === 0) return null;
  let host: string;
  let port: number;
  if (args.length === 1) {
    let a = args[0]!;
    const at = a.lastIndexOf('@');
    if (at >= 0) a = a.slice(0, at);
    const colon = a.lastIndexOf(':');
    if (colon < 0) return null;
    host = a.slice(0, colon);
    port = atoi(a.slice(colon + 1));
  } else {
    host = args[0]!;
    port = atoi(args[1]!);
  }
  if (!host || port <= 0 || port > 65535) return null;
  return { host, port };
}

export function formatAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `${host}:${port}` : `${host}:${port}`;
}
