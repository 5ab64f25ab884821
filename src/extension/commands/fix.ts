/** Fix…: shows what fix would do (computed without changing anything), asks, then repairs. */
import * as vscode from 'vscode';
import { formatSlotRanges, previewFix, rangesFromSlots, renderFixEvent, runFix, type FixPreview } from '../../engine';
import { withProgress } from '../services/progress';
import type { CommandHandler } from './context';
import { pickClusterId } from './pick';
import { confirmChange, notifyResult, runOperation } from './run';

function shortSlots(slots: readonly number[]): string {
  const text = formatSlotRanges(rangesFromSlots(slots));
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** What the preview says fix will do, one line each. */
export function fixPlanLines(p: FixPreview): string[] {
  const addr = (id: string): string => p.nodes[id] ?? id.slice(0, 8);
  const lines: string[] = [];
  for (const a of p.openSlots) {
    const act = a.action;
    switch (act.kind) {
      case 'case1':
        lines.push(vscode.l10n.t('Slot {0}: finish moving it from {1} to {2}', a.slot, addr(act.source), addr(act.target)));
        break;
      case 'case2':
        lines.push(vscode.l10n.t('Slot {0}: move its keys back to {1}, which keeps it', a.slot, addr(act.owner)));
        break;
      case 'case3-move':
        lines.push(vscode.l10n.t('Slot {0}: finish moving it from {1} to {2}, close it elsewhere', a.slot, addr(act.source), addr(act.target)));
        break;
      case 'case3-close':
        lines.push(vscode.l10n.t('Slot {0}: close it on {1}', a.slot, act.close.map(addr).join(', ')));
        break;
      case 'case4':
        lines.push(vscode.l10n.t('Slot {0}: close it on {1}', a.slot, addr(act.node)));
        break;
      case 'unhandled':
        lines.push(vscode.l10n.t('Slot {0}: left as is (fix cannot repair this combination; see Check)', a.slot));
        break;
      case 'no-owner':
        lines.push(vscode.l10n.t('Slot {0}: no master can own it', a.slot));
        break;
    }
  }
  const byTarget = new Map<string, number[]>();
  for (const c of p.coverTargets) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), c.slot]);
  for (const [target, slots] of byTarget)
    lines.push(vscode.l10n.t('Cover uncovered slots {1} with {2} (slots: {0})', slots.length, shortSlots(slots), addr(target)));
  for (const m of p.multipleOwners ?? []) lines.push(vscode.l10n.t('Slot {0}: keep {1} as the only owner', m.slot, addr(m.owner)));
  return lines;
}

export const fix: CommandHandler = async (deps, arg) => {
  const id = await pickClusterId(deps, arg, vscode.l10n.t('Select the cluster to fix'));
  const name = deps.registry.get(id)?.name ?? id;
  const preview = await withProgress(vscode.l10n.t('Looking for problems in {0}…', name), () =>
    deps.access.withEntry(id, (host, port, opts) => previewFix({ ...opts, host, port })),
  );
  deps.store.accept(id, preview.topology);
  const lines = fixPlanLines(preview);
  if (lines.length === 0) {
    void vscode.window.showInformationMessage(
      preview.check.ok
        ? vscode.l10n.t('{0}: nothing to fix, the check found no problems.', name)
        : vscode.l10n.t('{0}: fix would not change anything; run Check for the problems it found.', name),
    );
    return 0;
  }
  if (preview.blockedByUnreachableMasters) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0}: some masters cannot be reached, so fix will not run. Bring them back or remove them first.', name));
    return 1;
  }
  const shown = lines.length > 15 ? [...lines.slice(0, 15), vscode.l10n.t('… and {0} more', lines.length - 15)] : lines;
  await confirmChange(deps, vscode.l10n.t('Fix {0}?', name), shown.join('\n'), vscode.l10n.t('Fix'), true);
  const m = deps.config.migration();
  const report = await runOperation(
    deps,
    { clusterId: id, title: vscode.l10n.t('Fixing {0}…', name), component: 'fix', refresh: true, render: renderFixEvent },
    (host, port, opts) =>
      runFix({ ...opts, host, port, timeoutMs: m.timeoutMs, replace: m.replace, ...(m.pipeline ? { pipeline: m.pipeline } : {}), confirm: async () => true }),
  );
  const ok = report.exitCode === 0;
  await notifyResult(
    deps,
    ok,
    ok
      ? report.actions.length === 1
        ? vscode.l10n.t('{0} fixed: 1 change made.', name)
        : vscode.l10n.t('{0} fixed: {1} changes made.', name, report.actions.length)
      : vscode.l10n.t('{0}: fix could not repair everything; see the output.', name),
    vscode.l10n.t('Fix {0}', name),
    report.output,
  );
  return report.exitCode;
};
