/**
 * redis-cli's replica anti-affinity score and optimiser (spec §3.1), plus a
 * deterministic finishing pass of ours. Pure.
 *
 * Nodes are given as parallel arrays: `hosts[i]` is the host string as typed,
 * `keys[i]` the index of the master node i belongs to (`keys[i] === i` for a
 * master or an unassigned node, otherwise node i is a replica of keys[i]).
 */

export interface AffinityScore {
  /** 10000 × (size − 1) per host group holding a master and its replicas, + size per group of sibling replicas. */
  readonly score: number;
  /** For every offending group, its first replica (input order). */
  readonly offenders: readonly number[];
  /** Every replica that is in an offending group. */
  readonly offending: readonly number[];
}

export function antiAffinityScore(hosts: readonly string[], keys: readonly number[]): AffinityScore {
  const groups = new Map<string, number[]>();
  keys.forEach((key, i) => {
    const g = `${hosts[i]}\u0000${key}`;
    const list = groups.get(g);
    if (list) list.push(i);
    else groups.set(g, [i]);
  });
  let score = 0;
  const offenders: number[] = [];
  const offending: number[] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const key = keys[members[0]!]!;
    score += members.includes(key) ? 10000 * (members.length - 1) : members.length;
    const replicas = members.filter((i) => i !== key);
    if (replicas.length > 0) offenders.push(replicas[0]!);
    offending.push(...replicas);
  }
  return { score, offenders, offending };
}

function replicaIndexes(keys: readonly number[]): number[] {
  const out: number[] = [];
  keys.forEach((k, i) => {
    if (k !== i) out.push(i);
  });
  return out;
}

function swap(keys: number[], a: number, b: number): void {
  const t = keys[a]!;
  keys[a] = keys[b]!;
  keys[b] = t;
}

/**
 * redis-cli's optimiser: up to 500 × N random swaps of the masters of an
 * offender and another replica, undoing swaps that make the score worse.
 * Then (ours, not redis-cli's) a deterministic pass that tries every swap of
 * an offending replica and keeps strict improvements, so that a replica ends
 * up on its master's host only when no swap can avoid it.
 */
export function optimizeAntiAffinity(hosts: readonly string[], keys: readonly number[], random: () => number): number[] {
  const k = [...keys];
  const replicas = replicaIndexes(k);
  const pick = (n: number): number => Math.min(n - 1, Math.floor(random() * n));
  for (let iter = 500 * k.length; iter > 0; iter--) {
    const { score, offenders } = antiAffinityScore(hosts, k);
    if (score === 0 || offenders.length === 0) break;
    const first = offenders[pick(offenders.length)]!;
    const others = replicas.filter((i) => i !== first);
    if (others.length === 0) break;
    const second = others[pick(others.length)]!;
    swap(k, first, second);
    if (antiAffinityScore(hosts, k).score > score) swap(k, first, second);
  }
  finishAntiAffinity(hosts, k, replicas);
  return k;
}

/** Hill-climbing over pair swaps until no swap of an offending replica lowers the score. */
function finishAntiAffinity(hosts: readonly string[], k: number[], replicas: readonly number[]): void {
  let current = antiAffinityScore(hosts, k);
  for (let sweep = 0; current.score > 0 && sweep < 4 * k.length + 10; sweep++) {
    let improved = false;
    for (const a of current.offending) {
      for (const b of replicas) {
        if (a === b || k[a] === k[b]) continue;
        swap(k, a, b);
        const next = antiAffinityScore(hosts, k);
        if (next.score < current.score) {
          current = next;
          improved = true;
          break;
        }
        swap(k, a, b);
      }
      if (improved) break;
    }
    if (!improved) break;
  }
}
