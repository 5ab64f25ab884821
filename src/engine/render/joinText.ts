/** redis-cli's lines while waiting for a join, and its report of cluster-bus links that do not come up (spec §2.10). Pure. */
import type { JoinEvent } from '../ops/joinWait';
import { parseNodeAddress } from '../parse/address';
import { out, type OutputChunk } from './output';

export function renderLinkProblems(problems: readonly (readonly [string, readonly string[]])[]): OutputChunk[] {
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

export function renderJoinEvent(e: JoinEvent): OutputChunk[] {
  switch (e.kind) {
    case 'join-start':
      return [out(`${e.banner}\n`)];
    case 'join-dot':
      return [out('.')];
    case 'join-done':
      return [out('\n')];
    case 'join-failed':
      return [
        ...(e.banner !== undefined ? [out(`${e.banner}\n`)] : []),
        out('\n'),
        ...renderLinkProblems(e.problems),
        out(`[ERR] Gave up waiting after ${Math.round(e.waitedMs / 1000)} s: ${e.reason}.\n`, 'error'),
      ];
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
