/** The nodes a user could have meant, for the `rcm:` line after an unknown or ambiguous node id. */
import type { NodeCandidate as Candidate } from '../ops/opOutput';
import { err, type OutputChunk } from './output';

/** `id (host:port), id (host:port)`; `none` for an empty list. */
export function candidatesText(nodes: readonly Candidate[]): string {
  return nodes.length ? nodes.map((n) => `${n.id} (${n.host}:${n.port})`).join(', ') : 'none';
}

/** `rcm: the masters are: …` on stderr. */
export function renderCandidates(what: string, nodes: readonly Candidate[]): OutputChunk {
  return err(`rcm: ${what}: ${candidatesText(nodes)}\n`);
}
