/** A short, human summary of a move plan for confirmations and notifications. Pure. */
import type { MovePlan } from '../../engine';
import type { L10n } from './l10n';

export function nodeAddr(plan: MovePlan, id: string): string {
  const n = plan.nodes.find((x) => x.id === id);
  return n ? `${n.host}:${n.port}` : id.slice(0, 8);
}

/** One line per source → target pair, at most `max` lines. */
export function planLines(plan: MovePlan, l10n: L10n, max = 12): string[] {
  const pairs = new Map<string, { from: string; to: string; slots: number }>();
  for (const g of plan.groups) {
    const key = `${g.sourceId}>${g.targetId}`;
    const cur = pairs.get(key);
    if (cur) cur.slots += g.slots;
    else pairs.set(key, { from: g.sourceId, to: g.targetId, slots: g.slots });
  }
  const lines = [...pairs.values()].map((p) =>
    p.slots === 1
      ? l10n.t('{0} → {1}: 1 slot', nodeAddr(plan, p.from), nodeAddr(plan, p.to))
      : l10n.t('{0} → {1}: {2} slots', nodeAddr(plan, p.from), nodeAddr(plan, p.to), p.slots),
  );
  if (lines.length > max) return [...lines.slice(0, max), l10n.t('… and {0} more', lines.length - max)];
  return lines;
}

/** The slot counts before → after of every node the plan changes. */
export function planBalanceLines(plan: MovePlan, l10n: L10n): string[] {
  return plan.nodes
    .filter((n) => n.slotsBefore !== n.slotsAfter)
    .map((n) => l10n.t('{0}: {1} → {2} slots', `${n.host}:${n.port}`, n.slotsBefore, n.slotsAfter));
}
