/**
 * `CLUSTER SLOT-STATS SLOTSRANGE a b` / `ORDERBY metric [LIMIT n]` replies
 * (Redis ≥ 8.2, Valkey ≥ 8.0). RESP2 shape: one `[slot, [name, value, …]]`
 * per slot the node owns. Fields seen: `key-count` always; `cpu-usec`,
 * `network-bytes-in`, `network-bytes-out` only with
 * `cluster-slot-stats-enabled yes`; `memory-bytes` where the server tracks it.
 * Unknown fields are ignored. Pure.
 */

export interface SlotStatsEntry {
  readonly slot: number;
  readonly keys: number;
  readonly cpuUs?: number;
  readonly netIn?: number;
  readonly netOut?: number;
  readonly memory?: number;
}

const FIELDS: Record<string, keyof Omit<SlotStatsEntry, 'slot'>> = {
  'key-count': 'keys',
  'cpu-usec': 'cpuUs',
  'network-bytes-in': 'netIn',
  'network-bytes-out': 'netOut',
  'memory-bytes': 'memory',
};

function toNumber(v: unknown): number | undefined {
  if (Buffer.isBuffer(v)) v = v.toString();
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Field pairs of one slot: a flat `[k, v, …]` array (RESP2) or an object (RESP3 map). */
function fieldPairs(stats: unknown): [string, unknown][] {
  if (Array.isArray(stats)) {
    const out: [string, unknown][] = [];
    for (let i = 0; i + 1 < stats.length; i += 2) out.push([String(stats[i]), stats[i + 1]]);
    return out;
  }
  if (stats && typeof stats === 'object') return Object.entries(stats as Record<string, unknown>);
  return [];
}

/** Parses a SLOT-STATS reply; throws on a reply that is not a list of `[slot, stats]`. */
export function parseSlotStats(reply: unknown): SlotStatsEntry[] {
  if (!Array.isArray(reply)) throw new Error('CLUSTER SLOT-STATS: expected an array reply');
  const out: SlotStatsEntry[] = [];
  for (const item of reply) {
    if (!Array.isArray(item) || item.length < 2) throw new Error('CLUSTER SLOT-STATS: expected [slot, stats] entries');
    const slot = toNumber(item[0]);
    if (slot === undefined || slot < 0 || slot > 16383) throw new Error(`CLUSTER SLOT-STATS: bad slot ${String(item[0])}`);
    const entry: { -readonly [K in keyof SlotStatsEntry]?: number } = { slot, keys: 0 };
    for (const [name, value] of fieldPairs(item[1])) {
      const field = FIELDS[name.toLowerCase()];
      const n = toNumber(value);
      if (field && n !== undefined) entry[field] = n;
    }
    out.push(entry as SlotStatsEntry);
  }
  return out;
}

/**
 * Whether a COMMAND INFO reply for `cluster|slot-stats` names a known command
 * (capability detection; never by version). Unknown commands come back as a
 * nil entry.
 */
export function commandInfoKnown(reply: unknown): boolean {
  return Array.isArray(reply) && reply.length > 0 && Array.isArray(reply[0]) && reply[0].length > 0;
}
