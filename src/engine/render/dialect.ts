/**
 * The words that differ between redis-cli 7/8 and valkey-cli 9 in `--cluster` texts, one table so every
 * renderer says them the same way (src/redis-cli.c vs src/valkey-cli.c of the built servers). Pure.
 */
import type { CliDialect } from '../model/dialect';

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
