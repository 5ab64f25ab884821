/** Which cluster-bus links are down while waiting for a join (spec §2.10): the data behind redis-cli's warning. Pure. */
import { RedisDictOrder } from './redisDict';
import type { ClusterNodesLine } from '../model/types';
import type { DictRehash } from '../model/dialect';

/** One node's CLUSTER NODES as seen while waiting (null when it did not answer). */
export interface JoinView {
  readonly addr: string;
  readonly lines: readonly ClusterNodesLine[] | null;
}

/** Peers in handshake or with a disconnected link, grouped by peer address, in the order of the CLI's dict (`rehash`: model/dialect.ts). */
export function linkProblems(views: readonly JoinView[], rehash: DictRehash = 'scan'): [string, string[]][] {
  const dict = new RedisDictOrder<string[]>(rehash);
  const byPeer = new Map<string, string[]>();
  for (const v of views) {
    for (const l of v.lines ?? []) {
      if (l.flags.includes('myself')) continue;
      const bad = l.flags.includes('disconnected') || l.flags.includes('handshake') || l.linkState === 'disconnected';
      if (!bad) continue;
      let observers = byPeer.get(l.addressText);
      if (!observers) {
        observers = [];
        byPeer.set(l.addressText, observers);
        dict.set(l.addressText, observers);
      }
      observers.push(v.addr);
    }
  }
  return dict.entries();
}
