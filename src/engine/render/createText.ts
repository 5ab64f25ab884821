/** redis-cli 7.0's (or valkey-cli 9's) texts for `create` (ops/create.ts): allocation, anti-affinity outcome, plan preview. Pure. */
import { wordsOf, type CliDialect } from '../model/dialect';
import { countSlots, formatSlotRanges } from '../model/slots';
import type { BadMeetHostEvent, CreateEvent } from '../ops/create';
import type { CreateNodeInput, CreatePlan } from '../plan/createPlan';
import { renderFreshRejected } from './newNodeText';
import { isSharedEvent, renderSharedEvent } from './opText';
import { err, out, type OutputChunk } from './output';

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

export function renderBadMeetHost(e: BadMeetHostEvent): OutputChunk[] {
  return [err(`Invalid IP address or hostname specified: ${e.host}\n`)];
}

export function renderCreateEvent(e: CreateEvent): OutputChunk[] {
  if (isSharedEvent(e)) return renderSharedEvent(e);
  switch (e.kind) {
    case 'create-bad-address':
      return [err(`Invalid address format: ${e.address}\n`)];
    case 'create-duplicate':
      return [out(`[ERR] Node ${e.addr} is the same node as ${e.twin} (node ID ${e.id}): list every node once.\n`, 'error')];
    case 'create-bad-replicas':
      return [out(`[ERR] Invalid --cluster-replicas ${e.replicas}: the number of replicas per master must be 0 or more.\n`, 'error')];
    case 'create-too-few-masters':
      return renderTooFewMasters(e.nodes, e.replicas);
    case 'create-few-primaries':
      return [renderFewPrimaries(e.primaries, e.replicas)];
    case 'create-plan':
      return [...renderCreateAllocation(e.nodes, e.plan, e.dialect), ...renderCreatePreview(e.nodes, e.flags, e.plan)];
    case 'create-configured':
      return [out('>>> Nodes configuration updated\n', 'info'), out('>>> Assign a different config epoch to each node\n', 'info')];
    case 'create-meet':
      return [out('>>> Sending CLUSTER MEET messages to join the cluster\n', 'info')];
    case 'bad-meet-host':
      return renderBadMeetHost(e);
    case 'fresh-rejected':
      return renderFreshRejected(e);
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
