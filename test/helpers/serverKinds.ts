/**
 * The server kinds the real-server tests run on: 'redis7' (Debian's redis-server on PATH), 'redis8' and
 * 'valkey9' (built by test/servers/build-servers.sh into ~/.cache/rcm-servers/KIND/bin). Each kind's own CLI
 * is the oracle for parity tests. RCM_SERVER_KINDS=redis7,redis8,valkey9 selects the matrix; by default every
 * kind whose binaries exist. redis7 stays the default kind of every helper.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type ServerKind = 'redis7' | 'redis8' | 'valkey9';

export const ALL_KINDS: readonly ServerKind[] = ['redis7', 'redis8', 'valkey9'];
export const DEFAULT_KIND: ServerKind = 'redis7';

export interface ServerBinaries {
  /** The server binary (a PATH name for redis7, an absolute path otherwise). */
  readonly server: string;
  /** The kind's own CLI. */
  readonly cli: string;
}

/** Where build-servers.sh caches the builds (RCM_SERVERS_HOME overrides, like the script). */
export function serversHome(): string {
  return process.env.RCM_SERVERS_HOME ?? join(homedir(), '.cache', 'rcm-servers');
}

export function binariesOf(kind: ServerKind): ServerBinaries {
  if (kind === 'redis7') return { server: 'redis-server', cli: 'redis-cli' };
  const bin = join(serversHome(), kind, 'bin');
  return kind === 'valkey9'
    ? { server: join(bin, 'valkey-server'), cli: join(bin, 'valkey-cli') }
    : { server: join(bin, 'redis-server'), cli: join(bin, 'redis-cli') };
}

/** Whether a kind's binaries are there (redis7: assumed on PATH, as the rest of the suite does). */
export function kindAvailable(kind: ServerKind): boolean {
  if (kind === 'redis7') return true;
  const b = binariesOf(kind);
  return existsSync(b.server) && existsSync(b.cli);
}

function parseKinds(text: string): ServerKind[] {
  const kinds = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const k of kinds) {
    if (!(ALL_KINDS as readonly string[]).includes(k)) throw new Error(`RCM_SERVER_KINDS: unknown server kind "${k}" (known: ${ALL_KINDS.join(', ')})`);
  }
  return kinds as ServerKind[];
}

/**
 * The kinds a matrix test file loops over: RCM_SERVER_KINDS, else every kind whose binaries exist.
 * A kind named in RCM_SERVER_KINDS whose binaries are missing is an error (a matrix must not shrink silently).
 */
export function serverKinds(): ServerKind[] {
  const env = process.env.RCM_SERVER_KINDS;
  if (env === undefined || env.trim() === '') return ALL_KINDS.filter(kindAvailable);
  const kinds = parseKinds(env);
  const missing = kinds.filter((k) => !kindAvailable(k));
  if (missing.length > 0)
    throw new Error(
      `RCM_SERVER_KINDS names ${missing.join(', ')} but ${missing.map((k) => binariesOf(k).server).join(', ')} is missing: run test/servers/build-servers.sh`,
    );
  return kinds;
}

/** Valkey's CLI and check/info texts say primary/replica; Redis's say master/slave. */
export function isValkey(kind: ServerKind): boolean {
  return kind === 'valkey9';
}
