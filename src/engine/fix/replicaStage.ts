/**
 * Open slots left on replicas. Valkey (8+) replicates CLUSTER SETSLOT from a primary to its replicas, and a
 * master that comes back as a replica of its own shard keeps its migrating/importing markers (valkey
 * cluster_legacy.c, clusterSetPrimary without closeSlots). valkey-cli's check counts those (it reads every
 * node) while its fix, like redis-cli's, only looks at masters and cannot fix them ("Sorry … can't fix this
 * slot yet"). A replica refuses SETSLOT from a client ("Please use SETSLOT only with masters"), so rcm sends
 * `CLUSTER SETSLOT <slot> STABLE` to its primary, which has the slot closed (no-op there) and replicates it to
 * the replica, then waits for the replica's own view to show it closed. Redis closes every slot of a node
 * that becomes a replica, so there this stage finds nothing.
 */
import { clockSleep } from '../exec/port';
import { parseMyselfLine } from '../parse/clusterNodes';
import type { ClusterNodesLine } from '../model/types';
import type { FixIo } from './steps';

const CLEAR_DEADLINE_MS = 10_000;
const CLEAR_POLL_MS = 50;

const openSlotsOf = (line: ClusterNodesLine | undefined): Set<number> => new Set([...(line?.migrating ?? []), ...(line?.importing ?? [])].map((o) => o.slot));

async function myselfOf(io: FixIo, id: string): Promise<ClusterNodesLine | undefined> {
  const r = await io.tryCall(id, 'CLUSTER', 'NODES');
  return r.ok ? parseMyselfLine(String(r.value)) : undefined;
}

/** The slots open on a replica and closed on its primary, as both say now (none when either could not say). Pure. */
export function replicaOnlyOpenSlots(replica: ClusterNodesLine | undefined, primary: ClusterNodesLine | undefined): number[] {
  if (!replica || !primary) return [];
  const openOnPrimary = openSlotsOf(primary);
  return [...openSlotsOf(replica)].filter((s) => !openOnPrimary.has(s)).sort((a, b) => a - b);
}

/**
 * Closes the open slots of replicas whose primary has them closed. True when none is left (or there were none);
 * false after a SETSLOT error (printed) or when a replica still shows them after the deadline (printed).
 */
export async function closeReplicaOpenSlots(io: FixIo): Promise<boolean> {
  const replicas = io.session.topology.nodes.filter((n) => n.role === 'replica' && n.masterId !== null && io.session.clients.has(n.id));
  let ok = true;
  for (const r of replicas) {
    const primaryId = r.masterId!;
    if (!io.session.clients.has(primaryId)) continue;
    const slots = replicaOnlyOpenSlots(await myselfOf(io, r.id), await myselfOf(io, primaryId));
    if (slots.length === 0) continue;
    io.emit({ kind: 'fix-replica-open-slots', slots, replica: io.addr(r.id), primary: io.addr(primaryId) });
    for (const s of slots) if (!(await io.setSlot(primaryId, s, 'STABLE'))) return false;
    const deadline = io.clock.now() + CLEAR_DEADLINE_MS;
    for (;;) {
      const now = await myselfOf(io, r.id);
      const left = now ? slots.filter((s) => openSlotsOf(now).has(s)) : slots;
      if (left.length === 0) break;
      if (io.clock.now() > deadline) {
        io.emitReplyError(r.id, `slots ${left.join(',')} are still open on this replica after CLUSTER SETSLOT STABLE on its primary`);
        ok = false;
        break;
      }
      await clockSleep(io.clock, CLEAR_POLL_MS);
    }
  }
  return ok;
}
