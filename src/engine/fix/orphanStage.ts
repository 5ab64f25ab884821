/** fix's orphan-key stage (issue #10 item 5). */
import { nodeRef } from '../check/check';
import { foreignKeys, readClaims, servedBy } from './claims';
import { ORPHANS_QUESTION } from './questions';
import type { FixIo } from './steps';

export type OrphanFix = { slot: number; node: string; owner: string; ok: boolean };

/**
 * Orphan keys (issue #10 item 5; an rcm stage, redis-cli has none, so it
 * prints nothing on a cluster without them): keys a master holds in a slot it
 * neither owns nor imports, which no client reaches. After the question, each
 * is merged into the slot's served owner (fix/merge.ts): moved where the owner
 * lacks it, dropped where the owner holds an equal copy, kept and listed where
 * the copies differ. Slots nobody serves are left to the coverage stage.
 */
export async function fixOrphans(io: FixIo, confirm: (q: string) => Promise<boolean>): Promise<{ ok: boolean; fixed?: OrphanFix[] }> {
  const claims = await readClaims(io);
  const work: { node: string; slot: number; keys: number; owner: string }[] = [];
  for (const f of await foreignKeys(io, claims)) {
    if (claims.find((c) => c.node.id === f.nodeId)!.importing.has(f.slot)) continue;
    const owner = servedBy(io, claims, f.slot);
    if (owner !== undefined && owner !== f.nodeId) work.push({ ...f, node: f.nodeId, owner });
  }
  if (work.length === 0) return { ok: true };
  const findings = io.masters().flatMap((m) => {
    const mine = work.filter((w) => w.node === m.id);
    return mine.length === 0 ? [] : [{ node: nodeRef(m), keys: mine.reduce((a, w) => a + w.keys, 0), slots: mine.map((w) => w.slot) }];
  });
  io.emit({ kind: 'fix-orphans', findings });
  if (!(await confirm(ORPHANS_QUESTION))) {
    io.emit({ kind: 'fix-orphans-not-confirmed' });
    return { ok: false };
  }
  const fixed: OrphanFix[] = [];
  for (const w of work) {
    // The holder first learns who serves the slot (one just covered by this fix reaches it by gossip): a node
    // importing a slot takes no owner for it from gossip, so one set IMPORTING before it knew would stay without
    // an owner (MIGRATE: "CLUSTERDOWN Hash slot not served"; cluster_state fail) until the slot is stable again.
    if (!(await io.waitServedBy(w.node, w.slot, w.owner))) {
      io.emit({ kind: 'fix-owner-unknown', node: io.addr(w.node), slot: w.slot, owner: io.addr(w.owner) });
      fixed.push({ slot: w.slot, node: io.addr(w.node), owner: io.addr(w.owner), ok: false });
      return { ok: false, fixed };
    }
    // IMPORTING lets the node serve its keys of the slot to ASKING (DUMP, DEL) and run MIGRATE locally.
    const imported = await io.setSlot(w.node, w.slot, 'IMPORTING', w.owner);
    const ok = imported && (await io.moveSlot(w.node, w.owner, w.slot, true)) && (await io.setSlot(w.node, w.slot, 'STABLE'));
    // A failed move leaves nothing open: the keys it did not move stay where they were, still listed next time.
    if (imported && !ok) await io.setSlot(w.node, w.slot, 'STABLE');
    fixed.push({ slot: w.slot, node: io.addr(w.node), owner: io.addr(w.owner), ok });
    if (!ok) return { ok: false, fixed };
  }
  return { ok: true, fixed };
}
