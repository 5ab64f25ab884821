/** Connection options shared by every node connection. Plain data. */
import { parseAddress } from '../parse/address';

export interface TlsOptions {
  /** PEM text of the CA bundle (the CLI reads --cacert into this). */
  readonly ca?: string;
  /** PEM client certificate and key. */
  readonly cert?: string;
  readonly key?: string;
  /** SNI server name. */
  readonly servername?: string;
  /** Skip certificate verification (--insecure). */
  readonly insecure?: boolean;
  /** Verify the chain but not the host name (--tls-skip-hostname-check; redis-cli 7.0 never checks it). */
  readonly skipHostnameCheck?: boolean;
}

export interface ConnectionOptions {
  /** ACL user name; used only together with a password, as redis-cli does. */
  readonly user?: string;
  readonly password?: string;
  readonly tls?: TlsOptions;
  /** Connect timeout in ms (default 10000). */
  readonly connectTimeoutMs?: number;
  /**
   * How long a node may stay silent while a reply is due, ms, before its connection counts as lost
   * (default io/commandDeadline.ts DEFAULT_COMMAND_TIMEOUT_MS; 0: wait forever, as redis-cli). Commands with
   * their own timeout (MIGRATE, WAIT, blocking reads) get it on top.
   */
  readonly commandTimeoutMs?: number;
  /**
   * Announced `ip:port` → reachable `host:port`, for clusters behind NAT,
   * Docker or SSH forwards. Listings keep the announced address.
   */
  readonly addressMap?: Readonly<Record<string, string>>;
  /** Resolve host names to IPv4 only (-4) or IPv6 only (-6), as redis-cli 7.4+. */
  readonly family?: 4 | 6;
}

/** Where to really connect for an announced address. */
export function resolveAddress(host: string, port: number, map?: Readonly<Record<string, string>>): { host: string; port: number } {
  const mapped = map?.[`${host}:${port}`];
  if (!mapped) return { host, port };
  const a = parseAddress(mapped);
  return a.ok ? { host: a.host, port: a.port } : { host: mapped, port };
}
