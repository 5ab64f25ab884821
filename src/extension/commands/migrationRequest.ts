/** Building a MigrationRequest and handing it to the migration panel (which previews and runs it). */
import * as vscode from 'vscode';
import type { MovePlan, NothingToDo, RebalanceOptions, SlotLoadReport } from '../../engine';
import type { ClusterView } from '../tree/model';
import type { MigrationKind, MigrationOutcome, MigrationRequest } from '../webview/panelApi';
import type { CommandDeps } from './context';

export async function showPlan(
  deps: CommandDeps, view: ClusterView & { id: string }, kind: MigrationKind, plan: MovePlan | NothingToDo, rebalanceOptions?: RebalanceOptions,
  slotLoad?: SlotLoadReport,
): Promise<MigrationOutcome> {
  const m = deps.config.migration();
  const request: MigrationRequest = {
    kind,
    clusterId: view.id,
    clusterName: view.profile.name,
    topology: view.topology!,
    plan,
    ...(rebalanceOptions ? { rebalanceOptions } : {}),
    ...(slotLoad ? { slotLoad } : {}),
    settings: { ...(m.pipeline ? { pipeline: m.pipeline } : {}), timeoutMs: m.timeoutMs, replace: m.replace, maxClientLatencyMs: m.maxClientLatencyMs },
  };
  deps.log.info('migration', plan.kind === 'nothing-to-do'
    ? `${kind} on ${view.profile.name}: nothing to do (${plan.reason})`
    : `${kind} on ${view.profile.name}: plan of ${plan.totalSlots} slots in ${plan.groups.length} group(s)`);
  // The status bar, the end notification and the reload of the tree follow the run in the migration service.
  const outcome = await deps.migrations.show(request);
  deps.log.info('migration', `${kind} on ${view.profile.name}: ${outcome}`);
  return outcome;
}

/** Reshard, rebalance and Move These Slots need two masters at least. */
export function noMastersMessage(): string {
  return vscode.l10n.t('The cluster needs at least two masters for this.');
}
