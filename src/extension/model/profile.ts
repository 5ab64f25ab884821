/**
 * Cluster profiles: what the user saved about a cluster (never a password).
 * Pure parsing and validation of what the input boxes and settings give.
 */
import { parseAddress } from '../../engine';
import type { L10n } from './l10n';

export interface TlsProfile {
  readonly enabled: boolean;
  /** Paths of PEM files, read at connect time. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly servername?: string;
  /** Skip certificate verification. */
  readonly insecure?: boolean;
}

export interface ClusterProfile {
  readonly id: string;
  readonly name: string;
  /** One or more `host:port` entry points, tried in order. */
  readonly seeds: readonly string[];
  /** ACL user (the password lives in SecretStorage). */
  readonly user?: string;
  readonly tls?: TlsProfile;
  /** Announced `ip:port` → reachable `host:port`. */
  readonly addressMap?: Readonly<Record<string, string>>;
  /** Set for a local sandbox started by the extension: where its state lives. */
  readonly sandbox?: { readonly dir: string; readonly port: number };
  /** Where the profile is stored: extension storage (UI) or the `redisClusterManager.clusters` setting. */
  readonly source: 'storage' | 'settings';
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** `host:port` (IPv6 as `[::1]:7000` or `::1:7000`); null when malformed. */
export function parseHostPort(text: string): HostPort | null {
  const a = parseAddress(text);
  return a.ok ? { host: a.host, port: a.port } : null;
}

export function formatHostPort(a: HostPort): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** Seeds separated by commas or spaces. Returns an error message or the list. */
export function parseSeeds(text: string, l10n: L10n): { seeds: string[] } | { error: string } {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) return { error: l10n.t('Enter at least one address as host:port.') };
  const seeds: string[] = [];
  for (const p of parts) {
    const hp = parseHostPort(p);
    if (!hp) return { error: l10n.t('"{0}" is not host:port (for example 127.0.0.1:7000).', p) };
    const s = formatHostPort(hp);
    if (!seeds.includes(s)) seeds.push(s);
  }
  return { seeds };
}

/** `ANNOUNCED=REACHABLE` pairs separated by commas or spaces; empty text is an empty map. */
export function parseAddressMap(text: string, l10n: L10n): { map: Record<string, string> } | { error: string } {
  const map: Record<string, string> = {};
  for (const entry of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const eq = entry.indexOf('=');
    const from = eq < 0 ? null : parseHostPort(entry.slice(0, eq));
    const to = eq < 0 ? null : parseHostPort(entry.slice(eq + 1));
    if (!from || !to) return { error: l10n.t('"{0}" is not ANNOUNCED_IP:PORT=HOST:PORT.', entry) };
    map[`${from.host}:${from.port}`] = formatHostPort(to);
  }
  return { map };
}

export function formatAddressMap(map: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(map ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** Validates a profile name against the others (case-insensitive, trimmed). */
export function validateName(name: string, others: readonly ClusterProfile[], l10n: L10n, selfId?: string): string | undefined {
  const n = name.trim();
  if (n === '') return l10n.t('Enter a name.');
  if (others.some((p) => p.id !== selfId && p.name.trim().toLowerCase() === n.toLowerCase())) {
    return l10n.t('A cluster named "{0}" already exists.', n);
  }
  return undefined;
}

/** Stable id of a profile defined in settings (they carry no id of their own unless given). */
export function settingsProfileId(name: string): string {
  return `cfg-${
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'cluster'
  }`;
}

/** Reads the `redisClusterManager.clusters` setting leniently: invalid entries are reported, not fatal. */
export function profilesFromSetting(value: unknown, l10n: L10n): { profiles: ClusterProfile[]; problems: string[] } {
  const profiles: ClusterProfile[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { profiles, problems };
  if (!Array.isArray(value)) return { profiles, problems: [l10n.t('The setting redisClusterManager.clusters must be a list.')] };
  value.forEach((raw: unknown, i) => {
    const o = (raw ?? {}) as Record<string, unknown>;
    const name = typeof o.name === 'string' ? o.name.trim() : '';
    const seedsText = Array.isArray(o.seeds) ? o.seeds.filter((s): s is string => typeof s === 'string').join(',') : '';
    const seeds = parseSeeds(seedsText, l10n);
    if (name === '' || 'error' in seeds) {
      problems.push(l10n.t('Entry {0} of redisClusterManager.clusters needs a name and seeds as host:port.', i + 1));
      return;
    }
    const id = typeof o.id === 'string' && o.id.trim() !== '' ? o.id.trim() : settingsProfileId(name);
    if (profiles.some((p) => p.id === id)) {
      problems.push(l10n.t('Entry {0} of redisClusterManager.clusters repeats the name "{1}".', i + 1, name));
      return;
    }
    const tlsRaw = o.tls as Record<string, unknown> | boolean | undefined;
    const tls: TlsProfile | undefined =
      tlsRaw === true
        ? { enabled: true }
        : tlsRaw && typeof tlsRaw === 'object'
          ? {
              enabled: tlsRaw.enabled !== false,
              ...(typeof tlsRaw.caFile === 'string' ? { caFile: tlsRaw.caFile } : {}),
              ...(typeof tlsRaw.certFile === 'string' ? { certFile: tlsRaw.certFile } : {}),
              ...(typeof tlsRaw.keyFile === 'string' ? { keyFile: tlsRaw.keyFile } : {}),
              ...(typeof tlsRaw.servername === 'string' ? { servername: tlsRaw.servername } : {}),
              ...(tlsRaw.insecure === true ? { insecure: true } : {}),
            }
          : undefined;
    const mapRaw = o.addressMap;
    const addressMap =
      mapRaw && typeof mapRaw === 'object' && !Array.isArray(mapRaw)
        ? Object.fromEntries(Object.entries(mapRaw as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'))
        : undefined;
    profiles.push({
      id,
      name,
      seeds: seeds.seeds,
      source: 'settings',
      ...(typeof o.user === 'string' && o.user !== '' ? { user: o.user } : {}),
      ...(tls ? { tls } : {}),
      ...(addressMap && Object.keys(addressMap).length > 0 ? { addressMap } : {}),
    });
  });
  return { profiles, problems };
}

/** The JSON written to the setting for a settings profile (no source, no secrets). */
export function profileToSetting(p: ClusterProfile): Record<string, unknown> {
  return {
    name: p.name,
    seeds: [...p.seeds],
    ...(p.id !== settingsProfileId(p.name) ? { id: p.id } : {}),
    ...(p.user ? { user: p.user } : {}),
    ...(p.tls ? { tls: p.tls } : {}),
    ...(p.addressMap ? { addressMap: p.addressMap } : {}),
  };
}
