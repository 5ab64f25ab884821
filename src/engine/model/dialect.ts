/**
 * Whose CLI's words a text uses. valkey-cli 9 renamed redis-cli's master/slave wording to primary/replica in
 * its `--cluster` texts (src/valkey-cli.c); redis-cli 7 and 8 share one wording. Pure.
 */
import type { Topology } from './types';

export type CliDialect = 'redis' | 'valkey';

/** 'valkey' when every server that said what it is is Valkey (INFO server_name / valkey_version), else 'redis'. */
export function dialectOf(serverNames: readonly ('redis' | 'valkey' | undefined)[]): CliDialect {
  const known = serverNames.filter((s) => s !== undefined);
  return known.length > 0 && known.every((s) => s === 'valkey') ? 'valkey' : 'redis';
}

/**
 * How the CLI's `dict` (src/dict.c, which redis-cli keeps open and uncovered slots in) rehashes on an insert:
 * 'scan' moves the next non-empty bucket in order (redis-cli 7.0); 'bucket' first moves the inserted key's own
 * old bucket when it is still there and not empty (_dictRehashStepIfNeeded/_dictBucketRehash: valkey-cli 9,
 * redis-cli 8.x, read in the 8.6.3 source; it came with redis/redis#12899, so 7.4 too, untested here).
 */
export type DictRehash = 'scan' | 'bucket';

/** The rehash step of the CLI matching these servers: 'bucket' when every one that said is Valkey or Redis >= 7.4. */
export function dictRehashOfServers(servers: readonly { readonly serverName?: string; readonly serverVersion?: string }[]): DictRehash {
  const known = servers.filter((s) => s.serverName !== undefined);
  const bucket = (name: string | undefined, version: string | undefined): boolean => {
    if (name === 'valkey') return true;
    const [major, minor] = (version ?? '').split('.').map(Number) as [number, number | undefined];
    return major > 7 || (major === 7 && (minor ?? 0) >= 4);
  };
  return known.length > 0 && known.every((s) => bucket(s.serverName, s.serverVersion)) ? 'bucket' : 'scan';
}

/** The rehash step of the CLI matching a cluster's masters. */
export function dictRehashOf(topology: Topology): DictRehash {
  return dictRehashOfServers(topology.nodes.filter((n) => n.role !== 'replica').map((n) => n.stats));
}

/** The dialect of a cluster's masters. */
export function dialectOfTopology(topology: Topology): CliDialect {
  return dialectOf(topology.nodes.filter((n) => n.role !== 'replica').map((n) => n.stats?.serverName));
}

/**
 * The words that differ between redis-cli 7/8 and valkey-cli 9 in `--cluster` texts, one table so every
 * planner message and renderer says them the same way (src/redis-cli.c vs src/valkey-cli.c of the built servers).
 */
export interface CliWords {
  readonly cli: string;
  readonly master: string;
  readonly Master: string;
  readonly masters: string;
  readonly slaves: string;
  /** redis-cli: `on 6 nodes...`; valkey-cli: `on 6 node(s)...`. */
  readonly nodes: (n: number) => string;
  /** What follows `Moving slot N from A to B` before the dots: redis-cli `: `, valkey-cli nothing. */
  readonly moveSep: string;
}

const REDIS: CliWords = {
  cli: 'redis-cli',
  master: 'master',
  Master: 'Master',
  masters: 'masters',
  slaves: 'slaves',
  nodes: (n) => `${n} nodes`,
  moveSep: ': ',
};
const VALKEY: CliWords = {
  cli: 'valkey-cli',
  master: 'primary',
  Master: 'Primary',
  masters: 'primaries',
  slaves: 'replicas',
  nodes: (n) => `${n} node(s)`,
  moveSep: '',
};

export function wordsOf(dialect: CliDialect | undefined): CliWords {
  return dialect === 'valkey' ? VALKEY : REDIS;
}
