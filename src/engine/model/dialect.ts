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
