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

/** A user-given `host:port`, or why it is not one. */
export type AddressParse = { readonly ok: true; readonly host: string; readonly port: number } | { readonly ok: false; readonly reason: string };

/**
 * The one parser of user-given addresses (CLI arguments, --cluster-from,
 * --address-map, the extension's seeds and dialogs): `host:port`, IPv6 as
 * `[::1]:7000` or redis-cli's `::1:7000` (split at the last `:`), a host name,
 * an optional `@busport` cut off as redis-cli does. The port is strictly a
 * whole number 1-65535 (redis-cli reads it with atoi: `7000x` is 7000) — a
 * deliberate difference. `reason` says what is wrong, for one clear line.
 */
export function parseAddress(text: string): AddressParse {
  let a = text.trim();
  const at = a.lastIndexOf('@');
  if (at >= 0 && /^\d*(,.*)?$/.test(a.slice(at + 1))) a = a.slice(0, at);
  if (a === '') return { ok: false, reason: 'the address is empty' };
  let host: string;
  let portText: string;
  const bracket = /^\[([^\]]*)\]:(.*)$/.exec(a);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2]!;
  } else {
    const colon = a.lastIndexOf(':');
    if (colon < 0) return { ok: false, reason: 'there is no ":port" (expected host:port, e.g. 127.0.0.1:7000 or [::1]:7000)' };
    host = a.slice(0, colon);
    portText = a.slice(colon + 1);
  }
  return withPort(host, portText);
}

/** `host` and `port` given as two arguments (`host port`). */
export function parseHostAndPort(hostText: string, portText: string): AddressParse {
  const host = hostText.trim();
  const bracket = /^\[([^\]]*)\]$/.exec(host);
  return withPort(bracket ? bracket[1]! : host, portText);
}

function withPort(host: string, portText: string): AddressParse {
  if (host === '') return { ok: false, reason: 'the host is empty' };
  if (/[\s[\]/]/.test(host)) return { ok: false, reason: `"${host}" is not a host name or IP address` };
  const p = portText.trim();
  const port = /^\d+$/.test(p) ? Number(p) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return { ok: false, reason: `the port must be a whole number from 1 to 65535 (got "${portText}")` };
  }
  return { ok: true, host, port };
}

/**
 * A user-given entry address: `host:port` (one argument) or `host port` (two
 * arguments), through parseAddress. Null when it is not one.
 */
export function parseEntryAddress(args: readonly string[]): { host: string; port: number } | null {
  const r = entryAddress(args);
  return r.ok ? { host: r.host, port: r.port } : null;
}

/** parseEntryAddress with the reason when it is not an address. */
export function entryAddress(args: readonly string[]): AddressParse {
  if (args.length === 0) return { ok: false, reason: 'no address was given' };
  return args.length === 1 ? parseAddress(args[0]!) : parseHostAndPort(args[0]!, args[1]!);
}

/** `host:port` for messages and listings, as redis-cli prints it (IPv6 unbracketed: `::1:7000`). */
export function formatAddress(host: string, port: number): string {
  return `${host}:${port}`;
}
