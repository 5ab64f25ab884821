/** redis-cli 7.0's (or valkey-cli 9's) texts for `create`: allocation, anti-affinity outcome, plan preview. Pure. */
import { wordsOf, type CliDialect } from '../model/dialect';
import { countSlots, formatSlotRanges } from '../model/slots';
import type { CreateNodeInput, CreatePlan } from '../plan/createPlan';
import { out, type OutputChunk } from './output';

const addr = (n: CreateNodeInput): string => `${n.host}:${n.port}`;

export function renderTooFewMasters(nodes: number, replicas: number): OutputChunk[] {
  return [
    out(
      `*** ERROR: Invalid configuration for cluster creation.\n*** Redis Cluster requires at least 3 master nodes.\n*** This is not possible with ${nodes} nodes and ${replicas} replicas per node.`,
      'error',
    ),
    out(`\n*** At least ${3 * (replicas + 1)} nodes are required.\n`, 'error'),
  ];
}

/** valkey-cli 9's line before it asks whether 1 or 2 primaries will do. */
export function renderFewPrimaries(primaries: number, replicas: number): OutputChunk {
  return out(`Requested to create a cluster with ${primaries} primaries and ${replicas} replicas per primary.\n`, 'info');
}

/** ">>> Performing hash slots allocation…", the master ranges, "Adding replica …" and the anti-affinity lines. */
export function renderCreateAllocation(nodes: readonly CreateNodeInput[], plan: CreatePlan, dialect?: CliDialect): OutputChunk[] {
  const w = wordsOf(dialect);
  const chunks: OutputChunk[] = [out(`>>> Performing hash slots allocation on ${w.nodes(nodes.length)}...\n`, 'info')];
  plan.slotRanges.forEach((r, i) => chunks.push(out(`${w.Master}[${i}] -> Slots ${r.start} - ${r.end}\n`)));
  plan.initialPairs.forEach((p, i) => {
    if (i === plan.extraPairsFrom) chunks.push(out('Adding extra replicas...\n'));
    chunks.push(out(`Adding replica ${addr(nodes[p.replica]!)} to ${addr(nodes[p.master]!)}\n`));
  });
  if (plan.initialScore > 0) {
    chunks.push(out(`>>> Trying to optimize ${w.slaves} allocation for anti-affinity\n`, 'info'));
    if (plan.finalScore === 0) chunks.push(out('[OK] Perfect anti-affinity obtained!\n', 'ok'));
    else if (plan.finalScore >= 10000) chunks.push(out(`[WARNING] Some ${w.slaves} are in the same host as their ${w.master}\n`, 'warn'));
    else chunks.push(out(`[WARNING] Some ${w.slaves} of the same ${w.master} are in the same host\n`, 'warn'));
  }
  return chunks;
}

/** The listing shown before "Can I set the above configuration?" (input order). */
export function renderCreatePreview(nodes: readonly CreateNodeInput[], flags: readonly string[], plan: CreatePlan): OutputChunk[] {
  return nodes.map((n, i) => {
    const role = plan.roles[i]!;
    if (role.role === 'replica') {
      return out(`S: ${n.id} ${addr(n)}\n   replicates ${nodes[role.master]!.id}\n`);
    }
    const ranges = role.slots ? [role.slots] : [];
    return out(`M: ${n.id} ${addr(n)}\n   slots:${formatSlotRanges(ranges)} (${countSlots(ranges)} slots) ${flags[i] ?? 'master'}\n`);
  });
}
