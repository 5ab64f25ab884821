/**
 * The cluster check (redis-cli `--cluster check`) as a pure function of a
 * loaded topology: configuration agreement, open slots, slot coverage and,
 * on request, multiple slot owners. Findings are plain data with codes.
 */
import { SLOT_COUNT, rangesFromSlots } from '../model/slots';
import type { CheckFinding, CheckOptions, CheckResult, NodeRef } from '../model/check';
import type { ClusterNode, Topology } from '../model/types';
import { RedisDictOrder } from './redisDict';
import { dictRehashOf } from '../model/dialect';
import { signaturesAgree } from './signature';

export type { CheckFinding, CheckFindingCode, CheckOptions, CheckResult, NodeRef } from '../model/check';

export function nodeRef(n: Pick<ClusterNode, 'id' | 'host' | 'port'>): NodeRef {
  return { id: n.id, addr: `${n.host}:${n.port}` };
}

export function isReplicaNode(n: ClusterNode): boolean {
  return n.role === 'replica';
}

export function checkCluster(topology: Topology, options: CheckOptions = {}): CheckResult {
  const findings: CheckFinding[] = [];
  const nodes = topology.nodes;

  const configConsistent = signaturesAgree(nodes.map((n) => n.signature));
  if (!configConsistent) {
    findings.push({ code: 'config-disagree', signatures: nodes.map((n) => ({ node: nodeRef(n), signature: n.signature })) });
  }

  const open = new RedisDictOrder<string>(dictRehashOf(topology));
  for (const n of nodes) {
    if (n.migrating.length > 0) {
      findings.push({ code: 'slots-migrating', node: nodeRef(n), slots: n.migrating.map((m) => m.slot) });
      for (const m of n.migrating) open.set(String(m.slot), m.peerId);
    }
    if (n.importing.length > 0) {
      findings.push({ code: 'slots-importing', node: nodeRef(n), slots: n.importing.map((m) => m.slot) });
      for (const m of n.importing) open.set(String(m.slot), m.peerId);
    }
  }
  const openSlots = open.keys().map(Number);
  if (openSlots.length > 0) findings.push({ code: 'open-slots', slots: openSlots });

  const covered = new Uint8Array(SLOT_COUNT);
  for (const n of nodes) for (const r of n.slots) covered.fill(1, r.start, r.end + 1);
  const missing: number[] = [];
  for (let s = 0; s < SLOT_COUNT; s++) if (!covered[s]) missing.push(s);
  const uncovered = rangesFromSlots(missing);
  if (missing.length > 0) findings.push({ code: 'slots-uncovered', uncovered, count: missing.length });

  let multipleOwners: { slot: number; owners: NodeRef[] }[] | undefined;
  if (options.searchMultipleOwners) {
    multipleOwners = findMultipleOwners(topology);
    for (const m of multipleOwners) findings.push({ code: 'multiple-owners', slot: m.slot, owners: m.owners });
  }

  return {
    ok: findings.length === 0,
    configConsistent,
    openSlots,
    uncovered,
    multipleOwners,
    findings,
  };
}

/** Owners of a slot = masters claiming it, plus masters holding keys in it without claiming it. */
function findMultipleOwners(topology: Topology): { slot: number; owners: NodeRef[] }[] {
  const masters = topology.nodes.filter((n) => !isReplicaNode(n));
  const claims = masters.map((m) => {
    const map = new Uint8Array(SLOT_COUNT);
    for (const r of m.slots) map.fill(1, r.start, r.end + 1);
    return map;
  });
  const foreign = new Map<string, Set<number>>();
  for (const f of topology.foreignKeys ?? []) {
    if (f.keys <= 0) continue;
    let set = foreign.get(f.nodeId);
    if (!set) foreign.set(f.nodeId, (set = new Set()));
    set.add(f.slot);
  }
  const out: { slot: number; owners: NodeRef[] }[] = [];
  for (let s = 0; s < SLOT_COUNT; s++) {
    const owners: NodeRef[] = [];
    masters.forEach((m, i) => {
      if (claims[i]![s] || foreign.get(m.id)?.has(s)) owners.push(nodeRef(m));
    });
    if (owners.length > 1) out.push({ slot: s, owners });
  }
  return out;
}
