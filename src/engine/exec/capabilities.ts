/**
 * Which slot-migration protocol each source→target pair speaks, by capability, never by version number:
 * every node of a pair is asked `COMMAND INFO` for the atomic commands, and a pair moves atomically only when
 * both ends have the same family. A mixed cluster falls back pair by pair to the classic protocol.
 *
 *   valkey-atomic  CLUSTER MIGRATESLOTS + CLUSTER GETSLOTMIGRATIONS + CLUSTER CANCELSLOTMIGRATIONS (Valkey 9)
 *   redis-atomic   CLUSTER MIGRATION (IMPORT / STATUS / CANCEL) (Redis 8.4+)
 */
import type { SlotPort } from './port';
import type { StrategyKind } from './strategy';

/** The subcommands each atomic family needs, as COMMAND INFO names them. */
export const ATOMIC_COMMANDS: Readonly<Record<Exclude<StrategyKind, 'legacy'>, readonly string[]>> = {
  'valkey-atomic': ['cluster|migrateslots', 'cluster|getslotmigrations', 'cluster|cancelslotmigrations'],
  'redis-atomic': ['cluster|migration'],
};

const PROBED = [...ATOMIC_COMMANDS['valkey-atomic'], ...ATOMIC_COMMANDS['redis-atomic']];

export type NodeCapabilities = ReadonlySet<Exclude<StrategyKind, 'legacy'>>;

/**
 * The atomic families a COMMAND INFO reply (asked for `names`, in order) shows. A server without a
 * command answers nil in its place; Redis 7 answers nil for every unknown `container|sub`. Pure.
 */
export function capabilitiesFromCommandInfo(names: readonly string[], reply: unknown): NodeCapabilities {
  const known = new Set<string>();
  if (Array.isArray(reply)) {
    reply.forEach((entry, i) => {
      if (Array.isArray(entry) && entry.length > 0 && String(entry[0]).toLowerCase() === names[i]) known.add(names[i]!);
    });
  }
  const caps = new Set<Exclude<StrategyKind, 'legacy'>>();
  for (const [kind, needed] of Object.entries(ATOMIC_COMMANDS) as [Exclude<StrategyKind, 'legacy'>, readonly string[]][]) {
    if (needed.every((n) => known.has(n))) caps.add(kind);
  }
  return caps;
}

/** The protocol for one pair: the atomic family both ends have (Valkey's first), else legacy. Pure. */
export function pairStrategy(source: NodeCapabilities | undefined, target: NodeCapabilities | undefined): StrategyKind {
  for (const kind of ['valkey-atomic', 'redis-atomic'] as const) {
    if (source?.has(kind) && target?.has(kind)) return kind;
  }
  return 'legacy';
}

/**
 * Asks each node once. A node that cannot be asked (no raw commands, an error reply, e.g. COMMAND renamed or
 * refused by an ACL) has no atomic capability: its pairs use the classic protocol.
 */
export async function probeCapabilities(port: SlotPort, nodeIds: readonly string[]): Promise<Map<string, NodeCapabilities>> {
  const out = new Map<string, NodeCapabilities>();
  await Promise.all(
    [...new Set(nodeIds)].map(async (id) => {
      let caps: NodeCapabilities = new Set();
      if (port.command) {
        try {
          caps = capabilitiesFromCommandInfo(PROBED, await port.command(id, 'COMMAND', 'INFO', ...PROBED));
        } catch {
          caps = new Set();
        }
      }
      out.set(id, caps);
    }),
  );
  return out;
}
