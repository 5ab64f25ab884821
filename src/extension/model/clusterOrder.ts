/**
 * The order clusters are offered in by the palette's "Select a cluster": the
 * one selected in the tree first, then healthy connected ones, connected ones
 * with problems, not yet connected ones, and those that failed to load last.
 * Pure.
 */
import type { ClusterView } from '../tree/model';

function rank(view: ClusterView | undefined): number {
  if (!view) return 3;
  if (view.status === 'connected' && !view.error) return view.check?.ok === false ? 1 : 0;
  if (view.status === 'connected' || view.status === 'connecting') return 1;
  if (view.status === 'disconnected') return 2;
  return 3;
}

export function orderClusterIds(ids: readonly string[], views: ReadonlyMap<string, ClusterView>, selectedId?: string): string[] {
  return ids
    .map((id, i) => ({ id, i, r: id === selectedId ? -1 : rank(views.get(id)) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.id);
}
