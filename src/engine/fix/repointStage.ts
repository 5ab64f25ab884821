/** The I/O of fix/repoint.ts: the question, then SETSLOT on each node whose marker names a node that failed over. */
import { servedBy, type MasterClaims } from './claims';
import { REPOINT_QUESTION } from './questions';
import { repointOpenSlots } from './repoint';
import type { FixIo } from './steps';

/**
 * Open-slot markers naming a node that failed over, re-pointed to its shard's
 * current master (fix/repoint.ts), after a question. Returns false when a
 * SETSLOT failed (printed) or the question was declined.
 */
export async function repoint(io: FixIo, claims: readonly MasterClaims[], confirm: (q: string) => Promise<boolean>): Promise<boolean> {
  const masters = claims.map((c) => ({
    id: c.node.id,
    importing: [...c.importing].map(([slot, peerId]) => ({ slot, peerId })),
    migrating: [...c.migrating].map(([slot, peerId]) => ({ slot, peerId })),
  }));
  const todo = repointOpenSlots(masters, io.session.topology.nodes, (slot) => servedBy(io, claims, slot));
  if (todo.length === 0) return true;
  const short = (id: string): string => (io.session.topology.nodes.some((n) => n.id === id) ? io.addr(id) : id);
  for (const r of todo) io.emit({ kind: 'fix-repoint', slot: r.slot, node: io.addr(r.node), marker: r.kind, from: short(r.from), to: io.addr(r.to) });
  if (!(await confirm(REPOINT_QUESTION))) return false;
  for (const r of todo) {
    const ok =
      r.kind === 'importing'
        ? // SETSLOT NODE first: the node's own view still names the old master as the slot's owner.
          (await io.setSlot(r.node, r.slot, 'NODE', r.to)) && (await io.setSlot(r.node, r.slot, 'IMPORTING', r.to))
        : await io.setSlot(r.node, r.slot, 'MIGRATING', r.to);
    if (!ok) return false;
  }
  return true;
}
