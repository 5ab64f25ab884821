/**
 * Which master clients are served a slot from (issue #10 item 4), decided
 * before fix changes anything: the owner in the view of a majority of the
 * masters (each master's CLUSTER NODES), else the claimer with the highest
 * config epoch (the claim Redis's own conflict rule lets win). Its copy of a
 * key is the one an acknowledged write went to, so fix keeps that copy and
 * never moves the slot's ownership away from it while another node holds a
 * different copy of one of its keys. Pure.
 */
import type { SlotRange } from '../model/slots';

/** One master's CLUSTER NODES: who it believes owns what. */
export interface MasterView {
  readonly viewer: string;
  readonly nodes: readonly { readonly id: string; readonly slots: readonly SlotRange[]; readonly configEpoch: number; readonly master: boolean }[];
}

export interface ServedOwner {
  readonly id: string;
  /** 'majority': `votes` of `of` masters name it; 'epoch': no majority, highest config epoch among the named owners. */
  readonly by: 'majority' | 'epoch';
  readonly votes: number;
  readonly of: number;
}

function inRanges(ranges: readonly SlotRange[], slot: number): boolean {
  return ranges.some((r) => r.start <= slot && slot <= r.end);
}

/** The owner each viewer names for the slot (the highest config epoch if a view names several), or null. */
function ownerInView(view: MasterView, slot: number): { id: string; epoch: number } | null {
  let best: { id: string; epoch: number } | null = null;
  for (const n of view.nodes) {
    if (!n.master || !inRanges(n.slots, slot)) continue;
    if (best === null || n.configEpoch > best.epoch) best = { id: n.id, epoch: n.configEpoch };
  }
  return best;
}

/** The served owner of `slot`, or null when no master's view names an owner (the slot is uncovered). */
export function servedOwner(slot: number, views: readonly MasterView[]): ServedOwner | null {
  const votes = new Map<string, number>();
  const epochs = new Map<string, number>();
  for (const v of views) {
    const o = ownerInView(v, slot);
    if (o === null) continue;
    votes.set(o.id, (votes.get(o.id) ?? 0) + 1);
    epochs.set(o.id, Math.max(epochs.get(o.id) ?? 0, o.epoch));
  }
  for (const [id, n] of votes) if (n * 2 > views.length) return { id, by: 'majority', votes: n, of: views.length };
  let best: string | null = null;
  for (const [id, e] of epochs) if (best === null || e > epochs.get(best)!) best = id;
  return best === null ? null : { id: best, by: 'epoch', votes: votes.get(best)!, of: views.length };
}
