/**
 * What fix reads of every master before and between its stages: its own
 * claims and open-slot markers, its view of who owns what (for the served
 * owner, fix/served.ts), and the keys it holds in slots it does not own.
 */
import type { ClusterNode } from '../model/types';
import { slotBitmap } from '../model/slots';
import { findMyself, isReplicaFlags, parseClusterNodes } from '../parse/clusterNodes';
import { pipelineInChunks } from '../io/bulk';
import { foreignKeysOf } from '../io/foreignKeys';
import { servedOwner, type MasterView } from './served';
import type { FixIo } from './steps';

export interface MasterClaims {
  readonly node: ClusterNode;
  readonly claims: Uint8Array;
  /** Slots the master imports (open-slot marker `[slot-<-id]`) → from whom; likewise migrates → to whom. */
  readonly importing: ReadonlyMap<number, string>;
  readonly migrating: ReadonlyMap<number, string>;
  /** Its whole CLUSTER NODES: who it believes owns what (for servedOwner). */
  readonly view: MasterView;
}

/** Each master's own current claims (CLUSTER NODES, myself line) and its view of the others, node-list order. */
export async function readClaims(io: FixIo): Promise<MasterClaims[]> {
  return Promise.all(
    io.masters().map(async (node) => {
      const lines = parseClusterNodes(String(await io.client(node.id).call('CLUSTER', 'NODES')));
      const me = findMyself(lines);
      const view: MasterView = {
        viewer: node.id,
        nodes: lines.map((l) => ({ id: l.id, slots: l.slots, configEpoch: l.configEpoch, master: !isReplicaFlags(l.flags) })),
      };
      return {
        node,
        claims: slotBitmap(me?.slots ?? []),
        view,
        importing: new Map((me?.importing ?? []).map((o) => [o.slot, o.peerId])),
        migrating: new Map((me?.migrating ?? []).map((o) => [o.slot, o.peerId])),
      };
    }),
  );
}

/** The loaded master clients are served `slot` from (majority view, else highest config epoch), or undefined. */
export function servedBy(io: FixIo, claims: readonly MasterClaims[], slot: number): string | undefined {
  const s = servedOwner(
    slot,
    claims.map((c) => c.view),
  );
  return s !== null && io.masters().some((m) => m.id === s.id) ? s.id : undefined;
}

/**
 * Per master, keys in slots it does not claim (io/foreignKeys.ts). Where
 * Redis 8 hides them (DBSIZE counts more keys than the slots), each such slot
 * is counted under a brief IMPORTING from its served owner, then STABLE
 * again: the only way to see them; no client is sent to an importing node
 * without ASK, so the probe changes what no client sees.
 */
export async function foreignKeys(io: FixIo, masters: readonly MasterClaims[]): Promise<{ nodeId: string; slot: number; keys: number }[]> {
  const per = await Promise.all(
    masters.map(async (m) => {
      const probe = async (slots: readonly number[]): Promise<number[]> => {
        const asked: { slot: number; owner: string }[] = [];
        for (const slot of slots) {
          const owner = servedBy(io, masters, slot);
          if (owner !== undefined && owner !== m.node.id && !m.importing.has(slot)) asked.push({ slot, owner });
        }
        const res = await pipelineInChunks(
          io.client(m.node.id),
          asked.flatMap(({ slot, owner }) => [
            ['CLUSTER', 'SETSLOT', slot, 'IMPORTING', owner] as const,
            ['CLUSTER', 'COUNTKEYSINSLOT', slot] as const,
            ['CLUSTER', 'SETSLOT', slot, 'STABLE'] as const,
          ]),
        );
        const bySlot = new Map(
          asked.map(({ slot }, i) => {
            const r = res[3 * i + 1]!;
            return [slot, r.ok ? Number(r.value) : -1] as const;
          }),
        );
        return slots.map((s) => bySlot.get(s) ?? 0);
      };
      return (await foreignKeysOf(io.client(m.node.id), m.claims, probe)).map((f) => ({ nodeId: m.node.id, ...f }));
    }),
  );
  return per.flat();
}
