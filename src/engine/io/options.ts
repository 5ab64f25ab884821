/** Connection options shared by every node connection. Plain data. */

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
}

export interface ConnectionOptions {
  /** ACL user name; used only together with a password, as redis-cli does. */
  readonly user?: string;
  readonly password?: string;
  readonly tls?: TlsOptions;
  /** Connect timeout in ms (default 10000). */
  readonly connectTimeoutMs?: number;
  /**
   * Announced `ip:port` → reachable `host:port`, for clusters behind NAT,
   * Docker or SSH forwards. Listings keep the announced address.
   */
  readonly addressMap?: Readonly<Record<string, string>>;
}

/** Where to really connect for an announced address. */
export function resolveAddress(host: string, port: number, map?: Readonly<Record<string, string>>): { host: string; port: number } {
  const mapped = map?.[`${host}:${port}`];
  if (!mapped) return { host, port };
  const i = mapped.lastIndexOf(':');
  if (i < 0) return { host: mapped, port };
  return { host: mapped.slice(0, i), port: Number(mapped.slice(i + 1)) || port };
}
