/** redis-cli's report of cluster-bus links that do not come up while waiting for a join (spec §2.10). Pure. */
import { RedisDictOrder } from '../check/redisDict';
import type { ClusterNodesLine } from '../model/types';
import { parseNodeAddress } from '../parse/address';
import { out, type OutputChunk } from './output';

/** One node's CLUSTER NODES as seen while waiting (null when it did not answer). */
export interface JoinView {
  readonly addr: string;
  readonly lines: readonly ClusterNodesLine[] | null;
}

/** Peers in handshake or with a disconnected link, grouped by peer address, in Redis dict order. */
export function linkProblems(views: readonly JoinView[]): [string, string[]][] {
  const dict = new RedisDictOrder<string[]>();
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

export function renderLinkProblems(problems: readonly [string, readonly string[]][]): OutputChunk[] {
  if (problems.length === 0) return [];
  const chunks: OutputChunk[] = [out(`Warning: ${problems.length} node(s) may be unreachable\n`, 'error')];
  for (const [peer, observers] of problems) {
    const a = parseNodeAddress(peer);
    chunks.push(
      a && a.busPort
        ? out(` - The port ${a.busPort} of node ${a.host} may be unreachable from:\n`, 'error')
        : out(` - Node ${peer} may be unreachable from:\n`, 'error'),
    );
    for (const o of observers) chunks.push(out(`   ${o}\n`, 'error'));
  }
  chunks.push(
    out('Cluster bus ports must be reachable by every node.\nRemember that cluster bus ports are different from standard instance ports.\n', 'error'),
  );
  return chunks;
}
