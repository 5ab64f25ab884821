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
